import { TakeoverBoundError, type TakeoverField } from "./takeoverBoundError.ts";

/**
 * The largest validator count accepted: ten times the 10,000 the design targets. One exact evaluation costs
 * O(k · log₂ C(N, k)) bit operations (≈ 0.13 s for N = 100,000, k = 10,000 on the development machine, 2026-11).
 */
export const MAX_TAKEOVER_VALIDATORS = 100_000;

/** One committee drawn uniformly without replacement from `validators`, of which `byzantine` (a count) are Byzantine. */
export interface CommitteeTakeoverInput {
  validators: number;
  /** The number of Byzantine validators (0 … validators). */
  byzantine: number;
  committeeSize: number;
}

/** The Byzantine share of the validators, as a count or as a fraction in [0, 1) (exactly one of the two). */
export type ByzantineInput =
  | { byzantine: number; byzantineFraction?: undefined }
  | { byzantineFraction: number; byzantine?: undefined };

/** `shards` committees of `committeeSize`, a partition of part of the validators (drawn without replacement). */
export type ShardTakeoverInput = {
  validators: number;
  committeeSize: number;
  shards: number;
} & ByzantineInput;

/**
 * Byzantine members that take a committee of k over: ⌈k/3⌉. BFT with k members is safe while f < k/3 (k ≥ 3f + 1),
 * so "at least one third" means 3x ≥ k, i.e. x ≥ ⌈k/3⌉ (for k = 3f + 1 that is f + 1).
 */
export function takeoverThreshold(committeeSize: number): number {
  return Math.ceil(committeeSize / 3);
}

/**
 * The Byzantine count for a fraction: ⌈fraction × validators⌉, rounded up so that the bound stays conservative, with a
 * 1e-9 tolerance so that a product such as 0.1 × 30 = 3.0000000000000004 counts 3.
 * @throws TakeoverBoundError unless validators is valid and the fraction is in [0, 1).
 */
export function byzantineCount(validators: number, byzantineFraction: number): number {
  checkValidators(validators);
  if (typeof byzantineFraction !== "number" || !(byzantineFraction >= 0 && byzantineFraction < 1))
    throw invalid("byzantineFraction", `must be a fraction in [0, 1), got ${byzantineFraction}`);
  return Math.max(0, Math.ceil(byzantineFraction * validators - 1e-9));
}

/**
 * The Byzantine count of a {@link ByzantineInput}, validated (exactly one of count and fraction).
 * @throws TakeoverBoundError naming the field at fault.
 */
export function resolveByzantine(input: { validators: number } & ByzantineInput): number {
  const { validators, byzantine, byzantineFraction } = input;
  checkValidators(validators);
  if (byzantine !== undefined && byzantineFraction !== undefined)
    throw invalid("byzantine", "give byzantine (a count) or byzantineFraction, not both");
  if (byzantineFraction !== undefined) return byzantineCount(validators, byzantineFraction);
  if (byzantine === undefined)
    throw invalid("byzantine", "one of byzantine or byzantineFraction is required");
  checkByzantine(validators, byzantine);
  return byzantine;
}

/** @throws TakeoverBoundError unless `validators` is an integer in [1, MAX_TAKEOVER_VALIDATORS]. */
export function checkValidators(validators: number): void {
  if (!Number.isSafeInteger(validators) || validators < 1 || validators > MAX_TAKEOVER_VALIDATORS)
    throw invalid("validators", `must be an integer from 1 to ${MAX_TAKEOVER_VALIDATORS}, got ${validators}`);
}

/** @throws TakeoverBoundError unless `byzantine` is an integer count in [0, validators]. */
export function checkByzantine(validators: number, byzantine: number): void {
  if (!Number.isSafeInteger(byzantine) || byzantine < 0 || byzantine > validators)
    throw invalid(
      "byzantine",
      `must be an integer count from 0 to validators (${validators}), got ${byzantine}`,
    );
}

/** @throws TakeoverBoundError unless `committeeSize` is an integer in [1, validators]. */
export function checkCommitteeSize(validators: number, committeeSize: number): void {
  if (!Number.isSafeInteger(committeeSize) || committeeSize < 1)
    throw invalid("committeeSize", `must be a positive integer, got ${committeeSize}`);
  if (committeeSize > validators)
    throw invalid("committeeSize", `${committeeSize} is larger than validators (${validators})`);
}

/** @throws TakeoverBoundError unless `shards` is a positive integer and shards × committeeSize ≤ validators. */
export function checkShards(validators: number, committeeSize: number, shards: number): void {
  if (!Number.isSafeInteger(shards) || shards < 1)
    throw invalid("shards", `must be a positive integer, got ${shards}`);
  if (shards * committeeSize > validators)
    throw invalid(
      "shards",
      `${shards} committees of ${committeeSize} need ${shards * committeeSize} validators, there are ` +
        `${validators} (committees partition the validators)`,
    );
}

/** @throws TakeoverBoundError unless `max` is a probability in [0, 1]. */
export function checkMax(max: number): void {
  if (typeof max !== "number" || !(max >= 0 && max <= 1))
    throw invalid("max", `must be a probability in [0, 1], got ${max}`);
}

function invalid(field: TakeoverField, reason: string): TakeoverBoundError {
  return new TakeoverBoundError("TAKEOVER_ERROR_INVALID_INPUT", field, reason);
}
