import type { Ed25519KeyPair } from "@vshard/crypto";
import { ApiClient } from "@vshard/node";
import { BENCH_CHAIN_ID } from "../benchChainSchema.ts";
import type { BenchRunResult, ProcessUsage } from "../benchResult.ts";
import { DEFAULT_BENCH_RELAYS } from "../crossShard/benchRelays.ts";
import { BlockIntervalWatch } from "../crossShard/blockIntervals.ts";
import { type CrossShardRunOptions, followCrossShard } from "../crossShard/followCrossShard.ts";
import type { DevnetConfig } from "../devnetConfig.ts";
import type { ProgressLine } from "../progressBar.ts";
import { txsDueBy } from "../rateSchedule.ts";
import type { ShardedNetworkConfig } from "../shardedNetwork.ts";
import type { Workload } from "../workloads/workload.ts";
import { type BenchTarget, openSingleChainTarget } from "./benchTarget.ts";
import { driveLoad, type ReadyTx } from "./loadDriver.ts";
import { measure, type OfferedLoad, SATURATION_WINDOW, sendPlan, signInChunks } from "./measureRun.ts";
import { ProcessMeter } from "./processUsage.ts";
import { openShardedTarget } from "./shardedTarget.ts";

/** Options of one measured run. */
export interface BenchRunOptions {
  workload: Workload;
  load: OfferedLoad;
  /** Existing node to drive; without it the harness launches one. */
  url?: string;
  /** Without `url`: the devnet the harness launches (plugin, node count); solo × 1 by default. */
  devnet?: DevnetConfig;
  /**
   * Launch a sharded network instead (not with `url` or `devnet`): the workload must then be built with `shards` =
   * `network.shards` and `chainId` = the bench chain's ({@link BENCH_CHAIN_ID}).
   */
  network?: ShardedNetworkConfig;
  /** Base units each account receives from a launched cluster's faucet; {@link DEFAULT_FUND_AMOUNT} by default. */
  fundAmount?: bigint;
  durationMs: number;
  /** Bound the measured window by a tx count instead of `durationMs` (approximate at saturation). */
  txCount?: number;
  warmupMs: number;
  /** How long to wait after sending for accepted txs to become final. */
  drainMs: number;
  blockIntervalMs: number;
  /** This machine's all-core ed25519 verify rate, measured at the start of the command. */
  verifyRatePerSecond: number;
  cpuProfDir?: string;
  /** With `url`: a key that funds the workload's accounts first (e.g. a devnet's faucet), and how much each gets. */
  funding?: { funder: Ed25519KeyPair; amount: bigint };
  log: (line: string) => void;
  progress: ProgressLine;
  /** Shown in the progress line, e.g. "saturation" or "1500 tx/s". */
  phaseLabel: string;
  /**
   * Tuning of a workload with cross-shard transfers (`crossShardRatio` > 0, sharded runs only): relays, sample size,
   * how long to wait for the sample to settle, the sample's seed.
   */
  crossShard?: CrossShardRunOptions;
}

/**
 * What each account gets from a launched cluster's faucet: 10^9 covers any run at fee 1 (and transfer amount 1), and
 * 10,000 accounts take 10^13 of the faucet's 10^15.
 */
export const DEFAULT_FUND_AMOUNT = 1_000_000_000n;

/** Most txs per POST: a tenth of a block, so batches flow while a block is being built. */
const MAX_BATCH = 500;
/** Concurrent POSTs: enough to keep both the HTTP parser and the verify pool busy. */
const MAX_CONCURRENT_REQUESTS = 4;

/** Reaches or launches what the run drives: a sharded network, a single-chain devnet, or the node at `url`. */
function openTarget(opts: BenchRunOptions): Promise<BenchTarget> {
  if (opts.network) {
    if (opts.url || opts.devnet)
      throw new Error("a sharded run launches its own network: not with url or devnet");
    const cross = (opts.workload.crossShardRatio ?? 0) > 0;
    return openShardedTarget(
      {
        network: opts.network,
        blockIntervalMs: opts.blockIntervalMs,
        cpuProfDir: opts.cpuProfDir,
        relays: cross ? (opts.crossShard?.relays ?? DEFAULT_BENCH_RELAYS) : 0,
      },
      opts.workload,
      opts.log,
    );
  }
  return openSingleChainTarget(
    {
      ...(opts.url ? { url: opts.url } : {}),
      ...(opts.devnet ? { devnet: opts.devnet } : {}),
      fundAmount: opts.fundAmount ?? DEFAULT_FUND_AMOUNT,
      ...(opts.funding ? { funding: opts.funding } : {}),
      blockIntervalMs: opts.blockIntervalMs,
      cpuProfDir: opts.cpuProfDir,
    },
    opts.workload,
    opts.log,
  );
}

/**
 * Runs one benchmark: launch (or reach) the node, run setup, send the load, drain, measure, check. A workload with
 * cross-shard transfers runs on a sharded network with relays, and the run then follows a sample of its cross
 * transfers to their credit (`result.crossShard`).
 */
export async function runBench(opts: BenchRunOptions): Promise<BenchRunResult> {
  const { workload, log } = opts;
  const target = await openTarget(opts);
  const { url, finality: tracker } = target;
  try {
    await target.fund(workload, opts.drainMs, log);
    await runSetup(workload.setupTxs(), target, opts);
    const { total, count } = sendPlan(opts);
    log(`signing ${count} transactions before the measured window ...`);
    const txs = signInChunks(workload, count, log);
    const meters = [
      new ProcessMeter("bench client", process.pid),
      ...(target.process ? [new ProcessMeter(target.process.name, target.process.pid)] : []),
    ];
    for (const m of meters) await m.start();
    const schedule = opts.load.kind === "open" ? opts.load.schedule : null;
    const finalBefore = tracker.finalCount();
    // Block intervals over the measured window: what a cross transfer's latency is made of.
    const intervals = target.relays
      ? new BlockIntervalWatch(new ApiClient(url), BENCH_CHAIN_ID, opts.warmupMs)
      : null;
    const record = await driveLoad(
      txs,
      {
        url,
        pacing: schedule
          ? { kind: "open", dueBy: (ms) => txsDueBy(schedule, ms) }
          : { kind: "saturate", window: SATURATION_WINDOW },
        sendForMs: total,
        maxBatch: MAX_BATCH,
        maxConcurrentRequests: MAX_CONCURRENT_REQUESTS,
        onProgress: (ms, sent) =>
          opts.progress.update({
            elapsedMs: ms,
            totalMs: Number.isFinite(total) ? total : null,
            targetTxs: count,
            submitted: sent,
            committed: tracker.finalCount() - finalBefore,
            phase: ms < opts.warmupMs ? "warm-up" : opts.phaseLabel,
          }),
      },
      tracker,
    );
    opts.progress.finish({
      elapsedMs: record.endedAt - record.startedAt,
      totalMs: Number.isFinite(total) ? total : null,
      targetTxs: count,
      submitted: record.sent,
      committed: tracker.finalCount() - finalBefore,
      phase: opts.phaseLabel,
    });
    const processes: ProcessUsage[] = [];
    for (const m of meters) processes.push(await m.end());
    const blockIntervalMs = await intervals?.end();
    const acceptedNotFinal = () => {
      for (let i = 0; i < record.sent; i++)
        if (record.accepted[i] && tracker.finalTime(txs[i].hashHex) === undefined) return false;
      return true;
    };
    log("draining: waiting for accepted transactions to become final ...");
    await tracker.waitFor(acceptedNotFinal, opts.drainMs);
    // A count-bounded window ends when its last tx went out; a time-bounded one after `durationMs`.
    const durationMs =
      opts.txCount !== undefined
        ? Math.max(1, record.endedAt - record.startedAt - opts.warmupMs)
        : opts.durationMs;
    const windowStart = record.startedAt + opts.warmupMs;
    const { relays } = target;
    const crossShard =
      relays && blockIntervalMs
        ? await followCrossShard({
            source: new ApiClient(url),
            txs,
            record,
            isFinal: (hash) => tracker.finalTime(hash) !== undefined,
            windowStart,
            windowEnd: windowStart + durationMs,
            ratio: workload.crossShardRatio ?? 0,
            blockIntervalMs,
            relayTotals: () => relays.totals(),
            log,
            ...(opts.crossShard ? { options: opts.crossShard } : {}),
          })
        : undefined;
    const measured = measure(txs, record, tracker, {
      workload,
      warmupMs: opts.warmupMs,
      durationMs,
      verifyRatePerSecond: opts.verifyRatePerSecond,
      replicas: target.replicas,
      shards: target.shards,
    });
    const { result } = measured;
    result.processes = processes;
    if (crossShard) result.crossShard = crossShard;
    await target.complete(measured);
    if (workload.check) {
      log("checking the final state ...");
      result.checks.push(...(await target.check(workload)));
    }
    return result;
  } finally {
    await target.stop();
  }
}

async function runSetup(setup: ReadyTx[], target: BenchTarget, opts: BenchRunOptions): Promise<void> {
  if (setup.length === 0) return;
  opts.log(`setup: ${setup.length} transactions ...`);
  const tracker = target.finality;
  const record = await driveLoad(
    setup,
    {
      url: target.url,
      pacing: { kind: "saturate", window: SATURATION_WINDOW },
      sendForMs: Number.POSITIVE_INFINITY,
      maxBatch: MAX_BATCH,
      maxConcurrentRequests: MAX_CONCURRENT_REQUESTS,
    },
    tracker,
  );
  const rejected = [...record.rejectedByCode].map(([c, n]) => `${c}×${n}`).join(", ");
  if (rejected) throw new Error(`setup transactions were refused: ${rejected}`);
  const done = await tracker.waitFor(
    () => setup.every((t) => tracker.finalTime(t.hashHex) !== undefined),
    opts.drainMs,
  );
  if (!done) throw new Error("setup transactions did not all become final");
}
