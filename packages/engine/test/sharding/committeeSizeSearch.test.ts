import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exactProbability } from "../../src/sharding/hypergeometric.ts";
import {
  committeeTakeoverExact,
  shardTakeoverBound,
  smallestSafeCommitteeSize,
} from "../../src/sharding/index.ts";

/** The union bound min(1, m × p) of one size, from the exact tail alone (no float screen). */
function boundOf(validators: number, byzantine: number, committeeSize: number, shards: number): number {
  const p = committeeTakeoverExact({ validators, byzantine, committeeSize });
  const scaled = p.numerator * BigInt(shards);
  return exactProbability(scaled < p.denominator ? scaled : p.denominator, p.denominator).probability;
}

describe("smallestSafeCommitteeSize", () => {
  it("finds the first size under max, and no smaller size is under it (exhaustive)", () => {
    const r = smallestSafeCommitteeSize({ validators: 2000, byzantineFraction: 0.25, shards: 3, max: 1e-6 });
    expect(r).not.toBeNull();
    expect(r!.committeeSize).toBe(514);
    expect(r!.bound).toBe(
      shardTakeoverBound({ validators: 2000, byzantine: 500, committeeSize: 514, shards: 3 }).bound
        .probability,
    );
    expect(r!.bound).toBeLessThanOrEqual(1e-6);
    for (let k = 1; k < 514; k++) expect(boundOf(2000, 500, k, 3)).toBeGreaterThan(1e-6);
  });

  it("agrees with an exhaustive exact scan on random small networks", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 150 }),
        fc.double({ min: 0, max: 0.4, noNaN: true }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(0.5, 0.1, 1e-2, 1e-3, 1e-6),
        (validators, byzantineFraction, shards, max) => {
          fc.pre(shards <= validators);
          const found = smallestSafeCommitteeSize({ validators, byzantineFraction, shards, max });
          const byzantine = Math.ceil(byzantineFraction * validators - 1e-9);
          let expected: number | null = null;
          for (let k = 1; k * shards <= validators && expected === null; k++)
            if (boundOf(validators, byzantine, k, shards) <= max) expected = k;
          expect(found?.committeeSize ?? null).toBe(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("returns null when no size keeps the bound under max", () => {
    expect(
      smallestSafeCommitteeSize({ validators: 2000, byzantineFraction: 0.34, shards: 3, max: 1e-6 }),
    ).toBeNull();
    expect(smallestSafeCommitteeSize({ validators: 100, byzantine: 10, shards: 10, max: 1e-6 })).toBeNull();
  });

  it("max = 1 is met by one member; max = 0 needs a threshold above the Byzantine count (k = 3B + 1)", () => {
    expect(smallestSafeCommitteeSize({ validators: 100, byzantine: 30, shards: 1, max: 1 })).toEqual({
      committeeSize: 1,
      bound: 0.3,
    });
    expect(smallestSafeCommitteeSize({ validators: 100, byzantine: 5, shards: 2, max: 0 })).toEqual({
      committeeSize: 16,
      bound: 0,
    });
  });

  it("stays fast for 100,000 validators near one third (float screen, exact confirmation)", () => {
    const r = smallestSafeCommitteeSize({
      validators: 100_000,
      byzantineFraction: 0.3,
      shards: 10,
      max: 1e-6,
    });
    expect(r).not.toBeNull();
    expect(r!.bound).toBeLessThanOrEqual(1e-6);
    expect(boundOf(100_000, 30_000, r!.committeeSize - 3, 10)).toBeGreaterThan(1e-6);
  });

  it("refuses bad input naming the field", () => {
    const base = { validators: 100, byzantine: 10, shards: 2, max: 1e-6 };
    expect(() => smallestSafeCommitteeSize({ ...base, max: 2 })).toThrow(
      /^max: must be a probability in \[0, 1\]/,
    );
    expect(() => smallestSafeCommitteeSize({ ...base, max: Number.NaN })).toThrow(/^max: /);
    expect(() => smallestSafeCommitteeSize({ ...base, shards: 101 })).toThrow(/^shards: 101 committees of 1/);
    expect(() => smallestSafeCommitteeSize({ ...base, validators: -5 })).toThrow(/^validators: /);
  });
});
