import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { binomial, lnHypergeometricTail } from "../../src/sharding/hypergeometric.ts";
import {
  byzantineCount,
  committeeTakeoverExact,
  committeeTakeoverProbability,
  EXACT_SHARD_WORK_LIMIT,
  shardTakeoverBound,
  shardTakeoverExact,
  shardTakeoverExactWork,
  TakeoverBoundError,
  takeoverThreshold,
} from "../../src/sharding/index.ts";
import { expectRelative, naiveBinomial } from "./takeoverFixtures.ts";

/** Σ_{x ≥ ⌈k/3⌉} C(B, x) C(N−B, k−x), summed term by term with naive binomials. */
function naiveTailCount(n: number, b: number, k: number): bigint {
  let s = 0n;
  for (let x = Math.ceil(k / 3); x <= k; x++) s += naiveBinomial(b, x) * naiveBinomial(n - b, k - x);
  return s;
}

/** Placements of b Byzantine among n places (committee i = places [i·k, (i+1)·k)) with some committee ≥ ⌈k/3⌉. */
function bruteForceShardCount(n: number, b: number, k: number, m: number): bigint {
  let count = 0n;
  for (let mask = 0; mask < 1 << n; mask++) {
    let bits = 0;
    for (let i = 0; i < n; i++) bits += (mask >> i) & 1;
    if (bits !== b) continue;
    let takenOver = false;
    for (let c = 0; c < m && !takenOver; c++) {
      let inCommittee = 0;
      for (let i = c * k; i < (c + 1) * k; i++) inCommittee += (mask >> i) & 1;
      takenOver = inCommittee >= Math.ceil(k / 3);
    }
    if (takenOver) count++;
  }
  return count;
}

describe("takeoverThreshold", () => {
  it("is ⌈k/3⌉: one more than the f a committee of k ≥ 3f + 1 tolerates", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 100, 600].map(takeoverThreshold)).toEqual([1, 1, 1, 2, 2, 2, 3, 34, 200]);
    for (let f = 0; f < 50; f++) expect(takeoverThreshold(3 * f + 1)).toBe(f + 1);
  });
});

describe("committeeTakeoverProbability", () => {
  // Reference values from an independent exact computation (Python fractions.Fraction and math.comb).
  const reference: [number, number, number, number][] = [
    [2000, 500, 600, 2.02005787323915e-8],
    [2000, 500, 20, 2.132273474398833e-1],
    [10000, 1000, 999, 2.580406163862672e-105],
    [10000, 3300, 1000, 4.008632338840296e-1],
    [10000, 2500, 1000, 2.010751815411731e-10],
    [100, 30, 50, 2.565472166837632e-1],
  ];
  it.each(reference)("N=%i B=%i k=%i matches an independent exact value (%e)", (n, b, k, expected) => {
    const p = committeeTakeoverExact({ validators: n, byzantine: b, committeeSize: k });
    expectRelative(p.probability, expected, 1e-14);
    expect(p.log10).toBeCloseTo(Math.log10(expected), 12);
  });

  it("is tiny for N=2000, 25% Byzantine, k=600, and not small at all for k=20", () => {
    expect(
      committeeTakeoverProbability({ validators: 2000, byzantine: 500, committeeSize: 600 }),
    ).toBeLessThan(1e-7);
    expect(
      committeeTakeoverProbability({ validators: 2000, byzantine: 500, committeeSize: 20 }),
    ).toBeGreaterThan(0.2);
  });

  it("equals the textbook bigint sum exactly for small N", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 60 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }), fc.integer({ min: 1, max: n })),
          ),
        ([n, b, k]) => {
          const p = committeeTakeoverExact({ validators: n, byzantine: b, committeeSize: k });
          expect(p.denominator).toBe(naiveBinomial(n, k));
          expect(p.numerator).toBe(naiveTailCount(n, b, k));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("is exactly 0 with fewer Byzantine than the threshold, exactly 1 when all are Byzantine", () => {
    const none = committeeTakeoverExact({ validators: 100, byzantine: 6, committeeSize: 21 });
    expect(none.probability).toBe(0);
    expect(none.log10).toBe(Number.NEGATIVE_INFINITY);
    expect(
      committeeTakeoverExact({ validators: 100, byzantine: 7, committeeSize: 21 }).probability,
    ).toBeGreaterThan(0);
    expect(committeeTakeoverProbability({ validators: 50, byzantine: 50, committeeSize: 10 })).toBe(1);
    expect(committeeTakeoverProbability({ validators: 50, byzantine: 0, committeeSize: 10 })).toBe(0);
  });

  it("keeps log10 exact where the double underflows", () => {
    const input = { validators: 100_000, byzantine: 10_000, committeeSize: 10_000 };
    const p = committeeTakeoverExact(input);
    expect(p.probability).toBe(0);
    expect(p.numerator).toBeGreaterThan(0n);
    expect(p.log10).toBeLessThan(-400);
    expect(p.log10).toBeCloseTo(lnHypergeometricTail(100_000, 10_000, 10_000, 3334) / Math.LN10, 6);
  });

  it("grows (never falls) with more Byzantine validators", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 400 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: n })),
          ),
        ([n, b, k]) => {
          const fewer = committeeTakeoverExact({ validators: n, byzantine: b, committeeSize: k });
          const more = committeeTakeoverExact({ validators: n, byzantine: b + 1, committeeSize: k });
          expect(more.numerator).toBeGreaterThanOrEqual(fewer.numerator); // same denominator C(N, k)
        },
      ),
    );
  });

  it("falls (never grows) for a bigger committee of the same shape (k → k + 3) at a fraction ≤ 1/4", () => {
    // Not for every step: k = 3f+1 → 3f+2 keeps the threshold f + 1 with one more member, so p rises; and at small k
    // near 1/3 even k → k + 3 can rise (k = 1 → 4 at 25%). Checked exhaustively for N ≤ 150 when writing this.
    fc.assert(
      fc.property(
        fc
          .integer({ min: 8, max: 600 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.integer({ min: 0, max: Math.floor(n / 4) }),
              fc.integer({ min: 4, max: n - 3 }),
            ),
          ),
        ([n, b, k]) => {
          const small = committeeTakeoverExact({ validators: n, byzantine: b, committeeSize: k });
          const big = committeeTakeoverExact({ validators: n, byzantine: b, committeeSize: k + 3 });
          expect(big.numerator * small.denominator).toBeLessThanOrEqual(small.numerator * big.denominator);
        },
      ),
    );
  });
});

describe("shardTakeoverBound", () => {
  it("gives the per-committee probability, the union bound m × p and the exact value", () => {
    const r = shardTakeoverBound({
      validators: 2000,
      byzantineFraction: 0.25,
      committeeSize: 450,
      shards: 4,
    });
    expect(r).toMatchObject({
      validators: 2000,
      byzantine: 500,
      committeeSize: 450,
      shards: 4,
      threshold: 150,
    });
    expect(r.bound.numerator).toBe(4n * r.perCommittee.numerator);
    expect(r.bound.denominator).toBe(r.perCommittee.denominator);
    expect(r.exact).not.toBeNull();
    expectRelative(r.exact!.probability, 1.476406892194356e-5, 1e-14); // independent value (Python fractions)
    expect(r.bound.probability).toBeGreaterThanOrEqual(r.exact!.probability);
  });

  it.each([
    [300, 90, 60, 5, 9.658364042361671e-1],
    [2000, 500, 30, 20, 9.91373526510022e-1],
  ])("N=%i B=%i k=%i m=%i: exact matches an independent sequential computation", (n, b, k, m, expected) => {
    const exact = shardTakeoverExact({ validators: n, byzantine: b, committeeSize: k, shards: m });
    expectRelative(exact.probability, expected, 1e-14);
  });

  it("caps the bound at 1", () => {
    const r = shardTakeoverBound({ validators: 2000, byzantine: 500, committeeSize: 20, shards: 100 });
    expect(r.bound.probability).toBe(1);
    expect(r.perCommittee.probability).toBeGreaterThan(0.2);
  });

  it("equals the brute-force count over every placement for tiny networks", () => {
    for (let n = 1; n <= 12; n++)
      for (let b = 0; b <= n; b++)
        for (let k = 1; k <= n; k++)
          for (let m = 1; m * k <= n; m++) {
            const exact = shardTakeoverExact({ validators: n, byzantine: b, committeeSize: k, shards: m });
            expect(exact.denominator).toBe(binomial(n, b));
            expect(exact.numerator).toBe(bruteForceShardCount(n, b, k, m));
          }
  });

  it("the union bound is never below the exact value, and m = 1 is the per-committee probability", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 80 })
          .chain((n) =>
            fc
              .integer({ min: 1, max: n })
              .chain((k) =>
                fc.tuple(
                  fc.constant(n),
                  fc.integer({ min: 0, max: n }),
                  fc.constant(k),
                  fc.integer({ min: 1, max: Math.floor(n / k) }),
                ),
              ),
          ),
        ([n, b, k, m]) => {
          const r = shardTakeoverBound({ validators: n, byzantine: b, committeeSize: k, shards: m });
          const exact = r.exact!;
          // bound ≥ exact as rationals: bound.num · exact.den ≥ exact.num · bound.den
          expect(r.bound.numerator * exact.denominator).toBeGreaterThanOrEqual(
            exact.numerator * r.bound.denominator,
          );
          const one = shardTakeoverExact({ validators: n, byzantine: b, committeeSize: k, shards: 1 });
          expect(one.numerator * r.perCommittee.denominator).toBe(r.perCommittee.numerator * one.denominator);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("leaves the exact value out when it would cost too much, and shardTakeoverExact refuses it", () => {
    const counts = { validators: 10_000, byzantine: 2_500, committeeSize: 300, shards: 10 };
    expect(shardTakeoverExactWork(counts)).toBeGreaterThan(EXACT_SHARD_WORK_LIMIT);
    expect(shardTakeoverBound(counts).exact).toBeNull();
    expect(() => shardTakeoverExact(counts)).toThrow(
      expect.objectContaining({ code: "TAKEOVER_ERROR_TOO_COSTLY", field: "shards" }),
    );
  });

  it("turns a fraction into ⌈fraction × N⌉, without floating-point noise", () => {
    expect(byzantineCount(30, 0.1)).toBe(3);
    expect(byzantineCount(2000, 0.25)).toBe(500);
    expect(byzantineCount(10, 0.25)).toBe(3);
    expect(byzantineCount(10, 0)).toBe(0);
  });
});

describe("input validation", () => {
  const base = { validators: 100, byzantine: 10, committeeSize: 10, shards: 2 };
  it.each([
    [{ ...base, validators: 0 }, "validators", /integer from 1 to 100000, got 0/],
    [{ ...base, validators: 1.5 }, "validators", /got 1.5/],
    [{ ...base, validators: 200_000 }, "validators", /got 200000/],
    [{ ...base, byzantine: -1 }, "byzantine", /from 0 to validators \(100\), got -1/],
    [{ ...base, byzantine: 101 }, "byzantine", /got 101/],
    [{ ...base, byzantine: undefined, byzantineFraction: 1 }, "byzantineFraction", /\[0, 1\), got 1$/],
    [{ ...base, byzantine: undefined, byzantineFraction: -0.1 }, "byzantineFraction", /got -0.1/],
    [{ ...base, byzantine: undefined, byzantineFraction: Number.NaN }, "byzantineFraction", /got NaN/],
    [{ ...base, byzantineFraction: 0.1 }, "byzantine", /not both/],
    [{ ...base, byzantine: undefined }, "byzantine", /is required/],
    [{ ...base, committeeSize: 0 }, "committeeSize", /positive integer, got 0/],
    [{ ...base, committeeSize: 101 }, "committeeSize", /101 is larger than validators \(100\)/],
    [{ ...base, shards: 0 }, "shards", /positive integer, got 0/],
    [{ ...base, shards: 11 }, "shards", /11 committees of 10 need 110 validators, there are 100/],
  ])("%o is refused naming %s", (input, field, message) => {
    const run = () => shardTakeoverBound(input as Parameters<typeof shardTakeoverBound>[0]);
    expect(run).toThrow(TakeoverBoundError);
    expect(run).toThrow(RangeError);
    expect(run).toThrow(new RegExp(`^${field}: `));
    expect(run).toThrow(message);
    expect(run).toThrow(expect.objectContaining({ code: "TAKEOVER_ERROR_INVALID_INPUT", field }));
  });

  it("committeeTakeoverProbability checks its own fields", () => {
    expect(() => committeeTakeoverProbability({ validators: 10, byzantine: 3, committeeSize: 11 })).toThrow(
      /^committeeSize: 11 is larger than validators \(10\)/,
    );
    expect(() => committeeTakeoverProbability({ validators: 10, byzantine: 0.5, committeeSize: 5 })).toThrow(
      /^byzantine: must be an integer count/,
    );
  });
});
