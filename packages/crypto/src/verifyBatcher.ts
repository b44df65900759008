import type { SignatureSet, VerifySetsResult } from "./signatureSet.ts";
import { VerifierError, type VerifyOptions } from "./verifier.ts";

/**
 * Counters and histograms of the verify pool, passed as `VerifyPoolMetrics | null` so that crypto
 * never imports prom-client; the node wires them to its metrics (names carry their unit).
 */
export interface VerifyPoolMetrics {
  /** A job finished on a worker: its set count and wall time (histogram `verify_pool_job_seconds`). */
  jobDone(sets: number, seconds: number): void;
  /** The buffer was sent, full or on its timer (counter `verify_pool_buffer_flushes_total{reason}`). */
  bufferFlushed(sets: number, reason: VerifyBufferFlushReason): void;
  /** A BLS batch check ran; `failed` when its sets had to be re-checked one by one. */
  blsBatch(failed: boolean): void;
  /** Jobs sent and not yet answered, buffered work counting as one (gauge `verify_pool_pending_jobs`). */
  pendingJobs(count: number): void;
}

/** Why the buffer was sent: it was full, its timer fired, or the verifier is closing. */
export type VerifyBufferFlushReason = "full" | "timer" | "close";

/** Tuning of the batching layer; the defaults and their reasons are in `defaultVerifyBatcherOptions`. */
export interface VerifyBatcherOptions {
  /** Workers the runner spreads jobs over: a large request is cut into at least this many jobs. */
  threads: number;
  /** A request smaller than this waits in the buffer; the buffer is sent once it holds this many. */
  maxBufferedSets: number;
  /** Longest time a buffered set waits before its buffer is sent. */
  maxBufferWaitMs: number;
  /** Largest job. */
  maxSetsPerJob: number;
  /** Smallest job a large request is cut into. */
  minSetsPerJob: number;
  /** `canAcceptWork()` turns false once this many jobs are pending. */
  maxPendingJobs: number;
}

/** Runs one job (in a worker), answering one result per set in order. */
export type VerifyJobRunner = (sets: SignatureSet[]) => Promise<VerifySetsResult>;

/** Default tuning of the batching layer (`threads` and `maxPendingJobs` depend on the machine). */
export const defaultVerifyBatcherOptions: Omit<VerifyBatcherOptions, "threads" | "maxPendingJobs"> = {
  /**
   * 32 sets: one job's round trip to a worker costs ~50-60 µs (measured 2026-11-22 on the 2-core
   * dev machine), about half an ed25519 verify; at 32 sets that is ~1.5% of the job, while a
   * failed BLS batch re-checks at most 32 sets (Lodestar's value, for the same trade-off).
   */
  maxBufferedSets: 32,
  /**
   * 5 ms: small next to a block interval and to network latency, long enough that a burst of
   * single-transaction requests from gossip fills a buffer instead of becoming 1-set jobs.
   */
  maxBufferWaitMs: 5,
  /**
   * 128 sets: ~16 ms of ed25519 work per job at ~7.9k verifies/s per core, so that a worker never
   * holds a long job while others idle and a BLS batch (one final exponentiation) stays worthwhile.
   */
  maxSetsPerJob: 128,
  /**
   * 16 sets: keeps a job's round trip under ~3% of its work when a request is cut up for
   * parallelism; smaller pieces would spend more on messages than the extra worker saves.
   */
  minSetsPerJob: 16,
};

/**
 * Pending jobs per worker thread before `canAcceptWork()` turns false: at ≤128 sets and ~16 ms per
 * job, 32 jobs are ~0.5 s of queued work per worker, after which callers are told to hold back
 * rather than let verification latency grow without bound.
 */
export const MAX_PENDING_JOBS_PER_THREAD = 32;

/**
 * Jobs handed to the workers at once, per thread: two keeps every worker busy (the next job is already queued at
 * the worker when one finishes) while everything else waits here, where priority work can still overtake it.
 */
export const DISPATCHED_JOBS_PER_THREAD = 2;

interface BufferedRequest {
  sets: SignatureSet[];
  resolve(valid: boolean[]): void;
  reject(error: unknown): void;
}

/** Sizes of the jobs one request of `count` sets is cut into (all within one set of each other). */
export function chunkSizes(count: number, opts: VerifyBatcherOptions): number[] {
  if (count <= 0) return [];
  const forParallelism = Math.min(opts.threads, Math.floor(count / opts.minSetsPerJob));
  const chunks = Math.max(1, Math.ceil(count / opts.maxSetsPerJob), forParallelism);
  const sizes: number[] = [];
  const base = Math.floor(count / chunks);
  const extra = count % chunks;
  for (let i = 0; i < chunks; i++) sizes.push(base + (i < extra ? 1 : 0));
  return sizes;
}

/**
 * The batching layer in front of the worker pool: small requests wait up to `maxBufferWaitMs` in
 * a buffer that is sent as one job once it holds `maxBufferedSets` sets; large requests are cut
 * into jobs so that every worker gets some; `canAcceptWork()` bounds the pending jobs.
 */
export class VerifyBatcher {
  private readonly opts: VerifyBatcherOptions;
  private readonly runJob: VerifyJobRunner;
  private readonly metrics: VerifyPoolMetrics | null;
  private buffer: BufferedRequest[] = [];
  private bufferedSets = 0;
  private timer: NodeJS.Timeout | null = null;
  private pending = 0;
  /** Jobs handed to the runner; the others wait in `waiting`, priority first. */
  private dispatched = 0;
  private readonly waiting = { priority: [] as Array<() => void>, ordinary: [] as Array<() => void> };
  private closed = false;
  private drained: (() => void)[] = [];

  constructor(
    opts: VerifyBatcherOptions,
    modules: { runJob: VerifyJobRunner; metrics?: VerifyPoolMetrics | null },
  ) {
    if (
      !(opts.threads >= 1 && opts.maxSetsPerJob >= 1 && opts.minSetsPerJob >= 1 && opts.maxPendingJobs >= 1)
    )
      throw new RangeError("verify batcher: threads, job sizes and maxPendingJobs must be at least 1");
    this.opts = opts;
    this.runJob = modules.runJob;
    this.metrics = modules.metrics ?? null;
  }

  /** Jobs sent and not yet answered, plus one while the buffer holds work. */
  get pendingJobs(): number {
    return this.pending + (this.bufferedSets > 0 ? 1 : 0);
  }

  canAcceptWork(): boolean {
    return !this.closed && this.pendingJobs < this.opts.maxPendingJobs;
  }

  verify(sets: SignatureSet[], opts: VerifyOptions = {}): Promise<boolean[]> {
    if (this.closed) return Promise.reject(new VerifierError("VERIFIER_ERROR_CLOSED", "verifier is closed"));
    if (sets.length === 0) return Promise.resolve([]);
    // Priority work does not wait for the buffer: it is what the node is blocked on.
    if (opts.priority === true || sets.length >= this.opts.maxBufferedSets)
      return this.runChunked(sets, opts.priority === true);
    return new Promise<boolean[]>((resolve, reject) => {
      this.buffer.push({ sets, resolve, reject });
      this.bufferedSets += sets.length;
      if (this.bufferedSets >= this.opts.maxBufferedSets) this.flush("full");
      else if (this.timer === null)
        this.timer = setTimeout(() => this.flush("timer"), this.opts.maxBufferWaitMs);
      this.reportPending();
    });
  }

  /** Sends what is buffered now, and rejects later calls; resolves when every job has answered. */
  async close(): Promise<void> {
    this.flush("close");
    this.closed = true;
    while (this.pending > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
  }

  private flush(reason: VerifyBufferFlushReason): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const requests = this.buffer;
    if (requests.length === 0) return;
    this.buffer = [];
    const total = this.bufferedSets;
    this.bufferedSets = 0;
    this.metrics?.bufferFlushed(total, reason);
    const all = requests.length === 1 ? requests[0].sets : requests.flatMap((r) => r.sets);
    this.runChunked(all).then(
      (valid) => {
        let offset = 0;
        for (const r of requests) {
          r.resolve(valid.slice(offset, offset + r.sets.length));
          offset += r.sets.length;
        }
      },
      (error: unknown) => {
        for (const r of requests) r.reject(error);
      },
    );
  }

  private async runChunked(sets: SignatureSet[], priority = false): Promise<boolean[]> {
    const jobs: Promise<boolean[]>[] = [];
    let offset = 0;
    for (const size of chunkSizes(sets.length, this.opts)) {
      jobs.push(this.runOne(sets.slice(offset, offset + size), priority));
      offset += size;
    }
    this.reportPending();
    const answers = await Promise.all(jobs);
    return answers.length === 1 ? answers[0] : answers.flat();
  }

  private async runOne(sets: SignatureSet[], priority: boolean): Promise<boolean[]> {
    this.pending++;
    let started = 0;
    let dispatched = false;
    try {
      // With a free slot the job goes to the runner at once (no await in between).
      if (!this.takeSlot()) await this.waitForSlot(priority);
      dispatched = true;
      started = performance.now();
      const result = await this.runJob(sets);
      if (result.valid.length !== sets.length)
        throw new VerifierError("VERIFIER_ERROR_WORKER", "worker answered the wrong number of sets");
      if (this.metrics !== null) {
        this.metrics.jobDone(sets.length, (performance.now() - started) / 1000);
        for (let i = 0; i < result.stats.blsBatches; i++)
          this.metrics.blsBatch(i < result.stats.blsBatchRetries);
      }
      return result.valid;
    } catch (error) {
      if (error instanceof VerifierError) throw error;
      throw new VerifierError("VERIFIER_ERROR_WORKER", `verify job failed: ${String(error)}`);
    } finally {
      if (dispatched) this.releaseSlot();
      this.pending--;
      this.reportPending();
      if (this.pending === 0) for (const resolve of this.drained.splice(0)) resolve();
    }
  }

  /** Takes a dispatch slot if fewer than `DISPATCHED_JOBS_PER_THREAD` × threads jobs are at the workers. */
  private takeSlot(): boolean {
    if (this.dispatched >= this.opts.threads * DISPATCHED_JOBS_PER_THREAD) return false;
    this.dispatched++;
    return true;
  }

  /** Resolves when a finished job hands this one its slot. */
  private waitForSlot(priority: boolean): Promise<void> {
    return new Promise((resolve) => this.waiting[priority ? "priority" : "ordinary"].push(resolve));
  }

  /** Hands a finished job's slot to the next waiting job, priority first. */
  private releaseSlot(): void {
    const next = this.waiting.priority.shift() ?? this.waiting.ordinary.shift();
    if (next) next();
    else this.dispatched--;
  }

  private reportPending(): void {
    this.metrics?.pendingJobs(this.pendingJobs);
  }
}
