import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { VerifyPool, type VerifyPoolMetrics, verifyWorkerLocation } from "../src/index.ts";
import { blsSet, edSet, tampered } from "./verifierSuite.ts";

/** A metrics fake that records every call. */
function recordingMetrics() {
  const calls = {
    jobs: [] as number[],
    flushes: [] as string[],
    blsBatches: [] as boolean[],
    pending: [] as number[],
  };
  const metrics: VerifyPoolMetrics = {
    jobDone: (sets) => calls.jobs.push(sets),
    bufferFlushed: (_sets, reason) => calls.flushes.push(reason),
    blsBatch: (failed) => calls.blsBatches.push(failed),
    pendingJobs: (count) => calls.pending.push(count),
  };
  return { metrics, calls };
}

describe("VerifyPool", () => {
  let pool: VerifyPool | null = null;
  afterEach(async () => {
    await pool?.close();
    pool = null;
  });

  it("turns canAcceptWork() false at the queue bound and true again once drained", async () => {
    pool = await VerifyPool.create({
      threads: 1,
      maxSetsPerJob: 4,
      minSetsPerJob: 1,
      maxBufferedSets: 4,
      maxPendingJobs: 2,
    });
    expect(pool.canAcceptWork()).toBe(true);
    const sets = Array.from({ length: 10 }, (_, i) => edSet(i));
    const answers = pool.verify(sets); // 10 sets, at most 4 per job: 3 jobs pending
    expect(pool.canAcceptWork()).toBe(false);
    expect(await answers).toEqual(sets.map(() => true));
    expect(pool.canAcceptWork()).toBe(true);
  });

  it("returns per-set answers when a BLS batch with one bad set fails, and counts the retry", async () => {
    const { metrics, calls } = recordingMetrics();
    pool = await VerifyPool.create({ threads: 1 }, { metrics });
    const sets = Array.from({ length: 8 }, (_, i) => (i === 5 ? tampered(blsSet(i)) : blsSet(i)));
    expect(await pool.verify(sets)).toEqual(sets.map((_, i) => i !== 5));
    expect(calls.blsBatches).toEqual([true]);
    expect(await pool.verify(sets.filter((_, i) => i !== 5))).toEqual(Array(7).fill(true));
    expect(calls.blsBatches).toEqual([true, false]);
  });

  it("cuts a large request into jobs for every worker and reports its metrics", async () => {
    const { metrics, calls } = recordingMetrics();
    pool = await VerifyPool.create({ threads: 2 }, { metrics });
    expect(pool.threads).toBe(2);
    const sets = Array.from({ length: 300 }, (_, i) => edSet(i));
    expect(await pool.verifyAll(sets)).toBe(true);
    expect(calls.jobs.length).toBeGreaterThanOrEqual(3); // ≤128 sets per job
    expect(calls.jobs.reduce((a, b) => a + b, 0)).toBe(300);
    expect(calls.pending.at(-1)).toBe(0);
    expect(calls.flushes).toEqual([]);
    // A small request waits in the buffer and goes out on its timer.
    expect(await pool.verify([edSet(1)])).toEqual([true]);
    expect(calls.flushes).toEqual(["timer"]);
  });

  it("refuses work after close() and closes once", async () => {
    const own = await VerifyPool.create({ threads: 1 });
    await Promise.all([own.close(), own.close()]);
    expect(own.canAcceptWork()).toBe(false);
    await expect(own.verify([edSet(1)])).rejects.toMatchObject({ code: "VERIFIER_ERROR_CLOSED" });
  });
});

describe("verifyWorkerLocation", () => {
  it("starts workers from .ts source with tsx's loader, resolved to an absolute file URL", () => {
    const { filename, execArgv } = verifyWorkerLocation();
    expect(filename.endsWith("verifyWorker.ts")).toBe(true);
    expect(existsSync(filename)).toBe(true);
    expect(execArgv?.[0]).toBe("--import");
    expect(execArgv?.[1]).toMatch(/^file:\/\//);
    expect(existsSync(fileURLToPath(execArgv![1]))).toBe(true);
  });

  it("starts workers from built .js plainly, beside the module", () => {
    const location = verifyWorkerLocation("file:///opt/app/crypto/dist/verifyPool.js");
    expect(location).toEqual({ filename: "/opt/app/crypto/dist/verifyWorker.js", execArgv: undefined });
  });
});
