import { TransferWorkload } from "./transferWorkload.ts";
import type { Workload, WorkloadOptions } from "./workload.ts";

/** Names accepted by `--workload`. */
export const WORKLOAD_NAMES = ["transfer"] as const;

/** Builds a workload by name; the error lists the names that exist. */
export function createWorkload(
  name: string,
  opts: WorkloadOptions & { zipf: number; hotspot: number },
): Workload {
  switch (name) {
    case "transfer":
      return new TransferWorkload(opts);
    default:
      throw new Error(`unknown workload '${name}'; available: ${WORKLOAD_NAMES.join(", ")}`);
  }
}
