import {
  binomial,
  type ExactProbability,
  exactProbability,
  hypergeometricTailCount,
} from "./hypergeometric.ts";
import { EXACT_SHARD_WORK_LIMIT, shardTakeoverExact, shardTakeoverExactWork } from "./shardTakeoverExact.ts";
import {
  type CommitteeTakeoverInput,
  checkByzantine,
  checkCommitteeSize,
  checkShards,
  checkValidators,
  resolveByzantine,
  type ShardTakeoverInput,
  takeoverThreshold,
} from "./takeoverInput.ts";

/** What {@link shardTakeoverBound} computes for one configuration. */
export interface ShardTakeoverBound {
  validators: number;
  /** The Byzantine count used (a fraction is turned into ⌈fraction × validators⌉). */
  byzantine: number;
  committeeSize: number;
  shards: number;
  /** ⌈committeeSize / 3⌉: this many Byzantine members take a committee over. */
  threshold: number;
  /** P(one given committee holds ≥ threshold Byzantine members), exact. */
  perCommittee: ExactProbability;
  /** min(1, shards × perCommittee): the union bound, an UPPER bound on the chance that some shard is taken over. */
  bound: ExactProbability;
  /** The chance that some shard is taken over, exact, when cheap enough (see {@link EXACT_SHARD_WORK_LIMIT}); else null. */
  exact: ExactProbability | null;
}

/**
 * The exact probability that a committee of `committeeSize` drawn uniformly without replacement from `validators`,
 * `byzantine` of them Byzantine, has at least ⌈committeeSize/3⌉ Byzantine members (see {@link takeoverThreshold}):
 * the hypergeometric upper tail Σ_{x ≥ ⌈k/3⌉} C(B, x) C(N−B, k−x) / C(N, k), summed exactly on bigints (see
 * {@link hypergeometricTailCount}) and rounded once at the end, so it is exact to a double's precision however small.
 * @throws TakeoverBoundError naming the field when an input is out of range.
 */
export function committeeTakeoverExact(input: CommitteeTakeoverInput): ExactProbability {
  const { validators, byzantine, committeeSize } = input;
  checkValidators(validators);
  checkByzantine(validators, byzantine);
  checkCommitteeSize(validators, committeeSize);
  return exactProbability(
    hypergeometricTailCount(validators, byzantine, committeeSize, takeoverThreshold(committeeSize)),
    binomial(validators, committeeSize),
  );
}

/**
 * {@link committeeTakeoverExact} as a double (0 only when the probability is 0 or below about 1e-308).
 * @throws TakeoverBoundError naming the field when an input is out of range.
 */
export function committeeTakeoverProbability(input: CommitteeTakeoverInput): number {
  return committeeTakeoverExact(input).probability;
}

/**
 * The chance that SOME of `shards` committees gets ≥ ⌈k/3⌉ Byzantine members. Committees partition the validators
 * (drawn without replacement across shards), so the shards are not independent; `bound` is the union bound
 * min(1, shards × p), an upper bound, and `exact` is the exact value (a polynomial product over shards, see
 * {@link shardTakeoverExact}) when that costs at most {@link EXACT_SHARD_WORK_LIMIT}.
 * @throws TakeoverBoundError naming the field when an input is out of range.
 */
export function shardTakeoverBound(input: ShardTakeoverInput): ShardTakeoverBound {
  const byzantine = resolveByzantine(input);
  const { validators, committeeSize, shards } = input;
  checkCommitteeSize(validators, committeeSize);
  checkShards(validators, committeeSize, shards);
  const perCommittee = committeeTakeoverExact({ validators, byzantine, committeeSize });
  const scaled = perCommittee.numerator * BigInt(shards);
  const bound = exactProbability(
    scaled < perCommittee.denominator ? scaled : perCommittee.denominator,
    perCommittee.denominator,
  );
  const counts = { validators, byzantine, committeeSize, shards };
  const exact = shardTakeoverExactWork(counts) <= EXACT_SHARD_WORK_LIMIT ? shardTakeoverExact(counts) : null;
  const threshold = takeoverThreshold(committeeSize);
  return { validators, byzantine, committeeSize, shards, threshold, perCommittee, bound, exact };
}
