import { build, type Histogram } from "hdr-histogram-js";
import { assertNonNegative, BenchError } from "./benchError.ts";

/**
 * Highest latency tracked, in µs: one hour. A transaction that takes longer than that is lost for any
 * practical purpose; longer values are clamped to it rather than thrown away, so they still count.
 */
export const LATENCY_HIGHEST_TRACKABLE_US = 3_600_000_000;

/**
 * Significant decimal digits HDR keeps: 3 means every value is stored within 0.1% of itself, finer than the
 * run-to-run noise of any latency we measure, at ~190 KB of counts per histogram over a one-hour range.
 */
export const LATENCY_SIGNIFICANT_DIGITS = 3;

/** Latency figures of one run, all in milliseconds (`count` is the number of values recorded). */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * Submit → final latencies in an HDR histogram (pure-JS build, 64-bit counts). Values go in as microseconds
 * and come out as milliseconds. In open-loop runs, record from the tx's *planned* send time so that a stalled
 * sender does not hide queueing delay (coordinated omission).
 */
export class LatencyHistogram {
  private readonly histogram: Histogram;

  constructor() {
    this.histogram = build({
      bitBucketSize: 64,
      useWebAssembly: false,
      autoResize: false,
      lowestDiscernibleValue: 1,
      highestTrackableValue: LATENCY_HIGHEST_TRACKABLE_US,
      numberOfSignificantValueDigits: LATENCY_SIGNIFICANT_DIGITS,
    });
  }

  /** Records one latency in microseconds (rounded to a whole µs; above one hour it is clamped). */
  record(us: number): void {
    assertNonNegative("latencyUs", us);
    this.histogram.recordValue(Math.min(Math.round(us), LATENCY_HIGHEST_TRACKABLE_US));
  }

  /** Records one latency in milliseconds (e.g. a `performance.now()` difference). */
  recordMs(ms: number): void {
    assertNonNegative("latencyMs", ms);
    this.record(ms * 1000);
  }

  /** Number of latencies recorded. */
  get count(): number {
    return this.histogram.totalCount;
  }

  /** The latency (ms) at percentile `p` in [0, 100]; 0 when nothing was recorded. */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) {
      throw new BenchError(
        { code: "BENCH_ERROR_INVALID_INPUT", field: "percentile" },
        `percentile must be in [0, 100], got ${p}`,
      );
    }
    if (this.count === 0) return 0;
    return this.histogram.getValueAtPercentile(p) / 1000;
  }

  /** Adds every value of `other` (e.g. one histogram per sender, merged at the end). */
  add(other: LatencyHistogram): void {
    this.histogram.add(other.histogram);
  }

  /** Forgets every value (e.g. at the end of the warm-up). */
  reset(): void {
    this.histogram.reset();
  }

  /** Count, p50, p95, p99, max and mean in milliseconds; all zero when nothing was recorded. */
  summary(): LatencySummary {
    if (this.count === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
    return {
      count: this.count,
      p50: this.percentile(50),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.histogram.maxValue / 1000,
      mean: this.histogram.mean / 1000,
    };
  }
}
