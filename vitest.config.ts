import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    // Integration tests start real nodes, databases and worker threads: give them room on a busy 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two test files at a time on the 2-core CI machine (vitest's default is cores − 1): most integration tests wait on
    // timers, I/O and child processes, so the second worker roughly halves the wall time (measured: 14 min instead of
    // 17, with other work running on the machine) without making any test flaky.
    maxWorkers: 2,
  },
});
