import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type BenchRunResult,
  printRunSummary,
  runShardSweep,
  type ShardedNetworkConfig,
  summarizeSweepPoint,
  writeBenchReport,
} from "../src/index.ts";
import { benchRun, testMachine } from "./benchRunFixture.ts";

const machine = testMachine;

/** A sharded run on `config`: shard k commits 100·(k + 1) + repeat tx/s. */
function shardedRun(config: ShardedNetworkConfig, repeat: number): BenchRunResult {
  const perShard = Array.from({ length: config.shards }, (_, k) => ({
    shard: k,
    submitted: 1000,
    committed: 10 * (100 * (k + 1) + repeat),
    committedTps: 100 * (k + 1) + repeat,
  }));
  const committedTps = perShard.reduce((a, p) => a + p.committedTps, 0);
  return benchRun({
    durationSeconds: 10,
    committedTps,
    committed: committedTps * 10,
    signatureChecksPerTx: config.validators,
    latencyMs: { count: 1, p50: 100, p95: 200, p99: 300 + 10 * config.shards, max: 400, mean: 1 },
    sharded: {
      chainId: 1,
      shards: config.shards,
      validators: config.validators,
      shardConsensus: config.consensus,
      perShard,
    },
  });
}

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vshard-shard-report-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("sharded runs in the report", () => {
  it("a run: the network in words and a per-shard table in summary.md, per-shard figures in results.json", async () => {
    const r = shardedRun({ shards: 2, validators: 2, consensus: "solo" }, 0);
    const written = await writeBenchReport(
      { kind: "run", name: "transfer-shards", config: {}, run: r },
      { resultsDir: dir, machine, gitCommit: null },
    );
    const md = await readFile(join(written.dir, "summary.md"), "utf8");
    expect(md).toContain(
      "| Network | 2 solo shards of worker chain 1, 2 validator nodes in one process, every node running the main chain " +
        "and every shard (efficiency: one signature check per validator); same-shard txs only |",
    );
    expect(md).toContain("| shard | submitted | committed | committed TPS |");
    expect(md).toContain("| 0 | 1,000 | 1,000 | 100 |");
    expect(md).toContain("| 1 | 1,000 | 2,000 | 200 |");
    const json = JSON.parse(await readFile(join(written.dir, "results.json"), "utf8"));
    expect(json.run.sharded.perShard.map((p: { committedTps: number }) => p.committedTps)).toEqual([
      100, 200,
    ]);

    const lines: string[] = [];
    printRunSummary(r, (l) => lines.push(l));
    expect(lines).toContain(
      "  network         2 solo shards of chain 1, 2 validator nodes in one process, every node running every shard; same-shard txs only",
    );
    expect(lines.some((l) => l.startsWith("  shard 1         200 tx/s committed"))).toBe(true);
    expect(
      lines.some((l) => l.includes("(one per validator node: every node verifies every tx of every shard)")),
    ).toBe(true);
  });

  it("a shard sweep: x = shard count, per-shard TPS over the repeats, progress lines, TPS and latency charts", async () => {
    const networks: ShardedNetworkConfig[] = [
      { shards: 1, validators: 1, consensus: "solo" },
      { shards: 2, validators: 2, consensus: "solo" },
    ];
    const lines: string[] = [];
    const { sweep, failure } = await runShardSweep({
      networks,
      repeats: 2,
      run: async (c, k) => shardedRun(c, k),
      log: (l) => lines.push(l),
    });
    expect(failure).toBeNull();
    expect(sweep).toMatchObject({ parameter: "shards", xLabel: "shards" });
    expect(sweep.categorical).toBeUndefined();
    expect(sweep.points.map((p) => [p.x, p.label, p.runs.length])).toEqual([
      [1, "1 (solo, 1 validator)", 2],
      [2, "2 (solo, 2 validators)", 2],
    ]);
    expect(lines.filter((l) => l.startsWith("shard sweep "))).toEqual([
      "shard sweep 1/2: 1 (solo, 1 validator), repeat 1/2 (saturation)",
      "shard sweep 1/2: 1 (solo, 1 validator), repeat 2/2 (saturation)",
      "shard sweep 2/2: 2 (solo, 2 validators), repeat 1/2 (saturation)",
      "shard sweep 2/2: 2 (solo, 2 validators), repeat 2/2 (saturation)",
    ]);
    expect(summarizeSweepPoint(sweep.points[1]).perShardTps).toEqual([
      { min: 100, median: 100.5, max: 101, values: [100, 101] },
      { min: 200, median: 200.5, max: 201, values: [200, 201] },
    ]);

    const written = await writeBenchReport(
      { kind: "sweep", name: "transfer-shard-sweep", config: {}, sweep },
      { resultsDir: dir, machine, gitCommit: null },
    );
    const names = written.files.map((f) => f.slice(written.dir.length + 1));
    expect(names).toEqual(["results.json", "summary.md", "tps.svg", "latency.svg"]);
    const md = await readFile(join(written.dir, "summary.md"), "utf8");
    expect(md).toContain("| shards | repeats |");
    expect(md).toContain("per-shard TPS (median) |");
    expect(md).toMatch(/\| 2 \(solo, 2 validators\) \| 2 \|.*\| 100\.5 \/ 200\.5 \|/);
    expect(md).toContain(
      "Each run: solo shards of worker chain 1 and validator nodes as the first column says, in one process, every " +
        "node running the main chain and every shard (efficiency: one signature check per validator); same-shard " +
        "txs only.",
    );
    const tps = await readFile(join(written.dir, "tps.svg"), "utf8");
    expect(tps).toContain("committed TPS and p99 latency against shards");
    const json = JSON.parse(await readFile(join(written.dir, "results.json"), "utf8"));
    expect(json.sweepSummary.map((p: { x: number }) => p.x)).toEqual([1, 2]);
  });
});
