import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  binomial,
  exactProbability,
  hypergeometricTailCount,
  lnHypergeometricTail,
} from "../../src/sharding/hypergeometric.ts";
import { takeoverThreshold } from "../../src/sharding/index.ts";
import { expectRelative, naiveBinomial } from "./takeoverFixtures.ts";

describe("hypergeometric helpers", () => {
  it("exactProbability rounds a bigint ratio to within one unit in the last place", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 1n << 4000n }),
        fc.bigInt({ min: 0n, max: 1n << 4000n }),
        (d, n) => {
          const num = n % (d + 1n);
          const p = exactProbability(num, d);
          if (num === 0n) {
            expect(p.probability).toBe(0);
            return;
          }
          // Reference: a 200-bit quotient, far more than a double holds (scaled in two steps against underflow).
          const shift = 200 + d.toString(2).length - num.toString(2).length;
          const reference = (Number((num << BigInt(shift)) / d) / 2 ** 200) * 2 ** (200 - shift);
          // Below the normal range a double has fewer digits: there, agree to the smallest subnormal.
          if (reference >= 2 ** -1000) expectRelative(p.probability, reference, 2 ** -52);
          else expect(Math.abs(p.probability - reference)).toBeLessThanOrEqual(2 ** -1074);
        },
      ),
    );
  });

  it("binomial matches the textbook formula and is 0 outside 0 ≤ k ≤ n", () => {
    for (const [n, k] of [
      [0, 0],
      [10, 3],
      [60, 30],
      [200, 7],
    ])
      expect(binomial(n, k)).toBe(naiveBinomial(n, k));
    expect(binomial(5, 6)).toBe(0n);
    expect(binomial(5, -1)).toBe(0n);
  });

  it("the floating-point tail agrees with the exact one to 1e-9 (what the size search relies on)", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 3000 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.integer({ min: 0, max: n }),
              fc.integer({ min: 1, max: Math.min(n, 400) }),
            ),
          ),
        ([n, b, k]) => {
          const t = takeoverThreshold(k);
          const exact = exactProbability(hypergeometricTailCount(n, b, k, t), binomial(n, k));
          const ln = lnHypergeometricTail(n, b, k, t);
          if (exact.numerator === 0n) expect(ln).toBe(Number.NEGATIVE_INFINITY);
          else expect(Math.abs(ln / Math.LN10 - exact.log10)).toBeLessThan(1e-9);
        },
      ),
    );
  });
});

describe("exactProbability at the edges", () => {
  it("rounds 1/3 correctly and keeps log10 where the value underflows", () => {
    expect(exactProbability(1n, 3n).probability).toBe(1 / 3);
    const tiny = exactProbability(1n, 1n << 2000n);
    expect(tiny.probability).toBe(0);
    expect(tiny.log10).toBeCloseTo(-2000 * Math.log10(2), 10);
  });
});
