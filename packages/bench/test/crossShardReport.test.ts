import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type CrossShardResult,
  crossShardStagesSvg,
  printRunSummary,
  type SweepResult,
  writeBenchReport,
} from "../src/index.ts";
import { benchRun, testMachine } from "./benchRunFixture.ts";

/** A sample of 300 of which 298 were credited: anchor + relay + credit p50 = 300 + 200 + 350 ms. */
function crossShard(overrides: Partial<CrossShardResult> = {}): CrossShardResult {
  const p = (p50: number) => ({ count: 298, p50, p95: 2 * p50, p99: 3 * p50, max: 4 * p50 });
  return {
    ratio: 0.5,
    sentInWindow: 4210,
    sampled: 300,
    credited: 298,
    refunded: 1,
    unsettled: 1,
    settleTimeoutMs: 60_000,
    settledAfterMs: null,
    stagesMs: { anchor: p(300), relay: p(200), credit: p(350), total: p(900) },
    blockIntervalMs: { main: 250, shard: 300 },
    totalP50InBlocks: { main: 3.6, shard: 3 },
    relayTotals: { relays: 1, delivered: 4500, duplicates: 3, retries: 2, failures: 0 },
    ...overrides,
  };
}

const sharded = {
  chainId: 1,
  shards: 2,
  validators: 1,
  shardConsensus: "solo",
  perShard: [0, 1].map((shard) => ({ shard, submitted: 10, committed: 10, committedTps: 1 })),
};

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vshard-cross-report-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("cross-shard figures in the report", () => {
  it("a run: results.json, a summary.md section with the stage table, the chart, the console lines", async () => {
    const run = benchRun({
      sharded,
      crossShard: crossShard(),
      timeline: [{ tSeconds: 1, offeredTps: 1, committedTps: 1 }],
    });
    const written = await writeBenchReport(
      { kind: "run", name: "transfer-cross", config: {}, run },
      { resultsDir: dir, machine: testMachine, gitCommit: null },
    );
    expect(written.files.map((f) => f.slice(written.dir.length + 1))).toEqual([
      "results.json",
      "summary.md",
      "timeline.svg",
      "cross-shard-stages.svg",
    ]);
    const json = JSON.parse(await readFile(join(written.dir, "results.json"), "utf8"));
    expect(json.run.crossShard).toEqual(crossShard());
    const md = await readFile(join(written.dir, "summary.md"), "utf8");
    expect(md).toContain("validator); 50% cross-shard transfers, delivered by relays |");
    expect(md).toContain("## Cross-shard transfers");
    expect(md).toContain(
      "298 credited, 1 refunded, 1 unsettled of 300 sampled (of 4,210 sent in the window); not all settled within 60 s after the window.",
    );
    expect(md).toContain("| stage | span | transfers | p50 ms | p95 ms | p99 ms | max ms |");
    expect(md).toContain("| anchor | debited → anchored | 298 | 300 | 600 | 900 | 1,200 |");
    expect(md).toContain("| relay | anchored → relayed | 298 | 200 | 400 | 600 | 800 |");
    expect(md).toContain("| credit | relayed → credited | 298 | 350 | 700 | 1,050 | 1,400 |");
    expect(md).toContain("| total | debited → credited | 298 | 900 | 1,800 | 2,700 | 3,600 |");
    expect(md).toContain("Total p50 = 3.6 main-chain blocks (250 ms) = 3 shard blocks (300 ms)");
    expect(md).toContain("![cross-shard-stages.svg](cross-shard-stages.svg)");

    const lines: string[] = [];
    printRunSummary(run, (l) => lines.push(l));
    expect(lines).toContain(
      "  cross-shard     ratio 0.5: 298 credited, 1 refunded, 1 unsettled of 300 sampled (of 4,210 sent in the window); not all settled within 60 s after the window",
    );
    expect(lines).toContain(
      "  cross latency   p50 anchor 300 + relay 200 + credit 350 ms; total p50 900 ms  p95 1,800 ms  p99 2,700 ms  max 3,600 ms  (debit → credit)",
    );
    expect(lines).toContain(
      "  cross blocks    total p50 = 3.6 main-chain blocks (250 ms) = 3 shard blocks (300 ms), mean intervals in the window",
    );
    expect(lines.some((l) => l.includes("every node running every shard; 50.0% cross-shard transfers"))).toBe(
      true,
    );
  });

  it("the chart stacks each stage's p50 and p95 and marks the total's, and is absent when nothing was credited", () => {
    const svg = crossShardStagesSvg("t", crossShard()) ?? "";
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("cross-shard latency by stage (298 credited of 300 sampled)");
    for (const title of [
      "anchor p50: 300 ms",
      "relay p50: 200 ms",
      "credit p50: 350 ms",
      "credit p95: 700 ms",
    ])
      expect(svg).toContain(`<title>${title}</title>`);
    expect(svg).toContain("<title>total p50: 900 ms</title>");
    expect(svg).toContain("<title>total p95: 1800 ms</title>");
    expect(svg).not.toMatch(/NaN|undefined/);
    const none = crossShard({
      credited: 0,
      stagesMs: { anchor: null, relay: null, credit: null, total: null },
    });
    expect(crossShardStagesSvg("t", none)).toBeNull();
  });

  it("a sweep: one row per run with cross-shard figures", async () => {
    const sweep: SweepResult = {
      parameter: "shards",
      xLabel: "shards",
      points: [2, 4].map((x) => ({
        x,
        label: `${x} (solo, 1 validator)`,
        runs: [
          benchRun({ sharded, crossShard: crossShard() }),
          benchRun({ sharded, crossShard: crossShard() }),
        ],
      })),
    };
    const written = await writeBenchReport(
      { kind: "sweep", name: "cross-sweep", config: {}, sweep },
      { resultsDir: dir, machine: testMachine, gitCommit: null },
    );
    const md = await readFile(join(written.dir, "summary.md"), "utf8");
    expect(md).toContain("validator); 50% cross-shard transfers, delivered by relays.");
    expect(md).toContain("| run | ratio | sampled | credited |");
    expect(md).toContain(
      "| 4 (solo, 1 validator) #2 | 0.5 | 300 | 298 | 1 | 1 | 300 | 200 | 350 | 900 | 1,800 | 2,700 | 3.6 / 3 |",
    );
  });
});
