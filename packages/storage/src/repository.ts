import { bytesToHex, compareBytes, concatBytes } from "@vshard/crypto";
import { type Bucket, prefixUpperBound } from "./buckets.ts";
import { StorageError } from "./errors.ts";
import type { KvOp, KvStore } from "./kvStore.ts";

/** How a repository turns its keys and values into bytes. */
export interface RepositoryOptions<K, V> {
  /** The bucket every key of this repository starts with. */
  bucket: Bucket;
  /** Name of the record kind, used in error messages (e.g. "header"). */
  name: string;
  /** Key bytes after the bucket byte. */
  encodeKey(key: K): Uint8Array;
  /** Canonical bytes of a value. */
  encodeValue(value: V): Uint8Array;
  /** Reads a value back; any exception it throws is reported as STORAGE_ERROR_CORRUPT. */
  decodeValue(bytes: Uint8Array): V;
}

/** Bounds of a scan inside a repository's bucket; all given bounds apply together. */
export interface RepositoryRangeOptions<K> {
  /** Only keys whose bytes after the bucket byte start with this. */
  prefix?: Uint8Array;
  /** Lowest key included. */
  gte?: K;
  /** First key excluded. */
  lt?: K;
  reverse?: boolean;
  limit?: number;
}

/**
 * Typed access to one bucket: keys are encoded with a key function and values with the canonical
 * codec functions it is given; reads never leave the bucket, and a stored value that does not
 * decode surfaces as a `StorageError` (STORAGE_ERROR_CORRUPT) naming the key.
 */
export class Repository<K, V> {
  readonly bucket: Bucket;
  readonly name: string;
  private readonly opts: RepositoryOptions<K, V>;
  private readonly store: KvStore;
  private readonly bucketPrefix: Uint8Array;

  constructor(opts: RepositoryOptions<K, V>, modules: { store: KvStore }) {
    this.opts = opts;
    this.bucket = opts.bucket;
    this.name = opts.name;
    this.store = modules.store;
    this.bucketPrefix = Uint8Array.of(opts.bucket);
  }

  /** The full store key of `key` (bucket byte first). */
  key(key: K): Uint8Array {
    return concatBytes(this.bucketPrefix, this.opts.encodeKey(key));
  }

  /** The value under `key`, or null. */
  async get(key: K): Promise<V | null> {
    const full = this.key(key);
    const bytes = await this.store.get(full);
    return bytes === null ? null : this.decode(full, bytes);
  }

  /** The values under `keys`, in order; null where there is none. */
  async getMany(keys: K[]): Promise<(V | null)[]> {
    const full = keys.map((k) => this.key(k));
    const values = await this.store.getMany(full);
    return values.map((bytes, i) => (bytes === null ? null : this.decode(full[i], bytes)));
  }

  /** The op that stores `value` under `key`, for a batch. */
  putOp(key: K, value: V): KvOp {
    return { type: "put", key: this.key(key), value: this.opts.encodeValue(value) };
  }

  /** The op that deletes `key`, for a batch. */
  delOp(key: K): KvOp {
    return { type: "del", key: this.key(key) };
  }

  /** Entries of this bucket in key order; yields the key bytes after the bucket byte and the value. */
  async *range(opts: RepositoryRangeOptions<K> = {}): AsyncIterable<[Uint8Array, V]> {
    const start = concatBytes(this.bucketPrefix, opts.prefix ?? new Uint8Array(0));
    let gte = start;
    let lt = prefixUpperBound(start) ?? Uint8Array.of(this.bucket + 1);
    if (opts.gte !== undefined) {
      const k = this.key(opts.gte);
      if (compareBytes(k, gte) > 0) gte = k;
    }
    if (opts.lt !== undefined) {
      const k = this.key(opts.lt);
      if (compareBytes(k, lt) < 0) lt = k;
    }
    if (compareBytes(gte, lt) >= 0) return;
    const scan = {
      gte,
      lt,
      reverse: opts.reverse ?? false,
      ...(opts.limit === undefined ? {} : { limit: opts.limit }),
    };
    for await (const [key, bytes] of this.store.iterate(scan))
      yield [key.subarray(1), this.decode(key, bytes)];
  }

  /** Decodes a stored value, reporting any failure as STORAGE_ERROR_CORRUPT with the key. */
  decode(fullKey: Uint8Array, bytes: Uint8Array): V {
    try {
      return this.opts.decodeValue(bytes);
    } catch (err) {
      const key = bytesToHex(fullKey);
      throw new StorageError(
        { code: "STORAGE_ERROR_CORRUPT", key },
        `corrupt ${this.name} record under key ${key}: ${(err as Error).message}`,
        err,
      );
    }
  }
}
