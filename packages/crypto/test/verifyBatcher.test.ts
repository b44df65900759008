import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  chunkSizes,
  defaultVerifyBatcherOptions,
  type SignatureSet,
  VerifierError,
  VerifyBatcher,
  type VerifyBatcherOptions,
  type VerifySetsResult,
} from "../src/index.ts";

const opts: VerifyBatcherOptions = { ...defaultVerifyBatcherOptions, threads: 4, maxPendingJobs: 8 };

/** A fake set whose validity is written in its first message byte, for a fake runner to read. */
function fakeSet(valid: boolean): SignatureSet {
  return {
    scheme: "ed25519",
    publicKey: new Uint8Array(32),
    message: Uint8Array.of(valid ? 1 : 0),
    signature: new Uint8Array(64),
  };
}

/** A runner that records its jobs and answers each when the test says so. */
function manualRunner() {
  const jobs: { sets: SignatureSet[]; answer(): void; fail(error: unknown): void }[] = [];
  const runJob = (sets: SignatureSet[]) =>
    new Promise<VerifySetsResult>((resolve, reject) => {
      jobs.push({
        sets,
        answer: () =>
          resolve({
            valid: sets.map((s) => s.message[0] === 1),
            stats: { blsBatches: 0, blsBatchRetries: 0 },
          }),
        fail: reject,
      });
    });
  return { jobs, runJob };
}

describe("chunkSizes", () => {
  it("covers every set, respects the job bounds and gives every worker work", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 40 }),
        (count, threads, maxSetsPerJob, minSetsPerJob) => {
          const o = { ...opts, threads, maxSetsPerJob, minSetsPerJob };
          const sizes = chunkSizes(count, o);
          expect(sizes.reduce((a, b) => a + b, 0)).toBe(count);
          if (count === 0) return;
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
          expect(Math.max(...sizes)).toBeLessThanOrEqual(
            Math.max(maxSetsPerJob, Math.ceil(count / sizes.length)),
          );
          expect(Math.max(...sizes)).toBeLessThanOrEqual(maxSetsPerJob);
          if (count >= threads * minSetsPerJob) expect(sizes.length).toBeGreaterThanOrEqual(threads);
          expect(Math.min(...sizes)).toBeGreaterThan(0);
        },
      ),
    );
    expect(chunkSizes(2000, { ...opts, threads: 2 })).toHaveLength(16);
    expect(chunkSizes(40, { ...opts, threads: 2 })).toEqual([20, 20]);
  });
});

describe("VerifyBatcher", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("buffers small requests into one job once the buffer is full, answering each in order", async () => {
    const { jobs, runJob } = manualRunner();
    const batcher = new VerifyBatcher({ ...opts, maxBufferedSets: 4 }, { runJob });
    const a = batcher.verify([fakeSet(true), fakeSet(false)]);
    const b = batcher.verify([fakeSet(false)]);
    expect(jobs).toHaveLength(0);
    expect(batcher.pendingJobs).toBe(1);
    const c = batcher.verify([fakeSet(true)]);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].sets).toHaveLength(4);
    jobs[0].answer();
    expect(await a).toEqual([true, false]);
    expect(await b).toEqual([false]);
    expect(await c).toEqual([true]);
    expect(batcher.pendingJobs).toBe(0);
  });

  it("sends a partly filled buffer after maxBufferWaitMs", async () => {
    vi.useFakeTimers();
    const { jobs, runJob } = manualRunner();
    const batcher = new VerifyBatcher(opts, { runJob });
    const a = batcher.verify([fakeSet(true)]);
    vi.advanceTimersByTime(opts.maxBufferWaitMs - 1);
    expect(jobs).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(jobs).toHaveLength(1);
    jobs[0].answer();
    expect(await a).toEqual([true]);
  });

  it("sends a large request at once, cut into jobs, and bounds the pending jobs", async () => {
    const { jobs, runJob } = manualRunner();
    const batcher = new VerifyBatcher({ ...opts, maxPendingJobs: 3 }, { runJob });
    const sets = Array.from({ length: 64 }, (_, i) => fakeSet(i % 3 !== 0));
    const answers = batcher.verify(sets);
    expect(jobs.map((j) => j.sets.length)).toEqual([16, 16, 16, 16]);
    expect(batcher.canAcceptWork()).toBe(false);
    for (const job of jobs.slice(0, 2)) job.answer();
    await Promise.resolve();
    await Promise.resolve();
    expect(batcher.canAcceptWork()).toBe(true);
    for (const job of jobs.slice(2)) job.answer();
    expect(await answers).toEqual(sets.map((_, i) => i % 3 !== 0));
  });

  it("hands the workers two jobs per thread; priority work overtakes the ordinary work waiting", async () => {
    const { jobs, runJob } = manualRunner();
    const batcher = new VerifyBatcher({ ...opts, threads: 1, maxPendingJobs: 100 }, { runJob });
    const job = (valid: boolean) => Array.from({ length: 32 }, () => fakeSet(valid));
    const ordinary = [batcher.verify(job(true)), batcher.verify(job(true)), batcher.verify(job(true))];
    expect(jobs).toHaveLength(2);
    const urgent = batcher.verify([fakeSet(false)], { priority: true });
    expect(jobs).toHaveLength(2);
    jobs[0].answer();
    await vi.waitFor(() => expect(jobs).toHaveLength(3));
    // The priority request got the freed slot, not the third ordinary request.
    expect(jobs[2].sets).toHaveLength(1);
    jobs[2].answer();
    expect(await urgent).toEqual([false]);
    jobs[1].answer();
    await vi.waitFor(() => expect(jobs).toHaveLength(4));
    jobs[3].answer();
    for (const answers of await Promise.all(ordinary)) expect(answers.every((v) => v)).toBe(true);
  });

  it("rejects every request of a failed job with a VerifierError", async () => {
    const { jobs, runJob } = manualRunner();
    const batcher = new VerifyBatcher({ ...opts, maxBufferedSets: 2 }, { runJob });
    const a = batcher.verify([fakeSet(true)]);
    const b = batcher.verify([fakeSet(true)]);
    jobs[0].fail(new Error("worker exited"));
    await expect(a).rejects.toMatchObject({ code: "VERIFIER_ERROR_WORKER" });
    await expect(b).rejects.toBeInstanceOf(VerifierError);
    expect(batcher.pendingJobs).toBe(0);
  });

  it("rejects a runner that answers the wrong number of sets", async () => {
    const batcher = new VerifyBatcher(opts, {
      runJob: async () => ({ valid: [true], stats: { blsBatches: 0, blsBatchRetries: 0 } }),
    });
    const sets = Array.from({ length: 40 }, () => fakeSet(true));
    await expect(batcher.verify(sets)).rejects.toMatchObject({ code: "VERIFIER_ERROR_WORKER" });
  });

  it("close() sends the buffer, waits for pending jobs and refuses later calls", async () => {
    const { jobs, runJob } = manualRunner();
    const batcher = new VerifyBatcher(opts, { runJob });
    const a = batcher.verify([fakeSet(false)]);
    let closed = false;
    const closing = batcher.close().then(() => {
      closed = true;
    });
    expect(jobs).toHaveLength(1);
    await Promise.resolve();
    expect(closed).toBe(false);
    jobs[0].answer();
    await closing;
    expect(await a).toEqual([false]);
    expect(batcher.canAcceptWork()).toBe(false);
    await expect(batcher.verify([fakeSet(true)])).rejects.toMatchObject({ code: "VERIFIER_ERROR_CLOSED" });
  });

  it("refuses nonsensical options", () => {
    expect(() => new VerifyBatcher({ ...opts, threads: 0 }, { runJob: manualRunner().runJob })).toThrow(
      RangeError,
    );
  });
});
