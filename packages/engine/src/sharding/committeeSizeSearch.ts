import { exactProbability, lnHypergeometricTail } from "./hypergeometric.ts";
import { committeeTakeoverExact } from "./takeoverBound.ts";
import {
  type ByzantineInput,
  checkMax,
  checkShards,
  resolveByzantine,
  takeoverThreshold,
} from "./takeoverInput.ts";

/**
 * Relative slack of the floating-point screen: a size is checked exactly unless its estimated bound exceeds `max` by
 * more than this. The estimate is within 1e-9 of the exact value (tested), so no qualifying size is skipped.
 */
const SCREEN_MARGIN = 1e-6;

/** Input of {@link smallestSafeCommitteeSize}: the validators, their Byzantine share, the shard count, the bound. */
export type CommitteeSizeSearchInput = { validators: number; shards: number; max: number } & ByzantineInput;

/** A committee size found by {@link smallestSafeCommitteeSize} and its union bound, min(1, shards × p). */
export interface SafeCommitteeSize {
  committeeSize: number;
  bound: number;
}

/**
 * The smallest committee size k (1 ≤ k ≤ ⌊validators / shards⌋) whose union bound min(1, shards × p(k)) is ≤ `max`,
 * or null when none is. The bound is not monotone in k — p rises from k = 3f + 1 to 3f + 2 and 3f + 3, which have the
 * same threshold f + 1 — so this is the first size that qualifies; sizes 3f + 1 are the efficient ones.
 *
 * Method: every size is screened with the floating-point tail ({@link lnHypergeometricTail}, O(√k) steps), and a
 * size that passes the screen is confirmed with the exact bigint tail: under a second for 100,000 validators on the
 * development machine (2026-11), whether or not a size qualifies.
 * @throws TakeoverBoundError naming the field when an input is out of range.
 */
export function smallestSafeCommitteeSize(input: CommitteeSizeSearchInput): SafeCommitteeSize | null {
  const byzantine = resolveByzantine(input);
  const { validators, shards, max } = input;
  checkMax(max);
  checkShards(validators, 1, shards);
  const lnLimit = Math.log(max) - Math.log(shards) + Math.log1p(SCREEN_MARGIN);
  for (let k = 1; k * shards <= validators; k++) {
    const lnTail = lnHypergeometricTail(validators, byzantine, k, takeoverThreshold(k));
    if (max < 1 && !(lnTail <= lnLimit)) continue;
    const p = committeeTakeoverExact({ validators, byzantine, committeeSize: k });
    const scaled = p.numerator * BigInt(shards);
    // Rounded as shardTakeoverBound rounds its `bound`, so that the two always agree.
    const bound = exactProbability(
      scaled < p.denominator ? scaled : p.denominator,
      p.denominator,
    ).probability;
    if (bound <= max) return { committeeSize: k, bound };
  }
  return null;
}
