/** Options of `LedgerDb`. */
export interface LedgerDbOptions {
  /**
   * zstd level for block bodies. Level 3 (zstd's own default): bodies are many small signed txs
   * whose redundancy (repeated chain ids, shards, senders, msgpack framing) the fast levels already
   * find; higher levels cost several times the CPU on the commit path for a few percent of size,
   * and the commit path must stay well below one signature verify per tx. Negative levels trade
   * ratio for speed; 19+ suits archival re-compression, not live commits.
   */
  compressionLevel: number;
}

/** Defaults of `LedgerDbOptions`. */
export const defaultLedgerDbOptions: Readonly<LedgerDbOptions> = Object.freeze({
  compressionLevel: 3,
});

/** Options of `LevelKvStore`. */
export interface LevelKvStoreOptions {
  /** Folder of the database. */
  path: string;
  /** Create the folder when missing (default true). */
  createIfMissing?: boolean;
}
