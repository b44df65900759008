import { expect } from "vitest";
import { BenchError, type LoadBenchCliOptions } from "../src/index.ts";

/** The error `fn` throws (fails the test if it throws none, or throws something else than a `BenchError`). */
export function thrown(fn: () => unknown): BenchError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BenchError);
    return err as BenchError;
  }
  throw new Error("expected a BenchError");
}

/** The load command's options as commander gives them with every default. */
export const defaultCli: LoadBenchCliOptions = {
  workload: "transfer",
  duration: 10_000,
  warmup: 2_000,
  drain: 30_000,
  rate: "saturate",
  repeats: 1,
  accounts: 100,
  zipf: 0,
  hotspot: 0,
  seed: 1,
  fundAmount: "1000000000",
  blockInterval: 250,
  cpuProf: false,
  consensus: "solo",
  nodes: 1,
};
