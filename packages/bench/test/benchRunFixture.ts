import type { BenchRunResult, MachineInfo } from "../src/index.ts";

/** The machine every report test describes. */
export const testMachine: MachineInfo = {
  cpuModel: "Test CPU",
  cpuCount: 8,
  totalMemoryBytes: 16 * 1024 ** 3,
  platform: "linux",
  arch: "x64",
  osRelease: "6.1.0",
  nodeVersion: "v20.19.0",
};

/** A plausible run result for report and sweep tests; `overrides` replace whole fields. */
export function benchRun(overrides: Partial<BenchRunResult> = {}): BenchRunResult {
  return {
    workload: "transfer",
    startedAt: "2025-03-04T05:05:30.000Z",
    durationSeconds: 10,
    warmupSeconds: 2,
    offeredRate: 2000,
    submitted: 20_000,
    committed: 19_000,
    committedTps: 1900,
    latencyMs: { count: 19_000, p50: 200, p95: 400, p99: 600, max: 900, mean: 250 },
    signatureChecksPerTx: 1,
    verifyRatePerSecond: 8000,
    efficiency: 0.2375,
    rejected: {},
    dropped: {},
    processes: [{ name: "node", cpuSeconds: 18, peakRssBytes: 256 * 1024 * 1024 }],
    diskBytes: 8 * 1024 * 1024,
    compressionRatio: 3,
    checks: [],
    ...overrides,
  };
}
