import type { SignatureSet } from "./signatureSet.ts";

/**
 * Verifies signature sets, in the calling thread or on worker threads. One interface with several
 * implementations and one shared test suite (test/verifierSuite.ts), as Lodestar does for BLS.
 */
/** Options of one verify call. */
export interface VerifyOptions {
  /** Ahead of every queued job without priority. */
  priority?: boolean;
}

export interface SignatureVerifier {
  /**
   * One answer per set, in the same order; a malformed set is `false`, never an error. `priority` work (a block's
   * signatures, which consensus waits on) goes ahead of queued ordinary work (transactions arriving by gossip or API).
   */
  verify(sets: SignatureSet[], opts?: VerifyOptions): Promise<boolean[]>;
  /** Whether every set is valid (`true` for no sets). */
  verifyAll(sets: SignatureSet[]): Promise<boolean>;
  /**
   * Backpressure: `false` while the verifier's queue is at its bound, so that callers (the
   * mempool, gossip handlers) hold work back. Work submitted anyway is still answered.
   */
  canAcceptWork(): boolean;
  /** Stops the verifier; answers to calls in flight still arrive, later calls are rejected. */
  close(): Promise<void>;
}

/** Codes of {@link VerifierError}. */
export type VerifierErrorCode = "VERIFIER_ERROR_CLOSED" | "VERIFIER_ERROR_WORKER";

/**
 * A verifier that cannot answer (closed, or a worker died). Invalid signatures are never errors.
 * Mirrors `LedgerError` of @vshard/types (a string `code`), which crypto cannot import.
 */
export class VerifierError extends Error {
  readonly code: VerifierErrorCode;
  constructor(code: VerifierErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = "VerifierError";
  }
}
