import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type BenchRunResult,
  type DevnetConfig,
  devnetLabel,
  parseDevnetConfigList,
  runConsensusSweep,
  type SweepPointSummary,
  summarizeSweepPoint,
  sweepTable,
  writeBenchReport,
} from "../src/index.ts";
import { benchRun } from "./benchRunFixture.ts";

/** A fake run: its figures follow from the configuration and the repeat, so every point is told apart. */
function fakeRun(config: DevnetConfig, repeat: number): BenchRunResult {
  const tps = { solo: 5000, bft: 2000, dpos: 3000 }[config.consensus] / config.nodes + repeat * 10;
  return benchRun({
    committedTps: tps,
    latencyMs: {
      count: 1,
      p50: 100 * config.nodes,
      p95: 150 * config.nodes,
      p99: 200 * config.nodes + repeat,
      max: 999,
      mean: 1,
    },
    consensus: config.consensus,
    nodes: config.nodes,
    diskBytes: config.nodes * 4 * 1024 * 1024,
  });
}

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vshard-consensus-sweep-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("runConsensusSweep", () => {
  it("runs every configuration `repeats` times in order, one categorical point each, with progress lines", async () => {
    const calls: string[] = [];
    const lines: string[] = [];
    const { sweep, failure } = await runConsensusSweep({
      configs: parseDevnetConfigList("solo:1,bft:4,dpos:4"),
      repeats: 2,
      run: async (c, k) => {
        calls.push(`${devnetLabel(c)}#${k}`);
        return fakeRun(c, k);
      },
      log: (l) => lines.push(l),
    });
    expect(failure).toBeNull();
    expect(calls).toEqual(["solo:1#0", "solo:1#1", "bft:4#0", "bft:4#1", "dpos:4#0", "dpos:4#1"]);
    expect(sweep).toMatchObject({ parameter: "consensus", xLabel: "consensus:nodes", categorical: true });
    expect(sweep.points.map((p) => [p.x, p.label, p.runs.length])).toEqual([
      [0, "solo:1", 2],
      [1, "bft:4", 2],
      [2, "dpos:4", 2],
    ]);
    expect(lines.filter((l) => l.startsWith("consensus sweep "))).toEqual([
      "consensus sweep 1/3: solo:1, repeat 1/2 (saturation)",
      "consensus sweep 1/3: solo:1, repeat 2/2 (saturation)",
      "consensus sweep 2/3: bft:4, repeat 1/2 (saturation)",
      "consensus sweep 2/3: bft:4, repeat 2/2 (saturation)",
      "consensus sweep 3/3: dpos:4, repeat 1/2 (saturation)",
      "consensus sweep 3/3: dpos:4, repeat 2/2 (saturation)",
    ]);
    expect(lines).toContain("  bft:4: 510 tx/s committed, p50 400 ms, p99 801 ms");
  });

  it("stops at a configuration that fails and returns what it measured before, naming the failure", async () => {
    const lines: string[] = [];
    const { sweep, failure } = await runConsensusSweep({
      configs: parseDevnetConfigList("solo:1,bft:4,dpos:4"),
      repeats: 2,
      run: async (c, k) => {
        if (c.consensus === "bft" && k === 1)
          throw new Error("vshard devnet exited (1) before printing its API address:\nunknown plugin");
        return fakeRun(c, k);
      },
      log: (l) => lines.push(l),
    });
    expect(failure?.label).toBe("bft:4");
    expect(failure?.error.message).toContain("unknown plugin");
    expect(sweep.points.map((p) => [p.label, p.runs.length])).toEqual([
      ["solo:1", 2],
      ["bft:4", 1],
    ]);
    expect(lines).toContain("  bft:4: failed: vshard devnet exited (1) before printing its API address:");
    expect(lines.some((l) => l.includes("dpos:4"))).toBe(false);
  });
});

describe("the consensus sweep's report", () => {
  async function sweepSummaries(list: string, repeats: number) {
    const { sweep } = await runConsensusSweep({
      configs: parseDevnetConfigList(list),
      repeats,
      run: async (c, k) => fakeRun(c, k),
      log: () => undefined,
    });
    return { sweep, summaries: sweep.points.map(summarizeSweepPoint) };
  }

  it("tables one row per configuration: label, TPS and latency as median (min–max), disk of the whole cluster", async () => {
    const { summaries } = await sweepSummaries("solo:1,bft:4,bft:7", 3);
    const lines = sweepTable("consensus:nodes", summaries);
    expect(lines[0]).toBe(
      "| consensus:nodes | repeats | offered tx/s | committed TPS | p50 ms | p95 ms | p99 ms | max ms | efficiency | rejected | dropped | CPU s | peak RSS MiB | disk MiB | passed |",
    );
    expect(lines).toHaveLength(2 + 3);
    expect(lines[2]).toBe(
      "| solo:1 | 3 | 2,000 | 5,010 (5,000–5,020) | 100 | 150 | 201 (200–202) | 999 | 0.238 | 0 | 0 | 18 | 256 | 4 | 3/3 |",
    );
    expect(lines[3].startsWith("| bft:4 | 3 | 2,000 | 510 (500–520) | 400 | 600 | 801 (800–802) |")).toBe(
      true,
    );
    expect(lines[3]).toContain("| 16 | 3/3 |");
    expect(lines[4]).toContain("| bft:7 |");
  });

  it("shows – for disk when a run did not measure it", () => {
    const s: SweepPointSummary = summarizeSweepPoint({
      x: 0,
      label: "bft:4",
      runs: [benchRun(), benchRun({ diskBytes: null })],
    });
    expect(s.diskBytes).toBeNull();
    expect(sweepTable("consensus:nodes", [s])[2]).toContain("| – | 2/2 |");
  });

  it("writes results.json, summary.md and bar charts with one category per configuration", async () => {
    const { sweep } = await sweepSummaries("solo:1,bft:4,dpos:4", 1);
    const written = await writeBenchReport(
      {
        kind: "sweep",
        name: "transfer-consensus-sweep",
        config: { sweepConsensus: "solo:1,bft:4,dpos:4" },
        sweep,
      },
      { resultsDir: dir, gitCommit: null },
    );
    expect((await readdir(written.dir)).sort()).toEqual([
      "latency.svg",
      "results.json",
      "summary.md",
      "tps.svg",
    ]);

    const json = JSON.parse(await readFile(join(written.dir, "results.json"), "utf8"));
    expect(json.sweep.categorical).toBe(true);
    expect(
      json.sweep.points.map((p: { runs: BenchRunResult[] }) => [p.runs[0].consensus, p.runs[0].nodes]),
    ).toEqual([
      ["solo", 1],
      ["bft", 4],
      ["dpos", 4],
    ]);
    expect(json.sweepSummary.map((s: SweepPointSummary) => s.label)).toEqual(["solo:1", "bft:4", "dpos:4"]);

    const md = await readFile(join(written.dir, "summary.md"), "utf8");
    expect(md).toContain("Sweep over consensus:nodes");
    for (const label of ["solo:1", "bft:4", "dpos:4"]) expect(md).toContain(`| ${label} | 1 |`);

    const tps = await readFile(join(written.dir, "tps.svg"), "utf8");
    const bars = tps.match(/<rect [^>]*fill-opacity="0.85"\/>/g) ?? [];
    expect(bars).toHaveLength(3 + 1); // one per configuration, and the legend's swatch
    for (const label of ["solo:1", "bft:4", "dpos:4"]) expect(tps).toContain(`>${label}</text>`);
    expect(tps).toContain(">p99 latency (ms)</text>");
    expect(tps).not.toContain("<polyline");
    expect(tps).not.toMatch(/NaN|undefined|Infinity/);

    const latency = await readFile(join(written.dir, "latency.svg"), "utf8");
    expect(latency.match(/<rect [^>]*fill-opacity="0.85"\/>/g)).toHaveLength(3 * 3 + 3);
  });
});
