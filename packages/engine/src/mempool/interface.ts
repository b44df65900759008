import type { SignedTx } from "@vshard/types";

/** A transaction in the mempool, with what admission derived from it once. */
export interface MempoolEntry {
  hash: Uint8Array;
  hashHex: string;
  stx: SignedTx;
  senderAddress: Uint8Array;
  senderHex: string;
  nonce: number;
  fee: bigint;
  /** fee + amount moved: what the sender's balance must cover. */
  cost: bigint;
  /** Encoded bytes (the signed tx's canonical encoding). */
  size: number;
  /**
   * Ranks above any fee (absent: 0). Receives have 1: they complete transfers whose fee the source already charged,
   * pay none themselves, and must not starve behind paying txs under load.
   */
  priority?: number;
}

/** Whether `a` goes before `b`: higher priority, then higher fee (ties: neither). */
export function outranks(
  a: Pick<MempoolEntry, "priority" | "fee">,
  b: Pick<MempoolEntry, "priority" | "fee">,
): boolean {
  const pa = a.priority ?? 0;
  const pb = b.priority ?? 0;
  return pa !== pb ? pa > pb : a.fee > b.fee;
}

/** What `Mempool.add` did besides adding: the tx it replaced, and every other tx that left the pool. */
export interface MempoolAddResult {
  replaced?: MempoolEntry;
  /** Txs removed to admit this one: evicted for room, the sender's stale or now-unpayable txs, in removal order. */
  evicted: MempoolEntry[];
}

/** Limits of a block for `Mempool.selectForBlock`. */
export interface BlockSelectionLimits {
  maxTxs: number;
  maxBytes: number;
}
