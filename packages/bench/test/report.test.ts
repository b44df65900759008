import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type BenchRunResult,
  describeMachine,
  gitCommit,
  resultsFolderName,
  type SweepResult,
  summarizeSweepPoint,
  writeBenchReport,
} from "../src/index.ts";

import { testMachine } from "./benchRunFixture.ts";

const machine = testMachine;
const now = new Date("2025-03-04T05:06:07.891Z");
const commit = "0123456789abcdef0123456789abcdef01234567";

function run(overrides: Partial<BenchRunResult> = {}): BenchRunResult {
  return {
    workload: "transfer",
    startedAt: "2025-03-04T05:05:30.000Z",
    durationSeconds: 30,
    warmupSeconds: 5,
    offeredRate: 1000,
    submitted: 30_000,
    committed: 29_400,
    committedTps: 980,
    latencyMs: { count: 29_400, p50: 12.5, p95: 40.25, p99: 81.5, max: 120, mean: 15 },
    signatureChecksPerTx: 1,
    verifyRatePerSecond: 1960,
    efficiency: 0.5,
    rejected: { TX_ERROR_NODE_BUSY: 12 },
    dropped: { timeout: 3 },
    processes: [
      { name: "node-0", cpuSeconds: 40, peakRssBytes: 512 * 1024 * 1024 },
      { name: "bench", cpuSeconds: 5.25, peakRssBytes: 128 * 1024 * 1024 },
    ],
    diskBytes: 12_345_678,
    compressionRatio: 3.2,
    checks: [],
    ...overrides,
  };
}

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vshard-bench-report-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("writeBenchReport", () => {
  it("writes results.json, summary.md and the timeline chart of a single run", async () => {
    const timeline = [1, 2, 3].map((t) => ({
      tSeconds: t,
      offeredTps: 1000,
      committedTps: 970 + t,
      p99Ms: 80 + t,
    }));
    const input = {
      kind: "run" as const,
      name: "Transfer solo",
      config: { seed: 1, workload: "transfer" },
      run: run({ timeline }),
    };
    const written = await writeBenchReport(input, { resultsDir: dir, now, machine, gitCommit: commit });

    expect(written.dir).toBe(join(dir, "2025-03-04T05-06-07Z-transfer-solo"));
    expect((await readdir(written.dir)).sort()).toEqual(["results.json", "summary.md", "timeline.svg"]);
    expect(written.files.map((f) => f.slice(written.dir.length + 1))).toEqual([
      "results.json",
      "summary.md",
      "timeline.svg",
    ]);

    const json = JSON.parse(await readFile(join(written.dir, "results.json"), "utf8"));
    expect(json).toEqual(written.results);
    expect(json).toMatchObject({
      kind: "run",
      gitCommit: commit,
      machine,
      writtenAt: now.toISOString(),
      config: { seed: 1 },
    });
    expect(json.run.latencyMs.p99).toBe(81.5);

    const md = await readFile(join(written.dir, "summary.md"), "utf8");
    expect(md).toContain("# Benchmark: Transfer solo");
    expect(md).toContain("- Result: passed");
    expect(md).toContain(`\`${commit}\``);
    expect(md).toContain("Test CPU × 8, 16 GiB, linux x64 6.1.0, Node v20.19.0");
    expect(md).toContain("| Committed TPS | 980 |");
    expect(md).toContain("| Offered rate | 1,000 tx/s |");
    expect(md).toContain("| Latency p50 | 12.5 ms |");
    expect(md).toContain("| Latency p95 | 40.25 ms |");
    expect(md).toContain("| Latency p99 | 81.5 ms |");
    expect(md).toContain("| Latency max | 120 ms |");
    expect(md).toContain("| Efficiency | 0.5 (1 checks/tx, 1,960 verify/s) |");
    expect(md).toContain("| Rejected | 12 (TX_ERROR_NODE_BUSY 12) |");
    expect(md).toContain("| Dropped | 3 (timeout 3) |");
    expect(md).toContain("| CPU seconds | 45.25 |");
    expect(md).toContain("| Peak RSS | 512 MiB |");
    expect(md).toContain("| Disk bytes | 12,345,678 (11.8 MiB) |");
    expect(md).toContain("| Compression ratio | 3.2 |");
    expect(md).toContain("| node-0 | 40 | 512 MiB |");
    expect(md).toContain("![timeline.svg](timeline.svg)");

    const svg = await readFile(join(written.dir, "timeline.svg"), "utf8");
    expect(svg).toContain("committed TPS");
    expect(svg).not.toContain("NaN");
  });

  it("names the consensus and node count of a devnet the harness launched", async () => {
    const written = await writeBenchReport(
      { kind: "run", name: "bft", config: {}, run: run({ consensus: "bft", nodes: 4 }) },
      { resultsDir: dir, now, machine, gitCommit: null },
    );
    const md = await readFile(join(written.dir, "summary.md"), "utf8");
    expect(md).toContain("| Consensus | bft, 4 nodes (one process) |");
    expect(written.results).toMatchObject({ run: { consensus: "bft", nodes: 4 } });
    const solo = await writeBenchReport(
      { kind: "run", name: "solo", config: {}, run: run({ consensus: "solo", nodes: 1 }) },
      { resultsDir: dir, now, machine, gitCommit: null },
    );
    expect(await readFile(join(solo.dir, "summary.md"), "utf8")).toContain("| Consensus | solo, 1 node |");
    // A node driven by URL: the harness does not know what it runs.
    const byUrl = await writeBenchReport(
      { kind: "run", name: "by url", config: {}, run: run() },
      { resultsDir: dir, now, machine, gitCommit: null },
    );
    expect(await readFile(join(byUrl.dir, "summary.md"), "utf8")).not.toContain("| Consensus |");
  });

  it("marks a run whose check failed, and writes no chart without a timeline", async () => {
    const failed = run({
      workload: "smallbank",
      checks: [{ name: "money conserved", passed: false, detail: "total 999,990 ≠ 1,000,000" }],
      diskBytes: null,
      compressionRatio: null,
    });
    const written = await writeBenchReport(
      { kind: "run", name: "smallbank", config: {}, run: failed },
      { resultsDir: dir, now, machine, gitCommit: null },
    );
    expect((await readdir(written.dir)).sort()).toEqual(["results.json", "summary.md"]);
    const md = await readFile(join(written.dir, "summary.md"), "utf8");
    expect(md).toContain("- Result: **FAILED**");
    expect(md).toContain("- **FAILED**: money conserved: total 999,990 ≠ 1,000,000");
    expect(md).toContain("- Commit: unknown");
    expect(md).toContain("| Disk bytes | – |");
  });

  it("writes a sweep: one row per point with median (min–max) over repeats, and the TPS and latency charts", async () => {
    const point = (x: number, tps: number[], p99: number[]) => ({
      x,
      runs: tps.map((t, i) =>
        run({ offeredRate: x, committedTps: t, latencyMs: { ...run().latencyMs, p99: p99[i] } }),
      ),
    });
    const sweep: SweepResult = {
      parameter: "offeredRate",
      xLabel: "offered rate (tx/s)",
      points: [
        point(250, [250, 249, 250], [10, 12, 11]),
        point(500, [490, 500, 495], [20, 30, 25]),
        point(1000, [700, 720, 710], [400, 500, 450]),
      ],
    };
    const written = await writeBenchReport(
      { kind: "sweep", name: "rate sweep", config: { repeats: 3 }, sweep },
      { resultsDir: dir, now, machine, gitCommit: commit },
    );
    expect((await readdir(written.dir)).sort()).toEqual([
      "latency.svg",
      "results.json",
      "summary.md",
      "tps.svg",
    ]);

    const json = JSON.parse(await readFile(join(written.dir, "results.json"), "utf8"));
    expect(json.sweepSummary).toHaveLength(3);
    expect(json.sweepSummary[1].committedTps).toEqual({
      min: 490,
      median: 495,
      max: 500,
      values: [490, 500, 495],
    });

    const md = await readFile(join(written.dir, "summary.md"), "utf8");
    expect(md).toContain("| offered rate (tx/s) | repeats | offered tx/s | committed TPS |");
    expect(md).toContain("| 500 | 3 | 500 | 495 (490–500) | 12.5 | 40.25 | 25 (20–30) |");
    expect(md).toContain("| 1000 | 3 | 1,000 | 710 (700–720) |");
    expect(md).toContain("| TX_ERROR_NODE_BUSY | 108 | 0 |");
    expect(md).toContain("| timeout | 0 | 27 |");

    const tps = await readFile(join(written.dir, "tps.svg"), "utf8");
    expect(tps).toContain("offered (ideal)");
    expect(tps).toContain("p99 latency (ms)");
    expect(tps).not.toContain("NaN");
  });
});

describe("report helpers", () => {
  it("summarises a sweep point's repeats figure by figure", () => {
    const s = summarizeSweepPoint({
      x: 4,
      label: "4 shards",
      runs: [run({ committedTps: 3 }), run({ committedTps: 1 })],
    });
    expect(s).toMatchObject({ x: 4, label: "4 shards", repeats: 2, passed: 2 });
    expect(s.committedTps).toMatchObject({ min: 1, median: 2, max: 3 });
    expect(s.cpuSeconds.median).toBe(45.25);
    expect(s.rejected.median).toBe(12);
  });

  it("names folders by UTC time then a slug of the name", () => {
    expect(resultsFolderName(now, "Rate sweep: solo/BFT!")).toBe("2025-03-04T05-06-07Z-rate-sweep-solo-bft");
    expect(resultsFolderName(now, "***")).toBe("2025-03-04T05-06-07Z-bench");
  });

  it("describes the machine and finds the commit only inside a repository", () => {
    const m = describeMachine();
    expect(m.cpuCount).toBeGreaterThan(0);
    expect(m.totalMemoryBytes).toBeGreaterThan(0);
    expect(m.nodeVersion).toBe(process.version);
    expect(gitCommit(dir)).toBeNull();
    const here = gitCommit(process.cwd());
    if (here !== null) expect(here).toMatch(/^[0-9a-f]{40,64}$/);
  });
});
