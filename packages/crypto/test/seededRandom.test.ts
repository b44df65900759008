import { describe, expect, it } from "vitest";
import { SeededRandom } from "../src/index.ts";

describe("SeededRandom", () => {
  it("matches the xoshiro128** reference outputs for state {1, 2, 3, 4}", () => {
    const rng = SeededRandom.fromState([1, 2, 3, 4]);
    const out = Array.from({ length: 8 }, () => rng.nextUint32());
    // From the C reference implementation (prng.di.unimi.it/xoshiro128starstar.c).
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
  });

  it("repeats its sequence for the same seed and stream, and differs otherwise", () => {
    const seq = (seed: number, stream = 0) => {
      const rng = new SeededRandom(seed, stream);
      return Array.from({ length: 16 }, () => rng.nextUint32());
    };
    expect(seq(42)).toEqual(seq(42));
    expect(seq(42)).not.toEqual(seq(43));
    expect(seq(42)).not.toEqual(seq(42, 1));
    expect(seq(2 ** 40)).not.toEqual(seq(0)); // the high half of the seed counts
  });

  it("pins the first values of seed 1 so that seeded workloads stay reproducible across versions", () => {
    const rng = new SeededRandom(1);
    const first = Array.from({ length: 4 }, () => rng.nextUint32());
    expect(first).toMatchInlineSnapshot(`
      [
        566131997,
        2609971244,
        2164009367,
        4171082697,
      ]
    `);
  });

  it("draws floats in [0, 1) and unbiased integers in range", () => {
    const rng = new SeededRandom(5);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 10_000; i++) {
      const x = rng.next();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
    }
    expect(outside).toBe(0);
    expect(sum / 10_000).toBeGreaterThan(0.48);
    expect(sum / 10_000).toBeLessThan(0.52);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.intBetween(-3, 3));
    expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(rng.uniformInt(1)).toBe(0);
    expect(() => rng.uniformInt(0)).toThrow(RangeError);
    expect(() => rng.uniformInt(2.5)).toThrow(RangeError);
    expect(() => new SeededRandom(1.5)).toThrow(TypeError);
    expect(() => SeededRandom.fromState([0, 0, 0, 0])).toThrow(RangeError);
    expect(() => rng.intBetween(3, 2)).toThrow(RangeError);
  });
});
