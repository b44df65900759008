import { SeededRandom } from "@vshard/crypto";
import type { DriveRecord, ReadyTx } from "../runner/loadDriver.ts";
import type { CrossShardResult, RelayTotals, TransferSource } from "./interface.ts";
import { settleTransfers } from "./settleTransfers.ts";
import { crossShardStageStats, sampleIndices } from "./stageStats.ts";

/** Transfers followed per run: 300 give p95 from ~15 values above it, and poll in about a second per round. */
export const DEFAULT_CROSS_SHARD_SAMPLE = 300;

/**
 * How long after the measured window the sample may take to settle: 60 s covers anchoring (a dozen main blocks at
 * most once a committee is fixed), relaying and crediting on a loaded 2-core machine many times over.
 */
export const DEFAULT_CROSS_SHARD_SETTLE_MS = 60_000;

/** Tuning of the cross-shard measurement of a run; every field has a default. */
export interface CrossShardRunOptions {
  /** Relays started against node 0's API; {@link DEFAULT_BENCH_RELAYS}. */
  relays?: number;
  /** Transfers followed; {@link DEFAULT_CROSS_SHARD_SAMPLE}. */
  sampleSize?: number;
  /** Longest wait after the window; {@link DEFAULT_CROSS_SHARD_SETTLE_MS}. */
  settleMs?: number;
  /** Seed of the sample (1 by default; the CLI passes the run's seed). */
  seed?: number;
}

/** What {@link followCrossShard} reads of a run. */
export interface CrossShardRunInput {
  source: TransferSource;
  txs: readonly ReadyTx[];
  record: Pick<DriveRecord, "sent" | "plannedAt" | "accepted">;
  /** Whether a tx became final (debited in its source shard); one never final counts as dropped, not here. */
  isFinal: (hashHex: string) => boolean;
  /** The measured window, `performance.now()` ms. */
  windowStart: number;
  windowEnd: number;
  ratio: number;
  blockIntervalMs: CrossShardResult["blockIntervalMs"];
  relayTotals: () => RelayTotals;
  log: (line: string) => void;
  options?: CrossShardRunOptions;
}

/**
 * The cross-shard figures of a run: a seeded uniform sample of the cross transfers planned in the measured window and
 * final in their source shard (debited) is followed until each is credited or refunded (or the deadline, `settleMs` after the window, passes), then
 * broken into stages.
 */
export async function followCrossShard(input: CrossShardRunInput): Promise<CrossShardResult> {
  const o = input.options ?? {};
  const settleMs = o.settleMs ?? DEFAULT_CROSS_SHARD_SETTLE_MS;
  const { txs, record } = input;
  const candidates: number[] = [];
  for (let i = 0; i < record.sent; i++) {
    const planned = record.plannedAt[i];
    if (txs[i].destinationShard === undefined || !record.accepted[i]) continue;
    if (!input.isFinal(txs[i].hashHex)) continue;
    if (planned >= input.windowStart && planned < input.windowEnd) candidates.push(i);
  }
  const sample = sampleIndices(
    new SeededRandom(o.seed ?? 1),
    candidates,
    o.sampleSize ?? DEFAULT_CROSS_SHARD_SAMPLE,
  );
  const hashes = sample.map((i) => txs[i].hashHex);
  input.log(
    `cross-shard: following ${hashes.length} of the ${candidates.length} cross transfers sent in the window ` +
      `until credited (at most ${Math.round(settleMs / 1000)} s after the window) ...`,
  );
  const settled = await settleTransfers({
    source: input.source,
    hashes,
    deadline: input.windowEnd + settleMs,
    log: input.log,
  });
  const stats = crossShardStageStats(hashes.map((h) => settled.stages.get(h) ?? null));
  const p50 = stats.stagesMs.total?.p50;
  const per = (interval: number | null) =>
    p50 === undefined || interval === null || interval <= 0 ? null : p50 / interval;
  return {
    ratio: input.ratio,
    sentInWindow: candidates.length,
    sampled: hashes.length,
    credited: stats.credited,
    refunded: stats.refunded,
    unsettled: stats.unsettled,
    settleTimeoutMs: settleMs,
    settledAfterMs:
      settled.settledAt === null ? null : Math.max(0, Math.round(settled.settledAt - input.windowEnd)),
    stagesMs: stats.stagesMs,
    blockIntervalMs: input.blockIntervalMs,
    totalP50InBlocks: { main: per(input.blockIntervalMs.main), shard: per(input.blockIntervalMs.shard) },
    relayTotals: input.relayTotals(),
  };
}
