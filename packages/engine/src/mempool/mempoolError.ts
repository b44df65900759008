import { LedgerError } from "@vshard/types";

/** Why the mempool refuses a transaction. */
export type MempoolErrorCode =
  /** The same tx (same hash) is already pending. */
  | "MEMPOOL_ERROR_DUPLICATE"
  /** The nonce is below the sender's committed nonce: already used. */
  | "MEMPOOL_ERROR_NONCE_TOO_LOW"
  /** The nonce is beyond the sender's committed nonce + maxNonceGap. */
  | "MEMPOOL_ERROR_NONCE_GAP"
  /** The balance does not cover this tx plus the sender's pending txs with lower nonces. */
  | "MEMPOOL_ERROR_INSUFFICIENT_BALANCE"
  /** Same sender and nonce as a pending tx, without the required fee bump. */
  | "MEMPOOL_ERROR_REPLACEMENT_UNDERPRICED"
  /** The sender already has maxPerSender pending txs, all with lower nonces. */
  | "MEMPOOL_ERROR_SENDER_FULL"
  /** The pool is full and the tx does not pay more than the tx it would evict. */
  | "MEMPOOL_ERROR_FULL";

/** A refusal by the mempool; the message carries the numbers (expected nonce, balance, fee needed ...). */
export class MempoolError extends LedgerError<{
  code: MempoolErrorCode;
  hashHex: string;
  senderHex: string;
  nonce: number;
}> {}
