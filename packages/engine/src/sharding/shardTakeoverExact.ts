import { binomial, type ExactProbability, exactProbability } from "./hypergeometric.ts";
import { TakeoverBoundError } from "./takeoverBoundError.ts";
import {
  checkByzantine,
  checkCommitteeSize,
  checkShards,
  checkValidators,
  takeoverThreshold,
} from "./takeoverInput.ts";

/**
 * Largest estimated number of bigint multiply-adds {@link shardTakeoverExact} accepts (and for which
 * `shardTakeoverBound` adds the exact value): 200,000 products of numbers of a few thousand bits take well under a
 * second on the development machine (≈ 0.1 s for 4 shards of 450 of 2,000 validators, 2026-11).
 */
export const EXACT_SHARD_WORK_LIMIT = 200_000;

/** Counts for the exact some-shard probability: `shards` committees of `committeeSize`, `byzantine` a count. */
export interface ShardTakeoverCounts {
  validators: number;
  byzantine: number;
  committeeSize: number;
  shards: number;
}

/** Bigint multiply-adds {@link shardTakeoverExact} would do for these counts (inputs assumed valid). */
export function shardTakeoverExactWork(counts: ShardTakeoverCounts): number {
  const { byzantine, committeeSize, shards } = counts;
  const d = Math.min(takeoverThreshold(committeeSize) - 1, byzantine);
  let work = 0;
  for (let i = 1; i < shards; i++) work += (Math.min(i * d, byzantine) + 1) * (d + 1);
  return work + Math.min(shards * d, byzantine) + 1;
}

/**
 * The exact probability that at least one of `shards` committees of `committeeSize`, drawn without replacement from
 * `validators` of which `byzantine` are Byzantine, gets ≥ ⌈committeeSize/3⌉ Byzantine members.
 *
 * Method: by symmetry fix the partition (committee i = a block of k places, R = N − m·k places left over) and place the
 * B Byzantine validators uniformly among the N places. The placements in which every committee stays safe number
 * Σ_s c_s · C(R, B − s), where c_s is the coefficient of z^s in Q(z)^m with Q(z) = Σ_{x < ⌈k/3⌉} C(k, x) z^x
 * (a product over shards, truncated at degree B); divided by C(N, B) that is P(no takeover). Everything is exact.
 * @throws TakeoverBoundError with code TAKEOVER_ERROR_TOO_COSTLY when the work exceeds EXACT_SHARD_WORK_LIMIT, or
 * TAKEOVER_ERROR_INVALID_INPUT naming the field at fault.
 */
export function shardTakeoverExact(counts: ShardTakeoverCounts): ExactProbability {
  const { validators: n, byzantine: b, committeeSize: k, shards: m } = counts;
  checkValidators(n);
  checkByzantine(n, b);
  checkCommitteeSize(n, k);
  checkShards(n, k, m);
  const work = shardTakeoverExactWork(counts);
  if (work > EXACT_SHARD_WORK_LIMIT)
    throw new TakeoverBoundError(
      "TAKEOVER_ERROR_TOO_COSTLY",
      "shards",
      `the exact value needs about ${work} bigint products, more than ${EXACT_SHARD_WORK_LIMIT}; use the union bound`,
    );
  const d = Math.min(takeoverThreshold(k) - 1, b);
  const q: bigint[] = [1n];
  for (let x = 0; x < d; x++) q.push((q[x] * BigInt(k - x)) / BigInt(x + 1));
  let poly = q;
  for (let i = 1; i < m; i++) {
    const next: bigint[] = new Array(Math.min(poly.length - 1 + d, b) + 1).fill(0n);
    for (let a = 0; a < poly.length; a++)
      for (let x = 0; x <= d && a + x < next.length; x++) next[a + x] += poly[a] * q[x];
    poly = next;
  }
  const rest = n - m * k;
  const deg = poly.length - 1;
  // C(rest, j) for j = b − deg … b, ascending; each step an exact division (and 0 from j = rest + 1 on).
  let c = binomial(rest, b - deg);
  let safe = 0n;
  for (let j = b - deg; j <= b; j++) {
    safe += poly[b - j] * c;
    c = (c * BigInt(rest - j)) / BigInt(j + 1);
  }
  const all = binomial(n, b);
  return exactProbability(all - safe, all);
}
