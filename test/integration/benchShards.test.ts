import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  BENCH_CHAIN_ID,
  fixedRate,
  ProgressLine,
  runBench,
  runShardSweep,
  type ShardedNetworkConfig,
  SmallbankWorkload,
  shardedNetworkConfig,
  TransferWorkload,
  writeBenchReport,
} from "@vshard/bench";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/testNetwork.ts";

/**
 * What every run here shares: a short window and warm-up, blocks every 100 ms, silent output, and a fixed verify rate
 * (these tests check the harness's bookkeeping on a sharded network, not this machine's speed; a low rate also keeps
 * the number of txs signed for saturation small).
 */
const QUIET_RUN = {
  durationMs: 3_000,
  warmupMs: 500,
  drainMs: 30_000,
  blockIntervalMs: 100,
  verifyRatePerSecond: 1_000,
  log: () => undefined,
  progress: new ProgressLine({ write: () => true }),
  phaseLabel: "test",
};

describe("the load benchmark on the shards of a worker chain (real sharded network, HTTP, chain-scoped SSE)", () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterAll(async () => cleanup?.());

  it("sweeps 1 and 2 shards at saturation: committed TPS per shard count and per shard, charts written", async () => {
    const out = await tempDir("bench-shards");
    cleanup = out.cleanup;
    const lines: string[] = [];
    const { sweep, failure } = await runShardSweep({
      networks: [1, 2].map((s) => shardedNetworkConfig(s, undefined, "solo")),
      repeats: 1,
      run: (network: ShardedNetworkConfig, k) =>
        runBench({
          workload: new TransferWorkload({
            accounts: 200,
            seed: 21 + k,
            chainId: BENCH_CHAIN_ID,
            shard: 0,
            shards: network.shards,
            zipf: 0,
          }),
          load: { kind: "saturate" },
          network,
          ...QUIET_RUN,
        }),
      log: (l) => lines.push(l),
    });
    expect(failure).toBeNull();
    expect(lines.filter((l) => l.startsWith("shard sweep "))).toEqual([
      "shard sweep 1/2: 1 (solo, 1 validator), repeat 1/1 (saturation)",
      "shard sweep 2/2: 2 (solo, 1 validator), repeat 1/1 (saturation)",
    ]);
    expect(sweep.points.map((p) => p.x)).toEqual([1, 2]);
    for (const point of sweep.points) {
      const [run] = point.runs;
      const sharded = run.sharded;
      // One validator runs every solo shard (it is dealt a seat in each).
      expect(sharded).toMatchObject({ chainId: BENCH_CHAIN_ID, shards: point.x, validators: 1 });
      expect(run.committed).toBeGreaterThan(0);
      // At saturation a busy refusal the send window closes on counts as rejected; nothing else may be refused.
      expect(Object.keys(run.rejected).filter((code) => code !== "TX_ERROR_NODE_BUSY")).toEqual([]);
      expect(run.signatureChecksPerTx).toBe(1);
      expect(sharded?.perShard.map((p) => p.shard)).toEqual(Array.from({ length: point.x }, (_, k) => k));
      // Every shard got load and committed some; the shards' figures add up to the run's.
      for (const p of sharded?.perShard ?? []) expect(p.committed).toBeGreaterThan(0);
      expect(sharded?.perShard.reduce((a, p) => a + p.committed, 0)).toBe(run.committed);
      expect(sharded?.perShard.reduce((a, p) => a + p.submitted, 0)).toBe(run.submitted);
      expect(run.processes.map((p) => p.name)).toEqual([
        "bench client",
        `network (${point.x} ${point.x === 1 ? "shard" : "shards"} × solo, 1 validator)`,
      ]);
      expect(run.diskBytes).toBeGreaterThan(0);
    }

    const written = await writeBenchReport(
      { kind: "sweep", name: "transfer-shard-sweep", config: {}, sweep },
      { resultsDir: out.path, gitCommit: null },
    );
    const names = written.files.map((f) => f.slice(written.dir.length + 1));
    expect(names).toEqual(["results.json", "summary.md", "tps.svg", "latency.svg"]);
    const json = JSON.parse(await readFile(join(written.dir, "results.json"), "utf8"));
    expect(json.sweep.parameter).toBe("shards");
    expect(
      json.sweepSummary.map((p: { x: number; perShardTps: unknown[] }) => [p.x, p.perShardTps.length]),
    ).toEqual([
      [1, 1],
      [2, 2],
    ]);
    const md = await readFile(join(written.dir, "summary.md"), "utf8");
    expect(md).toContain("per-shard TPS (median)");
    expect(md).toContain("same-shard txs only.");
    expect(await readFile(join(written.dir, "tps.svg"), "utf8")).toContain("against shards");
  });

  it("runs smallbank on 2 shards, and the conservation check passes in each shard against its own state", async () => {
    const network = shardedNetworkConfig(2, undefined, "solo");
    const run = await runBench({
      workload: new SmallbankWorkload({
        accounts: 40,
        seed: 11,
        chainId: BENCH_CHAIN_ID,
        shard: 0,
        shards: 2,
        hotspot: 0.3,
      }),
      load: { kind: "open", schedule: fixedRate(100) },
      network,
      ...QUIET_RUN,
      durationMs: 2_000,
    });
    expect(run.dropped).toEqual({});
    expect(run.rejected).toEqual({});
    expect(run.checks.map((c) => c.name)).toEqual([
      "smallbank money conserved in shard 0",
      "smallbank money conserved in shard 1",
    ]);
    for (const c of run.checks) {
      expect(c.passed, c.detail).toBe(true);
      expect(c.detail).toMatch(/; 0 of \d+ customers differ from the replay$/);
    }
    expect(run.sharded?.perShard.every((p) => p.committed > 0)).toBe(true);
  });
});
