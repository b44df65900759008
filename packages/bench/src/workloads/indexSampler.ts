import type { SeededRandom } from "@vshard/crypto";
import { assertNonNegative, assertPositive, BenchError } from "../benchError.ts";

/** Draws an index in [0, n) from some distribution (uniform, Zipf, …). */
export interface IndexSampler {
  readonly n: number;
  sample(rng: SeededRandom): number;
}

/** Every index in [0, n) equally likely. */
export function createUniformSampler(n: number): IndexSampler {
  if (!Number.isInteger(n) || n < 1) {
    throw new BenchError(
      { code: "BENCH_ERROR_INVALID_INPUT", field: "n" },
      `n must be an integer ≥ 1, got ${n}`,
    );
  }
  return { n, sample: (rng) => rng.uniformInt(n) };
}

/** Index of the first entry of the increasing `cdf` that is > u (the last one if rounding leaves none). */
function searchCdf(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Cumulative, normalised weights; throws unless every weight is finite, ≥ 0 and their sum is > 0. */
function buildCdf(weights: readonly number[]): Float64Array {
  const cdf = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((w, i) => {
    assertNonNegative(`weights[${i}]`, w);
    total += w;
    cdf[i] = total;
  });
  assertPositive("sum of weights", total);
  for (let i = 0; i < cdf.length; i++) cdf[i] /= total;
  return cdf;
}

/**
 * Zipf(s, n): rank k (0-based) drawn with probability ∝ 1 / (k + 1)^s, for skewed (hot-account) choice.
 * s = 0 is uniform; s ≈ 1 is the classic hot-spot skew. The CDF is precomputed (8 bytes per rank) and
 * each draw is one binary search.
 */
export function createZipfSampler(n: number, s: number): IndexSampler {
  if (!Number.isInteger(n) || n < 1) {
    throw new BenchError(
      { code: "BENCH_ERROR_INVALID_INPUT", field: "n" },
      `n must be an integer ≥ 1, got ${n}`,
    );
  }
  assertNonNegative("s", s);
  const weights = Array.from({ length: n }, (_, k) => (k + 1) ** -s);
  const cdf = buildCdf(weights);
  return { n, sample: (rng) => searchCdf(cdf, rng.next()) };
}

/** Draws one of a fixed set of values, each with probability ∝ its weight. */
export interface WeightedSampler<T> {
  readonly values: readonly T[];
  sample(rng: SeededRandom): T;
}

/** A sampler over `[value, weight]` entries (weights need not sum to 1 or 100). */
export function createWeightedSampler<T>(entries: readonly (readonly [T, number])[]): WeightedSampler<T> {
  if (entries.length === 0) {
    throw new BenchError(
      { code: "BENCH_ERROR_INVALID_INPUT", field: "entries" },
      "a weighted sampler needs entries",
    );
  }
  const values = entries.map(([value]) => value);
  const cdf = buildCdf(entries.map(([, weight]) => weight));
  return { values, sample: (rng) => values[searchCdf(cdf, rng.next())] };
}

/** The six Smallbank transactions. */
export type SmallbankTxName =
  | "Amalgamate"
  | "Balance"
  | "DepositChecking"
  | "SendPayment"
  | "TransactSavings"
  | "WriteCheck";

/** The usual Smallbank mix, in percent (it sums to 100). */
export const SMALLBANK_MIX: readonly (readonly [SmallbankTxName, number])[] = [
  ["Amalgamate", 15],
  ["Balance", 15],
  ["DepositChecking", 15],
  ["SendPayment", 25],
  ["TransactSavings", 15],
  ["WriteCheck", 15],
];

/**
 * Redraws before {@link distinctPair} falls back to shifting the receiver: under heavy skew the second draw
 * often hits the sender again, and 16 tries leave a ~(p₀)¹⁶ chance of needing the fallback at all.
 */
const DISTINCT_PAIR_REDRAWS = 16;

/**
 * A sender and a receiver, both drawn from `sampler` (uniform by default), never equal. The receiver is
 * redrawn on a clash; if that keeps clashing it is moved to a uniform other index so the call always ends.
 */
export function distinctPair(rng: SeededRandom, sampler: IndexSampler): [number, number] {
  const { n } = sampler;
  if (n < 2) {
    throw new BenchError(
      { code: "BENCH_ERROR_INVALID_INPUT", field: "n" },
      `a distinct pair needs n ≥ 2, got ${n}`,
    );
  }
  const sender = sampler.sample(rng);
  for (let i = 0; i < DISTINCT_PAIR_REDRAWS; i++) {
    const receiver = sampler.sample(rng);
    if (receiver !== sender) return [sender, receiver];
  }
  return [sender, (sender + 1 + rng.uniformInt(n - 1)) % n];
}
