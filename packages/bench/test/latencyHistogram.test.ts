import { describe, expect, it } from "vitest";
import { BenchError, LATENCY_HIGHEST_TRACKABLE_US, LatencyHistogram } from "../src/index.ts";

/** HDR keeps 3 significant digits: every reported value is within 0.1% of a recorded one. */
const HDR_RELATIVE_ERROR = 0.001;

function expectNear(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * HDR_RELATIVE_ERROR);
}

describe("LatencyHistogram", () => {
  it("reports the percentiles of 1..1000 ms (recorded in µs) within HDR's precision", () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) h.record(ms * 1000);
    const s = h.summary();
    expect(s.count).toBe(1000);
    expectNear(s.p50, 500);
    expectNear(s.p95, 950);
    expectNear(s.p99, 990);
    expectNear(s.max, 1000);
    expectNear(s.mean, 500.5);
    expectNear(h.percentile(50), 500);
    expectNear(h.percentile(100), 1000);
    expect(h.count).toBe(1000);
  });

  it("reports the same value for every percentile of a constant sample", () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 100; i++) h.recordMs(42);
    const s = h.summary();
    for (const v of [s.p50, s.p95, s.p99, s.max, s.mean]) expectNear(v, 42);
  });

  it("keeps sub-millisecond latencies to the microsecond", () => {
    const h = new LatencyHistogram();
    h.record(250);
    h.record(750);
    expect(h.percentile(0)).toBe(0.25);
    expect(h.summary().max).toBe(0.75);
  });

  it("gives zeros when empty, and after reset", () => {
    const h = new LatencyHistogram();
    expect(h.summary()).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
    h.record(1000);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.summary().max).toBe(0);
  });

  it("merges histograms", () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let ms = 1; ms <= 500; ms++) a.recordMs(ms);
    for (let ms = 501; ms <= 1000; ms++) b.recordMs(ms);
    a.add(b);
    expect(a.count).toBe(1000);
    expectNear(a.summary().p99, 990);
  });

  it("clamps latencies above one hour instead of losing them", () => {
    const h = new LatencyHistogram();
    h.record(LATENCY_HIGHEST_TRACKABLE_US * 10);
    expect(h.count).toBe(1);
    expectNear(h.summary().max, LATENCY_HIGHEST_TRACKABLE_US / 1000);
  });

  it("rejects negative or non-finite latencies and percentiles out of range", () => {
    const h = new LatencyHistogram();
    expect(() => h.record(-1)).toThrow(BenchError);
    expect(() => h.record(Number.NaN)).toThrow(BenchError);
    expect(() => h.recordMs(Number.POSITIVE_INFINITY)).toThrow(BenchError);
    expect(() => h.percentile(101)).toThrow(BenchError);
    expect(() => h.percentile(-1)).toThrow(BenchError);
  });
});
