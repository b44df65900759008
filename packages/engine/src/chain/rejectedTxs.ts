import type { TxError, TxErrorCode } from "../errors.ts";

/** Why a tx was dropped while this node built a block: the `TxError` execution refused it with. */
export interface RejectedTx {
  code: TxErrorCode;
  message: string;
}

/**
 * How many dropped txs `RejectedTxs` remembers. Why 10,000: a client polls a tx for a minute at most (the CLI's
 * `--wait` gives up after 60 s), and even at 100 drops a second, far above what a main chain sees, an entry stays 100 s;
 * an entry is a hash and a message of a few hundred bytes, ~3 MB in all.
 */
export const MAX_REJECTED_TXS = 10_000;

/**
 * The txs this node dropped while building blocks (execution refused them for good on the state they met), by hash
 * hex, with the reason: the last `max` of them, the oldest forgotten first. Only the reason is kept, not the tx (a
 * register-chain tx may carry a 64 KiB schema).
 */
export class RejectedTxs {
  private readonly byHash = new Map<string, RejectedTx>();

  constructor(private readonly max = MAX_REJECTED_TXS) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError("max must be a positive integer");
  }

  /** Remembers a dropped tx (a tx dropped again moves to the newest place, with its latest reason). */
  add(hashHex: string, error: TxError): void {
    this.byHash.delete(hashHex);
    this.byHash.set(hashHex, { code: error.code, message: error.message });
    // A Map iterates in insertion order: the first key is the oldest.
    if (this.byHash.size > this.max) this.byHash.delete(this.byHash.keys().next().value as string);
  }

  /** Why the tx was dropped, or undefined when it was not (or is forgotten). */
  get(hashHex: string): RejectedTx | undefined {
    return this.byHash.get(hashHex);
  }

  /** How many are remembered. */
  size(): number {
    return this.byHash.size;
  }
}
