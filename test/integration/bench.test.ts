import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  fixedRate,
  ProgressLine,
  runBench,
  SmallbankWorkload,
  TransferWorkload,
  writeBenchReport,
} from "@vshard/bench";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/testNetwork.ts";

/**
 * What every run here shares: a short warm-up, blocks every 50 ms, silent output, and a fixed verify rate (these
 * tests check the harness's bookkeeping, not this machine's speed).
 */
const QUIET_RUN = {
  warmupMs: 500,
  drainMs: 60_000,
  blockIntervalMs: 50,
  verifyRatePerSecond: 10_000,
  log: () => undefined,
  progress: new ProgressLine({ write: () => true }),
  phaseLabel: "test",
};

describe("the load benchmark against a node it starts (real process, HTTP, SSE)", () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterAll(async () => cleanup?.());

  it("commits every offered transfer at a modest open-loop rate and writes JSON, Markdown and SVG", async () => {
    const out = await tempDir("bench");
    cleanup = out.cleanup;
    const lines: string[] = [];
    const run = await runBench({
      workload: new TransferWorkload({ accounts: 50, seed: 7, chainId: 1, shard: 0, zipf: 0 }),
      load: { kind: "open", schedule: fixedRate(100) },
      durationMs: 2_000,
      ...QUIET_RUN,
      log: (l) => lines.push(l),
    });
    expect(run.submitted).toBe(200);
    expect(run.dropped).toEqual({});
    expect(run.rejected).toEqual({});
    expect(run.latencyMs.count).toBe(run.submitted);
    expect(run.efficiency).toBeCloseTo(run.committedTps / 10_000, 10);
    expect(run.processes.map((p) => p.name)).toEqual(["bench client", "node"]);
    expect(run.diskBytes).toBeGreaterThan(0);
    expect(run.compressionRatio).toBeGreaterThan(0);

    const written = await writeBenchReport(
      { kind: "run", name: "transfer-test", config: {}, run },
      { resultsDir: out.path, gitCommit: null },
    );
    const names = written.files.map((f) => f.slice(written.dir.length + 1));
    expect(names).toEqual(expect.arrayContaining(["results.json", "summary.md", "timeline.svg"]));
    const json = JSON.parse(await readFile(join(written.dir, "results.json"), "utf8"));
    expect(json.run.submitted).toBe(200);
    expect(await readFile(join(written.dir, "summary.md"), "utf8")).toContain("committed");
  });

  it("runs smallbank through setup and load, and its conservation check passes against the real chain", async () => {
    const run = await runBench({
      workload: new SmallbankWorkload({ accounts: 30, seed: 11, chainId: 1, shard: 0, hotspot: 0.3 }),
      load: { kind: "open", schedule: fixedRate(100) },
      durationMs: 2_000,
      ...QUIET_RUN,
    });
    expect(run.dropped).toEqual({});
    expect(run.checks).toHaveLength(1);
    expect(run.checks[0].passed, run.checks[0].detail).toBe(true);
    expect(run.checks[0].detail).toMatch(/0 of 30 customers differ/);
  });

  it("launches a multi-node devnet, funds the accounts from its faucet and records plugin and node count", async () => {
    const lines: string[] = [];
    const run = await runBench({
      workload: new TransferWorkload({ accounts: 20, seed: 3, chainId: 1, shard: 0, zipf: 0 }),
      load: { kind: "open", schedule: fixedRate(50) },
      devnet: { consensus: "dpos", nodes: 4 },
      durationMs: 2_000,
      ...QUIET_RUN,
      blockIntervalMs: 100,
      log: (l) => lines.push(l),
    });
    expect(lines.some((l) => l.startsWith("funding 20 accounts with 1000000000 each"))).toBe(true);
    expect(run).toMatchObject({ consensus: "dpos", nodes: 4, rejected: {}, dropped: {} });
    expect(run.committed).toBeGreaterThan(0);
    expect(run.processes.map((p) => p.name)).toEqual(["bench client", "nodes (dpos:4)"]);
    expect(run.diskBytes).toBeGreaterThan(0);
  });

  it("bounds a run by a transaction count instead of a duration", async () => {
    const run = await runBench({
      workload: new TransferWorkload({ accounts: 20, seed: 5, chainId: 1, shard: 0, zipf: 1.1 }),
      load: { kind: "open", schedule: fixedRate(100) },
      durationMs: 60_000,
      txCount: 150,
      ...QUIET_RUN,
    });
    // The boundary tx planned exactly at the end of the warm-up may fall on either side.
    expect(run.submitted).toBeGreaterThanOrEqual(149);
    expect(run.submitted).toBeLessThanOrEqual(151);
    expect(run.durationSeconds).toBeLessThan(10);
    expect(run.dropped).toEqual({});
  });
});
