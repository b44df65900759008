import { describe, expect, it } from "vitest";
import {
  BenchError,
  defaultMaxRateSearchOptions,
  efficiency,
  type MaxRateSearchOptions,
  nextMaxRateStep,
  type RateStep,
  runMaxRateSearch,
  trackingRatio,
} from "../src/index.ts";

describe("efficiency", () => {
  it("is committed TPS × checks per tx ÷ verify rate", () => {
    expect(efficiency({ committedTps: 5000, signatureChecksPerTx: 1, verifyRatePerSecond: 10_000 })).toBe(
      0.5,
    );
    expect(efficiency({ committedTps: 1000, signatureChecksPerTx: 4, verifyRatePerSecond: 8000 })).toBe(0.5);
    expect(efficiency({ committedTps: 0, signatureChecksPerTx: 1, verifyRatePerSecond: 1 })).toBe(0);
  });

  it("rejects a zero verify rate and negative or non-finite inputs", () => {
    expect(() => efficiency({ committedTps: 1, signatureChecksPerTx: 1, verifyRatePerSecond: 0 })).toThrow(
      BenchError,
    );
    expect(() => efficiency({ committedTps: -1, signatureChecksPerTx: 1, verifyRatePerSecond: 1 })).toThrow(
      BenchError,
    );
    expect(() =>
      efficiency({ committedTps: 1, signatureChecksPerTx: Number.NaN, verifyRatePerSecond: 1 }),
    ).toThrow(BenchError);
  });

  it("tracking ratio is committed ÷ offered", () => {
    expect(trackingRatio(1000, 950)).toBe(0.95);
    expect(trackingRatio(200, 0)).toBe(0);
    expect(() => trackingRatio(0, 0)).toThrow(BenchError);
  });
});

const opts: MaxRateSearchOptions = { ...defaultMaxRateSearchOptions, startRate: 100 };

/** A system that commits everything up to `capacity` tx/s and exactly `capacity` above it. */
const saturatesAt = (capacity: number) => async (rate: number) => Math.min(rate, capacity);

describe("max-rate search", () => {
  it("starts at the guess, grows ×1.5 while tracking, then bisects", () => {
    expect(nextMaxRateStep(opts, [])).toEqual({ done: false, nextRate: 100 });
    const steps: RateStep[] = [{ offeredRate: 100, committedTps: 100 }];
    expect(nextMaxRateStep(opts, steps)).toEqual({ done: false, nextRate: 150 });
    steps.push({ offeredRate: 150, committedTps: 120 }); // 120 < 0.95 × 150: fails
    expect(nextMaxRateStep(opts, steps)).toEqual({ done: false, nextRate: 125 });
    steps.push({ offeredRate: 125, committedTps: 120 }); // 120 ≥ 118.75: tracks
    expect(nextMaxRateStep(opts, steps)).toEqual({ done: false, nextRate: 137.5 });
    steps.push({ offeredRate: 137.5, committedTps: 120 }); // fails; gap 12.5 / 125 = 10%
    expect(nextMaxRateStep(opts, steps)).toEqual({ done: false, nextRate: 131.25 });
    steps.push({ offeredRate: 131.25, committedTps: 120 }); // fails; gap 6.25 / 125 = 5%: not yet below
    expect(nextMaxRateStep(opts, steps)).toEqual({ done: false, nextRate: 128.125 });
    steps.push({ offeredRate: 128.125, committedTps: 120 }); // fails; gap 2.5% < 5%
    expect(nextMaxRateStep(opts, steps)).toEqual({
      done: true,
      reason: "converged",
      maxRate: 125,
      committedTps: 120,
    });
  });

  it("finds the knee of a system that saturates at 1000 tx/s within the precision", async () => {
    const result = await runMaxRateSearch(opts, saturatesAt(1000));
    expect(result.reason).toBe("converged");
    // Any rate up to 1000 / 0.95 ≈ 1052.6 still tracks; the search lands within 5% below the first failure.
    expect(result.maxRate).toBeGreaterThanOrEqual(1000 / 1.05);
    expect(result.maxRate).toBeLessThanOrEqual(1000 / 0.95);
    expect(result.committedTps).toBe(Math.min(result.maxRate ?? 0, 1000));
    expect(result.steps[0].offeredRate).toBe(100);
    expect(result.steps.length).toBeLessThan(20);
  });

  it("shrinks when even the first rate fails, and gives up below the floor", async () => {
    const low = await runMaxRateSearch({ ...opts, startRate: 10_000 }, saturatesAt(3000));
    expect(low.steps[1].offeredRate).toBeCloseTo(10_000 / 1.5, 9);
    expect(low.maxRate).toBeGreaterThanOrEqual(3000 / 1.05);
    expect(low.maxRate).toBeLessThanOrEqual(3000 / 0.95);
    const dead = await runMaxRateSearch({ ...opts, floorRate: 10 }, async () => 0);
    expect(dead).toMatchObject({ reason: "floor", maxRate: null, committedTps: null });
    expect(dead.steps.every((s) => s.offeredRate >= 10)).toBe(true);
  });

  it("stops at the ceiling when the system keeps up with everything it can be offered", async () => {
    const result = await runMaxRateSearch({ ...opts, ceilingRate: 400 }, saturatesAt(1e9));
    expect(result).toMatchObject({ reason: "ceiling", maxRate: 400, committedTps: 400 });
    expect(result.steps.map((s) => s.offeredRate)).toEqual([100, 150, 225, 337.5, 400]);
  });

  it("stops after maxSteps with the best rate so far", async () => {
    const result = await runMaxRateSearch({ ...opts, maxSteps: 3 }, saturatesAt(1e9));
    expect(result).toMatchObject({ reason: "max-steps", maxRate: 225 });
    expect(result.steps).toHaveLength(3);
  });

  it("answers below the lowest failure even when a noisy higher rate tracked", () => {
    const steps: RateStep[] = [
      { offeredRate: 100, committedTps: 100 },
      { offeredRate: 150, committedTps: 100 }, // fails
      { offeredRate: 200, committedTps: 200 }, // tracks (noise)
      { offeredRate: 145, committedTps: 145 },
    ];
    expect(nextMaxRateStep(opts, steps)).toMatchObject({ done: true, reason: "converged", maxRate: 145 });
  });

  it("rejects options that would loop", () => {
    expect(() => nextMaxRateStep({ ...opts, growthFactor: 1 }, [])).toThrow(BenchError);
    expect(() => nextMaxRateStep({ ...opts, trackingThreshold: 0 }, [])).toThrow(BenchError);
    expect(() => nextMaxRateStep({ ...opts, relativePrecision: 0 }, [])).toThrow(BenchError);
    expect(() => nextMaxRateStep({ ...opts, startRate: -5 }, [])).toThrow(BenchError);
  });
});
