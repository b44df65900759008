import { BenchError } from "../benchError.ts";
import { NoopWorkload } from "./noopWorkload.ts";
import { SmallbankWorkload } from "./smallbankWorkload.ts";
import { TransferWorkload } from "./transferWorkload.ts";
import type { Workload, WorkloadOptions } from "./workload.ts";

/** Names accepted by `--workload`. */
export const WORKLOAD_NAMES = ["transfer", "smallbank", "noop"] as const;

/**
 * Builds a workload by name; the error lists the names that exist. A cross-shard ratio above 0 is for `transfer`
 * only (a {@link BenchError}, field `crossShard`, for the others).
 */
export function createWorkload(
  name: string,
  opts: WorkloadOptions & { zipf: number; hotspot: number; crossShard?: number },
): Workload {
  if ((opts.crossShard ?? 0) > 0 && name !== "transfer")
    throw new BenchError(
      { code: "BENCH_ERROR_INVALID_INPUT", field: "crossShard" },
      `--cross-shard applies to the transfer workload, not ${name}`,
    );
  switch (name) {
    case "transfer":
      return new TransferWorkload(opts);
    case "smallbank":
      return new SmallbankWorkload(opts);
    case "noop":
      return new NoopWorkload(opts);
    default:
      throw new Error(`unknown workload '${name}'; available: ${WORKLOAD_NAMES.join(", ")}`);
  }
}
