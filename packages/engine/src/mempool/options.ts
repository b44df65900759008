/** Limits and rules of a mempool. */
export interface MempoolOptions {
  /** Most txs held. */
  maxTxs: number;
  /** Most encoded bytes held (sum of `MempoolEntry.size`). */
  maxBytes: number;
  /** Most txs held for one sender. */
  maxPerSender: number;
  /** Highest nonce accepted is the sender's committed nonce + this. */
  maxNonceGap: number;
  /** A tx replaces the pending one of the same sender and nonce if its fee is at least this percent higher. */
  replaceFeeBumpPercent: number;
}

/** Defaults for a shard's mempool. */
export const defaultMempoolOptions: Readonly<MempoolOptions> = Object.freeze({
  /** Why 100,000: 20 s of load at 5k TPS, so a burst outlives a few slow blocks; about 30 MB with entry overhead. */
  maxTxs: 100_000,
  /** Why 32 MiB: twice 100,000 transfers of ~150 bytes, so count binds for transfers and bytes for large txs. */
  maxBytes: 32 * 1024 * 1024,
  /** Why 1024: a load driver keeps several blocks of txs in flight per account; still 1% of the pool at most. */
  maxPerSender: 1024,
  /** Why 1024: equal to maxPerSender, so a sender may fill its allowance, and far-future txs that would only sit are refused. */
  maxNonceGap: 1024,
  /** Why 10: geth's default price bump; each replacement costs something, so replacements cannot churn gossip for free. */
  replaceFeeBumpPercent: 10,
});
