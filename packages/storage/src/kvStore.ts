/** One write of an atomic batch. */
export type KvOp = { type: "put"; key: Uint8Array; value: Uint8Array } | { type: "del"; key: Uint8Array };

/** Bounds of an ordered scan; keys compare as unsigned bytes, lexicographically. */
export interface KvIterateOptions {
  /** Lowest key included. */
  gte?: Uint8Array;
  /** First key excluded. */
  lt?: Uint8Array;
  /** Scan from the highest key down. */
  reverse?: boolean;
  /** Stop after this many entries. */
  limit?: number;
}

/**
 * An ordered byte key-value store: the one interface behind `LevelKvStore` (disk) and
 * `MemoryKvStore` (tests, simulation). Values returned are fresh copies the caller may keep.
 */
export interface KvStore {
  /** The value under `key`, or null when there is none. */
  get(key: Uint8Array): Promise<Uint8Array | null>;
  /** The values under `keys`, in the same order; null where there is none. */
  getMany(keys: Uint8Array[]): Promise<(Uint8Array | null)[]>;
  /** Applies every op or none of them. */
  batch(ops: KvOp[]): Promise<void>;
  /** Entries in key order (or reverse), as seen when the scan started. */
  iterate(opts: KvIterateOptions): AsyncIterable<[Uint8Array, Uint8Array]>;
  /** Releases the store; later calls throw `StorageError` STORAGE_ERROR_CLOSED. Closing twice is harmless. */
  close(): Promise<void>;
}

/** A put op. */
export function putOp(key: Uint8Array, value: Uint8Array): KvOp {
  return { type: "put", key, value };
}

/** A delete op. */
export function delOp(key: Uint8Array): KvOp {
  return { type: "del", key };
}
