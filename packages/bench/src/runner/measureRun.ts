import type { BenchRunResult, TimelinePoint } from "../benchResult.ts";
import { efficiency } from "../efficiency.ts";
import { LatencyHistogram } from "../latencyHistogram.ts";
import { plannedTxCount, type RateSchedule, timeForCount } from "../rateSchedule.ts";
import type { Workload } from "../workloads/workload.ts";
import type { FinalitySource } from "./finalityTracker.ts";
import type { DriveRecord, ReadyTx } from "./loadDriver.ts";

/** How the offered load is shaped. */
export type OfferedLoad = { kind: "saturate" } | { kind: "open"; schedule: RateSchedule };

/** Closed-loop window at saturation: two full default blocks (5,000 txs each) waiting, so no block is built short. */
export const SATURATION_WINDOW = 10_000;

/** What a run's send plan depends on. */
export interface SendPlanInput {
  load: OfferedLoad;
  durationMs: number;
  txCount?: number;
  warmupMs: number;
  verifyRatePerSecond: number;
}

/** How long to send and how many txs to sign: by time, or by count (warm-up txs added). */
export function sendPlan(opts: SendPlanInput): { total: number; count: number } {
  const saturationCount = (ms: number) => Math.ceil((opts.verifyRatePerSecond * ms * 1.2) / 1000);
  if (opts.txCount === undefined) {
    const total = opts.warmupMs + opts.durationMs;
    const count =
      opts.load.kind === "open"
        ? plannedTxCount(opts.load.schedule, total)
        : saturationCount(total) + SATURATION_WINDOW;
    return { total, count };
  }
  if (opts.load.kind === "open") {
    const count = plannedTxCount(opts.load.schedule, opts.warmupMs) + opts.txCount;
    return { total: timeForCount(opts.load.schedule, count) + 1, count };
  }
  return { total: Number.POSITIVE_INFINITY, count: saturationCount(opts.warmupMs) + opts.txCount };
}

/** Signs `count` txs of the workload in chunks, logging progress for large counts. */
export function signInChunks(workload: Workload, count: number, log: (line: string) => void): ReadyTx[] {
  const out: ReadyTx[] = [];
  const chunk = 20_000;
  for (let done = 0; done < count; done += chunk) {
    out.push(...workload.nextTxs(Math.min(chunk, count - done)));
    if (count > chunk) log(`  signed ${Math.min(done + chunk, count)} / ${count}`);
  }
  return out;
}

/** What {@link measure} reads besides the txs, the drive and finality. */
export interface MeasureInput {
  workload: Workload;
  warmupMs: number;
  durationMs: number;
  verifyRatePerSecond: number;
  /** Signature checks of one tx across the nodes (every node of an in-process cluster or network checks it once). */
  replicas: number;
  /** A sharded run's shard count: the result's `perShard` counts txs by the shard they name; 0 for one chain. */
  shards: number;
}

/** A run's figures, with the per-shard counts of a sharded run (`perShard[k]`: shard k, empty for one chain). */
export interface Measured {
  result: BenchRunResult;
  perShard: Array<{ submitted: number; committed: number }>;
}

/**
 * The run's figures over the measured window (after the warm-up, `durationMs` long): txs planned in it count as
 * submitted (their latency is final − planned), txs final in it as committed, accepted txs never final as dropped.
 */
export function measure(
  txs: readonly ReadyTx[],
  record: DriveRecord,
  finality: FinalitySource,
  opts: MeasureInput,
): Measured {
  const windowStart = record.startedAt + opts.warmupMs;
  const windowEnd = windowStart + opts.durationMs;
  const seconds = opts.durationMs / 1000;
  const histogram = new LatencyHistogram();
  const timeline: TimelinePoint[] = Array.from({ length: Math.ceil(seconds) }, (_, k) => ({
    tSeconds: k + 1,
    offeredTps: 0,
    committedTps: 0,
  }));
  const perShard = Array.from({ length: opts.shards }, () => ({ submitted: 0, committed: 0 }));
  let submitted = 0;
  let committed = 0;
  let notFinal = 0;
  for (let i = 0; i < record.sent; i++) {
    const planned = record.plannedAt[i];
    const final = finality.finalTime(txs[i].hashHex);
    const shard = perShard[txs[i].shard ?? -1];
    if (final !== undefined && final >= windowStart && final < windowEnd) {
      committed++;
      if (shard) shard.committed++;
      const slot = timeline[Math.floor((final - windowStart) / 1000)];
      if (slot) slot.committedTps++;
    }
    if (planned < windowStart || planned >= windowEnd) continue;
    submitted++;
    if (shard) shard.submitted++;
    const slot = timeline[Math.floor((planned - windowStart) / 1000)];
    if (slot) slot.offeredTps++;
    if (final !== undefined) histogram.recordMs(Math.max(0, final - planned));
    else if (record.accepted[i]) notFinal++;
  }
  const committedTps = committed / seconds;
  const signatureChecksPerTx = opts.workload.signatureChecksPerTx * opts.replicas;
  const result: BenchRunResult = {
    workload: opts.workload.name,
    startedAt: new Date(Date.now() - (performance.now() - windowStart)).toISOString(),
    durationSeconds: seconds,
    warmupSeconds: opts.warmupMs / 1000,
    offeredRate: submitted / seconds,
    submitted,
    committed,
    committedTps,
    latencyMs: histogram.summary(),
    signatureChecksPerTx,
    verifyRatePerSecond: opts.verifyRatePerSecond,
    efficiency: efficiency({
      committedTps,
      signatureChecksPerTx,
      verifyRatePerSecond: opts.verifyRatePerSecond,
    }),
    rejected: Object.fromEntries(record.rejectedByCode),
    busyRetries: record.busyRetries,
    dropped: notFinal > 0 ? { "not final after drain": notFinal } : {},
    processes: [],
    diskBytes: null,
    compressionRatio: null,
    checks: [],
    timeline,
  };
  return { result, perShard };
}
