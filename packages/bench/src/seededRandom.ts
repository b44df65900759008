import { assertNonNegative, assertPositive, BenchError } from "./benchError.ts";

/** splitmix32 step: spreads any 32-bit seed over the whole state so that seeds 1 and 2 give unrelated streams. */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const TWO_POW_32 = 2 ** 32;

/**
 * xoshiro128** (Blackman & Vigna): a small, fast PRNG with a 2¹²⁸ − 1 period, good enough for workload
 * generation and fully reproducible from its seed. Not for keys or anything secret.
 */
export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds from any safe integer (both 32-bit halves are mixed in); `stream` gives independent sub-streams. */
  constructor(seed: number, stream = 0) {
    if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(stream)) {
      throw new BenchError(
        { code: "BENCH_ERROR_INVALID_INPUT", field: "seed" },
        `seed and stream must be safe integers`,
      );
    }
    let x = splitmix32((seed >>> 0) ^ splitmix32(Math.floor(seed / TWO_POW_32) >>> 0));
    x = splitmix32(x ^ splitmix32((stream >>> 0) ^ 0x6a09e667));
    this.s0 = x;
    this.s1 = x = splitmix32(x);
    this.s2 = x = splitmix32(x);
    this.s3 = splitmix32(x);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s3 = 1;
  }

  /** A generator with the exact xoshiro128** state given (for checking against the reference outputs). */
  static fromState(state: readonly [number, number, number, number]): SeededRandom {
    const rng = new SeededRandom(0);
    [rng.s0, rng.s1, rng.s2, rng.s3] = state.map((v) => v >>> 0);
    if ((rng.s0 | rng.s1 | rng.s2 | rng.s3) === 0) {
      throw new BenchError(
        { code: "BENCH_ERROR_INVALID_INPUT", field: "state" },
        "xoshiro state must not be all zero",
      );
    }
    return rng;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67_108_864 + lo) / 9_007_199_254_740_992;
  }

  /** A uniform integer in [0, n), without modulo bias; `n` must be an integer in [1, 2³²]. */
  uniformInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new BenchError(
        { code: "BENCH_ERROR_INVALID_INPUT", field: "n" },
        `n must be an integer in [1, 2^32], got ${n}`,
      );
    }
    // Reject the top partial block of 2³² so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A uniform integer in [min, max] (both inclusive). */
  intBetween(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new BenchError(
        { code: "BENCH_ERROR_INVALID_INPUT", field: "range" },
        `bad integer range [${min}, ${max}]`,
      );
    }
    return min + this.uniformInt(max - min + 1);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

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
