import { describe, expect, it } from "vitest";
import {
  BenchError,
  cumulativeTxs,
  fixedRate,
  plannedTxCount,
  rampRate,
  rateAt,
  sendTimeMs,
  sendTimes,
  timeForCount,
  txsDueBy,
} from "../src/index.ts";

describe("fixed rate", () => {
  const s = fixedRate(100);

  it("is due R × t txs by time t", () => {
    expect(txsDueBy(s, 0)).toBe(0);
    expect(txsDueBy(s, 9)).toBe(0);
    expect(txsDueBy(s, 10)).toBe(1);
    expect(txsDueBy(s, 1000)).toBe(100);
    expect(txsDueBy(s, 2500)).toBe(250);
    expect(rateAt(s, 123)).toBe(100);
  });

  it("plans tx i at (i + 1) ÷ R, evenly spaced, and exactly the planned count", () => {
    expect(sendTimeMs(s, 0)).toBe(10);
    expect(sendTimeMs(s, 99)).toBe(1000);
    const times = [...sendTimes(s, 1000)];
    expect(times).toHaveLength(100);
    expect(times[0]).toBe(10);
    expect(times[99]).toBe(1000);
    expect(times.filter((t, i) => i > 0 && Math.abs(t - times[i - 1] - 10) > 1e-9)).toEqual([]);
  });

  it("agrees with txsDueBy at every planned time despite float rounding", () => {
    const odd = fixedRate(7.3);
    const mismatches = Array.from({ length: 1000 }, (_, i) => i).filter(
      (i) => txsDueBy(odd, sendTimeMs(odd, i)) !== i + 1,
    );
    expect(mismatches).toEqual([]);
    expect([...sendTimes(odd, 10_000)]).toHaveLength(plannedTxCount(odd, 10_000));
    expect(plannedTxCount(odd, 10_000)).toBe(73);
  });

  it("plans nothing at rate 0", () => {
    const zero = fixedRate(0);
    expect(txsDueBy(zero, 60_000)).toBe(0);
    expect(timeForCount(zero, 1)).toBe(Number.POSITIVE_INFINITY);
    expect([...sendTimes(zero, 60_000)]).toEqual([]);
  });
});

describe("linear ramp", () => {
  // 100 → 300 tx/s over 10 s: N(t) = 100 t + 10 t² for t ≤ 10, then 2000 + 300 (t − 10).
  const s = rampRate(100, 300, 10);

  it("is due the integral of the rate by time t", () => {
    expect(cumulativeTxs(s, 0)).toBe(0);
    expect(txsDueBy(s, 1000)).toBe(110);
    expect(txsDueBy(s, 5000)).toBe(750);
    expect(txsDueBy(s, 10_000)).toBe(2000);
    expect(txsDueBy(s, 12_000)).toBe(2600);
    expect(rateAt(s, 0)).toBe(100);
    expect(rateAt(s, 5000)).toBe(200);
    expect(rateAt(s, 20_000)).toBe(300);
  });

  it("inverts the integral: the planned time of the n-th tx gives back n", () => {
    for (const n of [1, 110, 750, 1999, 2000, 2001, 2600]) {
      expect(cumulativeTxs(s, timeForCount(s, n))).toBeCloseTo(n, 6);
    }
    expect(timeForCount(s, 110)).toBeCloseTo(1000, 6);
    expect(timeForCount(s, 2600)).toBeCloseTo(12_000, 6);
  });

  it("plans strictly increasing times whose gaps shrink as the rate rises", () => {
    const times = [...sendTimes(s, 12_000)];
    expect(times).toHaveLength(2600);
    expect(times.filter((t, i) => i > 0 && !(t > times[i - 1]))).toEqual([]);
    expect(times[1] - times[0]).toBeGreaterThan(times[1999] - times[1998]);
  });

  it("handles a ramp down to zero and a ramp up from zero", () => {
    const down = rampRate(200, 0, 4); // N(4 s) = 400, then nothing more
    expect(txsDueBy(down, 4000)).toBe(400);
    expect(txsDueBy(down, 60_000)).toBe(400);
    expect(timeForCount(down, 400)).toBeCloseTo(4000, 6);
    expect(timeForCount(down, 401)).toBe(Number.POSITIVE_INFINITY);
    expect([...sendTimes(down, 60_000)]).toHaveLength(400);
    const up = rampRate(0, 100, 10); // N(t) = 5 t²
    expect(txsDueBy(up, 2000)).toBe(20);
    expect(timeForCount(up, 20)).toBeCloseTo(2000, 6);
  });

  it("equals a fixed rate when both ends are equal", () => {
    const flat = rampRate(50, 50, 3);
    for (const t of [0, 700, 3000, 9000]) expect(txsDueBy(flat, t)).toBe(txsDueBy(fixedRate(50), t));
  });
});

describe("seeded (Poisson) arrivals", () => {
  it("are reproducible, non-decreasing and close to the planned count", () => {
    const s = rampRate(1000, 3000, 5);
    const a = [...sendTimes(s, 5000, { seed: 7 })];
    const b = [...sendTimes(s, 5000, { seed: 7 })];
    const c = [...sendTimes(s, 5000, { seed: 8 })];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.filter((t, i) => i > 0 && t < a[i - 1])).toEqual([]);
    expect(a[a.length - 1]).toBeLessThanOrEqual(5000);
    // Expected 10,000 arrivals; a Poisson count has standard deviation 100, so ±5% is 5σ.
    expect(a.length).toBeGreaterThan(9500);
    expect(a.length).toBeLessThan(10_500);
  });
});

describe("validation", () => {
  it("rejects negative or non-finite rates and an empty ramp", () => {
    expect(() => fixedRate(-1)).toThrow(BenchError);
    expect(() => fixedRate(Number.NaN)).toThrow(BenchError);
    expect(() => rampRate(1, 2, 0)).toThrow(BenchError);
    expect(() => rampRate(1, Number.POSITIVE_INFINITY, 1)).toThrow(BenchError);
    expect(() => [...sendTimes(fixedRate(1), -5)]).toThrow(BenchError);
  });
});
