import { concatBytes, u64be } from "@vshard/crypto";

/**
 * One-byte key prefixes, one per kind of record. The numbers are part of the on-disk format: a
 * retired number is never reused, new buckets take the next free number (255 stays unused so that
 * `[bucket + 1]` always bounds a bucket's range).
 */
export enum Bucket {
  /** Small records of the database itself: chain heads, running totals. Sub-keyed by `MetaKey`. */
  Meta = 1,
  /** hash → encoded header (certificate included). */
  HeaderByHash = 2,
  /** hash → zstd-compressed encoded body. */
  BodyByHash = 3,
  /** chainId, shard, height → block hash. */
  HashByHeight = 4,
  /** tx hash → [height, index, block hash, status, abort reason]. */
  TxLocation = 5,
  /** chainId, shard, address → encoded account. */
  Account = 6,
  /** chainId, shard, node key → state-tree node bytes. */
  StateNode = 7,
  /** chainId, shard, height, index → encoded receipt of that block's outbox. */
  OutboxByHeight = 8,
  /**
   * chainId, shard, namespace byte (`RecordNamespace`), id (any length, last so that the ids of a namespace iterate
   * in byte order) → the record's value bytes, as its owner module encoded them.
   */
  Record = 9,
  /** chainId, shard, utf8 name → bytes a consensus plugin keeps across restarts (e.g. a dpos epoch's schedule). */
  ConsensusData = 10,
  /** chainId, shard, height → the state keys that block wrote (`WriteSet`): what a restart replays onto a checkpoint. */
  WriteSet = 11,
  /** CIDv1 bytes → the object's bytes: what a storage node holds of the DLFS. */
  DlfsObject = 12,
  /** CIDv1 bytes → what was counted when the object was stored (`DlfsObjectMeta`): its kind, length, body figures. */
  DlfsObjectMeta = 13,
}

/** Second byte of keys in `Bucket.Meta`; same rule: a retired number is never reused. */
export enum MetaKey {
  /** chainId, shard → [height, hash, stateRoot] of the last committed block. */
  ChainHead = 1,
  /** → [bodyBytesRaw, bodyBytesStored] running totals. */
  BodyStats = 2,
  /** chainId, shard → [height, root] of the last state tree whose nodes are all stored. */
  StateCheckpoint = 3,
  /** → a storage node's DLFS totals (`ChunkStoreTotals`). */
  DlfsTotals = 4,
}

/** Length of the chain/shard part of a key: chainId (4 bytes BE) + shard (2 bytes BE). */
export const CHAIN_SHARD_KEY_LENGTH = 6;

/** chainId (4 bytes BE) + shard (2 bytes BE): the start of every key that names a chain shard. */
export function chainShardKey(chainId: number, shard: number): Uint8Array {
  // Written byte by byte: a DataView per key cost more than the rest of the key (it is built for every write).
  const out = new Uint8Array(CHAIN_SHARD_KEY_LENGTH);
  out[0] = chainId >>> 24;
  out[1] = (chainId >>> 16) & 0xff;
  out[2] = (chainId >>> 8) & 0xff;
  out[3] = chainId & 0xff;
  out[4] = (shard >>> 8) & 0xff;
  out[5] = shard & 0xff;
  return out;
}

/** chainId + shard + height (8 bytes BE), so heights of one shard iterate in order. */
export function chainShardHeightKey(chainId: number, shard: number, height: number): Uint8Array {
  return concatBytes(chainShardKey(chainId, shard), u64be(height));
}

/** chainId + shard + namespace byte: the start of every `Bucket.Record` key of one namespace (the id follows). */
export function recordNamespaceKey(chainId: number, shard: number, namespace: number): Uint8Array {
  if (!Number.isInteger(namespace) || namespace < 0 || namespace > 0xff)
    throw new RangeError(`record namespace must be a byte (0..255), got ${namespace}`);
  return concatBytes(chainShardKey(chainId, shard), Uint8Array.of(namespace));
}

/** 4-byte big-endian index, for entries numbered inside one key (receipts of an outbox). */
export function u32be(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

/**
 * The smallest key greater than every key that starts with `prefix`, or null when there is none
 * (the prefix is all 0xff bytes).
 */
export function prefixUpperBound(prefix: Uint8Array): Uint8Array | null {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i] !== 0xff) {
      const out = prefix.slice(0, i + 1);
      out[i]++;
      return out;
    }
  }
  return null;
}
