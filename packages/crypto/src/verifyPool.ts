import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { packSignatureSets, type SignatureSet, type VerifySetsResult } from "./signatureSet.ts";
import { type SignatureVerifier, VerifierError, type VerifyOptions } from "./verifier.ts";
import {
  defaultVerifyBatcherOptions,
  MAX_PENDING_JOBS_PER_THREAD,
  VerifyBatcher,
  type VerifyBatcherOptions,
  type VerifyPoolMetrics,
} from "./verifyBatcher.ts";
import type { VerifyWorkerResult } from "./verifyWorker.ts";

/** Options of {@link VerifyPool}; see `defaultVerifyBatcherOptions` for why each default. */
export interface VerifyPoolOptions extends Omit<VerifyBatcherOptions, "threads" | "maxPendingJobs"> {
  /** Worker threads; `os.availableParallelism()` by default (verification is CPU-bound). */
  threads: number;
  /** Pending jobs before `canAcceptWork()` turns false; `MAX_PENDING_JOBS_PER_THREAD` × threads by default. */
  maxPendingJobs?: number;
}

/** Default pool options: one worker per core and the batching defaults. */
export const defaultVerifyPoolOptions: VerifyPoolOptions = {
  ...defaultVerifyBatcherOptions,
  threads: availableParallelism(),
};

/** Name of the piscina task exported by verifyWorker.ts. */
const WORKER_TASK_NAME = "verifyWorkerTask";

/**
 * Where the worker file is and how to start it: the one rule for loading worker files. The worker
 * is `./verifyWorker` with this module's own extension, resolved from `import.meta.url`. Built
 * (`.js`), workers start plainly. From source (`.ts`: vitest, `node --import tsx`), workers get
 * `--import <file URL of tsx's loader>`, resolved from this package so it works from any cwd.
 */
export function verifyWorkerLocation(moduleUrl: string = import.meta.url): {
  filename: string;
  execArgv: string[] | undefined;
} {
  const extension = extname(fileURLToPath(moduleUrl));
  const filename = fileURLToPath(new URL(`./verifyWorker${extension}`, moduleUrl));
  if (!/^\.[mc]?ts$/.test(extension)) return { filename, execArgv: undefined };
  const tsxLoader = pathToFileURL(createRequire(moduleUrl).resolve("tsx")).href;
  return { filename, execArgv: ["--import", tsxLoader] };
}

/**
 * Verifies signature sets on piscina worker threads behind a batching layer (`VerifyBatcher`):
 * sets travel packed in one transferred ArrayBuffer per job, each worker verifies ed25519 through
 * node:crypto and BLS through one blst batch check with a set-by-set re-check on failure.
 */
export class VerifyPool implements SignatureVerifier {
  private readonly piscina: Piscina;
  private readonly batcher: VerifyBatcher;
  private closing: Promise<void> | null = null;

  private constructor(opts: VerifyPoolOptions, modules: { metrics?: VerifyPoolMetrics | null }) {
    const threads = Math.max(1, Math.floor(opts.threads));
    const { filename, execArgv } = verifyWorkerLocation();
    this.piscina = new Piscina({
      filename,
      name: WORKER_TASK_NAME,
      minThreads: threads,
      maxThreads: threads,
      // Workers live as long as the pool: starting one costs far more than a job.
      idleTimeout: Number.POSITIVE_INFINITY,
      ...(execArgv ? { execArgv } : {}),
    });
    const runJob = async (sets: SignatureSet[]): Promise<VerifySetsResult> => {
      const packed = packSignatureSets(sets);
      const result = (await this.piscina.run(packed, { transferList: [packed] })) as VerifyWorkerResult;
      return {
        valid: Array.from(result.valid, (v) => v === 1),
        stats: { blsBatches: result.blsBatches, blsBatchRetries: result.blsBatchRetries },
      };
    };
    this.batcher = new VerifyBatcher(
      { ...opts, threads, maxPendingJobs: opts.maxPendingJobs ?? MAX_PENDING_JOBS_PER_THREAD * threads },
      { runJob, metrics: modules.metrics ?? null },
    );
  }

  /** Starts the workers and waits until each has loaded the worker file. */
  static async create(
    opts: Partial<VerifyPoolOptions> = {},
    modules: { metrics?: VerifyPoolMetrics | null } = {},
  ): Promise<VerifyPool> {
    const pool = new VerifyPool({ ...defaultVerifyPoolOptions, ...opts }, modules);
    try {
      // One empty job per thread, so that every worker has loaded its file before the first real job.
      await Promise.all(
        Array.from({ length: pool.threads }, () => {
          const empty = packSignatureSets([]);
          return pool.piscina.run(empty, { transferList: [empty] });
        }),
      );
    } catch (error) {
      await pool.piscina.destroy();
      throw new VerifierError("VERIFIER_ERROR_WORKER", `verify workers failed to start: ${String(error)}`);
    }
    return pool;
  }

  /** Worker threads in the pool. */
  get threads(): number {
    return this.piscina.maxThreads;
  }

  verify(sets: SignatureSet[], opts: VerifyOptions = {}): Promise<boolean[]> {
    return this.batcher.verify(sets, opts);
  }

  async verifyAll(sets: SignatureSet[]): Promise<boolean> {
    const valid = await this.verify(sets);
    return valid.every((v) => v);
  }

  canAcceptWork(): boolean {
    return this.batcher.canAcceptWork();
  }

  close(): Promise<void> {
    this.closing ??= this.batcher.close().then(() => this.piscina.close());
    return this.closing;
  }
}
