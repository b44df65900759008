import { join } from "node:path";
import {
  defaultVerifyPoolOptions,
  type SignatureVerifier,
  SingleThreadVerifier,
  VerifyPool,
} from "@vshard/crypto";
import type { Logger } from "@vshard/engine";
import { LedgerDb } from "@vshard/storage";
import { createLogger } from "../logger.ts";
import type { NodeOptions } from "./nodeOptions.ts";

/** What every node opens first: its logger, its database and a signature verifier (its own, or a shared one). */
export interface NodeResources {
  logger: Logger;
  db: LedgerDb;
  verifier: SignatureVerifier;
  /** Closes the verifier if the node made it, then the database. */
  close(): Promise<void>;
}

/**
 * Opens the node's classic-level database under `dataDir/db` and its verifier: the shared one in `modules`, else a
 * worker-thread pool of `verifyThreads` (0: the main thread).
 */
export async function openNodeResources(
  opts: Pick<NodeOptions, "dataDir" | "verifyThreads" | "logLevel">,
  modules: { logger?: Logger; verifier?: SignatureVerifier },
): Promise<NodeResources> {
  const logger = modules.logger ?? createLogger({ level: opts.logLevel });
  const db = await LedgerDb.create({ path: join(opts.dataDir, "db") });
  const ownsVerifier = !modules.verifier;
  const verifier: SignatureVerifier =
    modules.verifier ??
    (opts.verifyThreads > 0
      ? await VerifyPool.create({ ...defaultVerifyPoolOptions, threads: opts.verifyThreads })
      : new SingleThreadVerifier());
  return {
    logger,
    db,
    verifier,
    async close() {
      if (ownsVerifier) await verifier.close();
      await db.close();
    },
  };
}
