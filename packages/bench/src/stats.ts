import { assertFinite, BenchError } from "./benchError.ts";

/** Min, median and max of a figure measured several times (a sweep point repeated), with the raw values. */
export interface RepeatSummary {
  min: number;
  median: number;
  max: number;
  /** The values as given (not sorted), so the JSON keeps every repeat in run order. */
  values: number[];
}

/** The median: the middle value, or the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  return summarizeRepeats(values).median;
}

/** Min, median (mean of the two middle values for an even count) and max; throws on an empty or non-finite input. */
export function summarizeRepeats(values: readonly number[]): RepeatSummary {
  if (values.length === 0) {
    throw new BenchError(
      { code: "BENCH_ERROR_INVALID_INPUT", field: "values" },
      "cannot summarise zero values",
    );
  }
  values.forEach((v, i) => {
    assertFinite(`values[${i}]`, v);
  });
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const med = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median: med, max: sorted[sorted.length - 1], values: [...values] };
}
