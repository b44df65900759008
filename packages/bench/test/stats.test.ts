import { describe, expect, it } from "vitest";
import { BenchError, median, summarizeRepeats } from "../src/index.ts";

describe("summarizeRepeats", () => {
  it("gives min, median and max of an odd count, keeping the values in run order", () => {
    expect(summarizeRepeats([30, 10, 20])).toEqual({ min: 10, median: 20, max: 30, values: [30, 10, 20] });
  });

  it("takes the mean of the two middle values for an even count", () => {
    expect(summarizeRepeats([4, 1, 3, 2])).toMatchObject({ min: 1, median: 2.5, max: 4 });
    expect(median([7, 9])).toBe(8);
  });

  it("handles one value and equal values", () => {
    expect(summarizeRepeats([5])).toEqual({ min: 5, median: 5, max: 5, values: [5] });
    expect(summarizeRepeats([2, 2, 2])).toMatchObject({ min: 2, median: 2, max: 2 });
  });

  it("sorts numerically, not as strings", () => {
    expect(summarizeRepeats([100, 9, 20])).toMatchObject({ min: 9, median: 20, max: 100 });
  });

  it("does not modify its input", () => {
    const values = [3, 1, 2];
    summarizeRepeats(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it("rejects an empty or non-finite sample", () => {
    expect(() => summarizeRepeats([])).toThrow(BenchError);
    expect(() => summarizeRepeats([1, Number.NaN])).toThrow(BenchError);
  });
});
