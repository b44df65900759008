import { unpackSignatureSets, verifySignatureSetsInThread } from "./signatureSet.ts";

/** What a verify worker sends back: one byte per set (1 = valid) and the BLS batch counts. */
export interface VerifyWorkerResult {
  valid: Uint8Array;
  blsBatches: number;
  blsBatchRetries: number;
}

/**
 * The piscina task of the verify pool (selected by name, so the file has no default export):
 * unpacks the transferred sets and verifies them in this worker thread. A malformed set is
 * invalid; only a truncated buffer, which the pool never sends, throws.
 */
export function verifyWorkerTask(packed: ArrayBuffer): VerifyWorkerResult {
  const { valid, stats } = verifySignatureSetsInThread(unpackSignatureSets(packed));
  const bytes = new Uint8Array(valid.length);
  for (let i = 0; i < valid.length; i++) bytes[i] = valid[i] ? 1 : 0;
  return { valid: bytes, blsBatches: stats.blsBatches, blsBatchRetries: stats.blsBatchRetries };
}
