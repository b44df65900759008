/**
 * Exact hypergeometric arithmetic on bigints, and a fast floating-point estimate of the same tail for searches.
 * Callers validate their inputs: these functions assume non-negative safe integers with k ≤ n, b ≤ n.
 */

/** An exact probability `numerator / denominator`, with its value as a double and as a base-10 logarithm. */
export interface ExactProbability {
  numerator: bigint;
  denominator: bigint;
  /** The ratio rounded to a double (relative error below 2⁻⁵²); underflows to 0 below about 1e-308. */
  probability: number;
  /** log₁₀ of the ratio (relative error about 1e-16): usable where `probability` underflows; −∞ for exactly 0. */
  log10: number;
}

/** C(n, k) exactly; 0 when k < 0 or k > n. Each step of the product is an exact division. */
export function binomial(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  const kk = Math.min(k, n - k);
  let c = 1n;
  for (let i = 0; i < kk; i++) c = (c * BigInt(n - i)) / BigInt(i + 1);
  return c;
}

/**
 * Σ_{x ≥ t} C(b, x) · C(n − b, k − x) exactly: the number of k-subsets of n items, b of them marked, that hold at
 * least t marked items. Divided by C(n, k) it is the hypergeometric upper tail P(X ≥ t).
 *
 * Method: the first non-zero term is computed as a product of two binomials, every later term from the one before by
 * the exact ratio T(x+1) = T(x)·(b−x)(k−x) / ((x+1)(n−b−k+x+1)) — an exact bigint division, because T(x+1) is an
 * integer and the product equals T(x+1)·(x+1)(n−b−k+x+1). Cost: O(k) multiplications and divisions of numbers of
 * about log₂ C(n, k) bits by small ones (≈ 6 ms for n = 10,000, k = 1,000 on the development machine, 2026-11).
 */
export function hypergeometricTailCount(n: number, b: number, k: number, t: number): bigint {
  const lo = Math.max(t, k - (n - b), 0);
  const hi = Math.min(k, b);
  if (lo > hi) return 0n;
  let term = binomial(b, lo) * binomial(n - b, k - lo);
  let sum = term;
  for (let x = lo; x < hi; x++) {
    term = (term * BigInt((b - x) * (k - x))) / BigInt((x + 1) * (n - b - k + x + 1));
    sum += term;
  }
  return sum;
}

/** Bits kept in the quotient when a bigint ratio is turned into a double: 11 more than a double's 53-bit mantissa. */
const RATIO_BITS = 64;
const LOG10_2 = Math.log10(2);

/** `numerator / denominator` (0 ≤ numerator ≤ denominator, denominator > 0) as an {@link ExactProbability}. */
export function exactProbability(numerator: bigint, denominator: bigint): ExactProbability {
  if (numerator === 0n) return { numerator, denominator, probability: 0, log10: Number.NEGATIVE_INFINITY };
  // Scale so the integer quotient has RATIO_BITS significant bits, then undo the scale in floating point.
  const shift = bitLength(denominator) - bitLength(numerator) + RATIO_BITS;
  const quotient = Number((numerator << BigInt(shift)) / denominator);
  const log10 = Math.log10(quotient) - shift * LOG10_2;
  // quotient × 2^-RATIO_BITS is exact and in [1/2, 2): one rounding (subnormal below 2^-1022, 0 below 2^-1074).
  const probability = quotient * 2 ** -RATIO_BITS * 2 ** -(shift - RATIO_BITS);
  return { numerator, denominator, probability, log10 };
}

function bitLength(x: bigint): number {
  return x.toString(2).length;
}

/** Exact values of ln(n!) below this are summed logarithms; above it Stirling's series is accurate to 1e-25. */
const LN_FACTORIAL_TABLE_SIZE = 256;
const lnFactorialTable: number[] = [0];
for (let i = 1; i < LN_FACTORIAL_TABLE_SIZE; i++)
  lnFactorialTable.push(lnFactorialTable[i - 1] + Math.log(i));

/** ln(n!) in floating point (absolute error about 1e-16 × ln(n!)). */
export function lnFactorial(n: number): number {
  if (n < LN_FACTORIAL_TABLE_SIZE) return lnFactorialTable[n];
  const inv = 1 / n;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)));
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + series;
}

function lnBinomial(n: number, k: number): number {
  return lnFactorial(n) - lnFactorial(k) - lnFactorial(n - k);
}

/** Terms this far below the running sum no longer change a double. */
const NEGLIGIBLE_TERM = 1e-18;

/**
 * ln P(X ≥ t) for X hypergeometric (n items, b marked, k drawn) in floating point: −∞ when the tail is empty.
 * It sums from the side of the mode where the terms fall: the upper tail itself when t is above the mode, else
 * 1 − P(X < t). The first term comes from log-factorials, the next ones by the consecutive-term ratios, and the sum
 * stops once the terms are negligible: O(√k) steps. Relative error below 1e-9 for n ≤ 100,000 (sampled): a screen for
 * searches, confirmed by the exact computation.
 */
export function lnHypergeometricTail(n: number, b: number, k: number, t: number): number {
  const min = Math.max(0, k - (n - b));
  const max = Math.min(k, b);
  const lo = Math.max(t, min);
  if (lo > max) return Number.NEGATIVE_INFINITY;
  if (lo === min) return 0;
  const mode = Math.floor(((k + 1) * (b + 1)) / (n + 2));
  const lnTerm = (x: number) => lnBinomial(b, x) + lnBinomial(n - b, k - x) - lnBinomial(n, k);
  let term = 1;
  let sum = 1;
  if (lo > mode) {
    // Upper tail, terms falling from x = lo: T(x+1)/T(x) = (b−x)(k−x) / ((x+1)(n−b−k+x+1)).
    for (let x = lo; x < max && term >= NEGLIGIBLE_TERM * sum; x++) {
      term *= ((b - x) * (k - x)) / ((x + 1) * (n - b - k + x + 1));
      sum += term;
    }
    return Math.min(0, lnTerm(lo) + Math.log(sum));
  }
  // Lower tail P(X ≤ lo − 1), terms falling from x = lo − 1: T(x−1)/T(x) = x(n−b−k+x) / ((b−x+1)(k−x+1)).
  for (let x = lo - 1; x > min && term >= NEGLIGIBLE_TERM * sum; x--) {
    term *= (x * (n - b - k + x)) / ((b - x + 1) * (k - x + 1));
    sum += term;
  }
  return Math.log1p(-Math.min(1, Math.exp(lnTerm(lo - 1)) * sum));
}
