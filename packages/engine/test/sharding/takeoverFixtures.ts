import { expect } from "vitest";

/** C(n, k) the textbook way, n! / (k! (n−k)!): an independent check of the incremental computation. */
export function naiveBinomial(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  const fact = (m: number) => {
    let f = 1n;
    for (let i = 2; i <= m; i++) f *= BigInt(i);
    return f;
  };
  return fact(n) / (fact(k) * fact(n - k));
}

/** |actual − expected| ≤ tolerance × |expected|. */
export function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}
