import { SeededRandom } from "@vshard/crypto";
import { describe, expect, it } from "vitest";
import {
  BenchError,
  createUniformSampler,
  createWeightedSampler,
  createZipfSampler,
  distinctPair,
  type IndexSampler,
  SMALLBANK_MIX,
} from "../src/index.ts";

function histogram(sampler: IndexSampler, rng: SeededRandom, draws: number): number[] {
  const counts = new Array<number>(sampler.n).fill(0);
  for (let i = 0; i < draws; i++) counts[sampler.sample(rng)]++;
  return counts;
}

describe("samplers", () => {
  it("uniform: every index about equally often", () => {
    const counts = histogram(createUniformSampler(10), new SeededRandom(1), 100_000);
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(600); // σ ≈ 95
  });

  it("Zipf with s = 0 is uniform", () => {
    const counts = histogram(createZipfSampler(10, 0), new SeededRandom(2), 100_000);
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(600);
  });

  it("Zipf with s = 1.1 puts far more mass on rank 0, decreasing with rank", () => {
    const n = 1000;
    const counts = histogram(createZipfSampler(n, 1.1), new SeededRandom(3), 100_000);
    // P(rank 0) = 1 / Σ k^-1.1 over 1..1000 ≈ 0.172; uniform would give 0.001.
    expect(counts[0] / 100_000).toBeGreaterThan(0.15);
    expect(counts[0] / 100_000).toBeLessThan(0.2);
    expect(counts[0]).toBeGreaterThan(counts[1]);
    expect(counts[1]).toBeGreaterThan(counts[9]);
    const top10 = counts.slice(0, 10).reduce((a, b) => a + b, 0);
    const bottom500 = counts.slice(500).reduce((a, b) => a + b, 0);
    expect(top10).toBeGreaterThan(bottom500);
    expect(counts.every((c) => c >= 0)).toBe(true);
  });

  it("weighted choice follows the Smallbank mix", () => {
    const sampler = createWeightedSampler(SMALLBANK_MIX);
    expect(SMALLBANK_MIX.reduce((a, [, w]) => a + w, 0)).toBe(100);
    const rng = new SeededRandom(4);
    const counts = new Map<string, number>();
    for (let i = 0; i < 100_000; i++) {
      const name = sampler.sample(rng);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    for (const [name, percent] of SMALLBANK_MIX) {
      const share = (counts.get(name) ?? 0) / 1000; // in percent
      expect(Math.abs(share - percent)).toBeLessThan(1); // σ ≈ 0.14 percentage points
    }
  });

  it("weighted choice never picks a zero weight, and rejects bad weights", () => {
    const sampler = createWeightedSampler([
      ["a", 0],
      ["b", 1],
      ["c", 0],
    ] as const);
    const rng = new SeededRandom(9);
    for (let i = 0; i < 1000; i++) expect(sampler.sample(rng)).toBe("b");
    expect(() => createWeightedSampler([])).toThrow(BenchError);
    expect(() => createWeightedSampler([["a", 0]])).toThrow(BenchError);
    expect(() => createWeightedSampler([["a", -1]])).toThrow(BenchError);
    expect(() => createZipfSampler(0, 1)).toThrow(BenchError);
  });

  it("distinct pair: sender ≠ receiver, even when the skew makes clashes likely", () => {
    const rng = new SeededRandom(6);
    for (const sampler of [createUniformSampler(2), createZipfSampler(50, 3), createUniformSampler(1000)]) {
      let bad = 0;
      for (let i = 0; i < 5000; i++) {
        const [a, b] = distinctPair(rng, sampler);
        if (a === b || b < 0 || b >= sampler.n || a < 0 || a >= sampler.n) bad++;
      }
      expect(bad).toBe(0);
    }
    expect(() => distinctPair(rng, createUniformSampler(1))).toThrow(BenchError);
  });
});
