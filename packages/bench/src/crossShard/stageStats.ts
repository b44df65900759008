import type { SeededRandom } from "@vshard/crypto";
import { BenchError } from "../benchError.ts";
import type {
  CrossShardStage,
  SettleCounts,
  StageBreakdown,
  StageMark,
  StagePercentiles,
} from "./interface.ts";

/** A transfer's stage durations (ms); a stage it has no marks for is absent. */
export type StageDurations = Partial<Record<CrossShardStage, number>>;

/**
 * The stage durations of one credited transfer from its stage list: anchor = first anchored − debited, relay = last
 * relayed − anchored, credit = credited − last relayed (the relay hop that led to the credit), total = credited −
 * debited. Relay and credit are absent without a relayed stage. The stages mix block times and the node's clock at
 * admission, so a stage may come out a few ms below zero: it counts as 0 (as the node's own histogram does). Null
 * when the transfer was not credited.
 */
export function stageDurations(stages: readonly StageMark[]): StageDurations | null {
  const first = (name: string) => stages.find((s) => s.stage === name)?.at;
  const last = (name: string) => stages.findLast((s) => s.stage === name)?.at;
  const debited = first("debited");
  const credited = first("credited");
  if (debited === undefined || credited === undefined) return null;
  const span = (from: number, to: number) => Math.max(0, to - from);
  const out: StageDurations = { total: span(debited, credited) };
  const anchored = first("anchored");
  if (anchored !== undefined) out.anchor = span(debited, anchored);
  const relayed = last("relayed");
  if (relayed !== undefined) {
    if (anchored !== undefined) out.relay = span(anchored, relayed);
    out.credit = span(relayed, credited);
  }
  return out;
}

/** The value at percentile `p` (0 < p ≤ 100) of the ascending `sorted`: nearest rank, ⌈p/100 · n⌉-th value. */
function nearestRank(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

/**
 * p50, p95, p99 and max (nearest rank: every figure is a measured value) of `values`, or null when there are none.
 * A non-finite value throws a {@link BenchError}.
 */
export function stagePercentiles(values: readonly number[]): StagePercentiles | null {
  if (values.length === 0) return null;
  values.forEach((v, i) => {
    if (!Number.isFinite(v))
      throw new BenchError(
        { code: "BENCH_ERROR_INVALID_INPUT", field: `values[${i}]` },
        `a stage duration must be a finite number of ms, got ${v}`,
      );
  });
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: nearestRank(sorted, 50),
    p95: nearestRank(sorted, 95),
    p99: nearestRank(sorted, 99),
    max: sorted[sorted.length - 1],
  };
}

/** What {@link crossShardStageStats} returns: where the transfers ended and the stage breakdown of the credited. */
export interface StageStats extends SettleCounts {
  stagesMs: StageBreakdown;
}

/**
 * The stage breakdown over a sample of transfers, each given by its stage list (null: never found): counts by final
 * status (credited, refunded, else unsettled) and each stage's percentiles over the credited transfers that have it.
 */
export function crossShardStageStats(transfers: readonly (readonly StageMark[] | null)[]): StageStats {
  const values: Record<CrossShardStage, number[]> = { anchor: [], relay: [], credit: [], total: [] };
  let credited = 0;
  let refunded = 0;
  for (const stages of transfers) {
    const durations = stages ? stageDurations(stages) : null;
    if (durations) {
      credited++;
      for (const [stage, ms] of Object.entries(durations) as [CrossShardStage, number][])
        values[stage].push(ms);
    } else if (stages?.some((s) => s.stage === "refunded")) refunded++;
  }
  return {
    credited,
    refunded,
    unsettled: transfers.length - credited - refunded,
    stagesMs: {
      anchor: stagePercentiles(values.anchor),
      relay: stagePercentiles(values.relay),
      credit: stagePercentiles(values.credit),
      total: stagePercentiles(values.total),
    },
  };
}

/**
 * A uniform sample of `size` of the indices `candidates` (all of them when there are fewer), drawn with `rng` (a
 * partial Fisher–Yates shuffle: the same seed, the same sample), returned in increasing order.
 */
export function sampleIndices(rng: SeededRandom, candidates: readonly number[], size: number): number[] {
  const pool = [...candidates];
  const k = Math.min(Math.max(0, Math.floor(size)), pool.length);
  for (let i = 0; i < k; i++) {
    const j = i + rng.uniformInt(pool.length - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k).sort((a, b) => a - b);
}
