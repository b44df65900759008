import { StorageError } from "./errors.ts";
import type { KvIterateOptions, KvOp, KvStore } from "./kvStore.ts";

/**
 * Keys are held as latin1 strings (one char per byte): JavaScript compares strings by UTF-16 code
 * unit, which for chars 0..255 is exactly the unsigned lexicographic order of the bytes.
 */
function keyToString(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("latin1");
}

function stringToKey(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "latin1"));
}

function checkBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
}

/**
 * An in-memory, sorted `KvStore` for tests and simulations: same semantics as `LevelKvStore`
 * (atomic batches, ordered snapshot scans, copies in and out), nothing on disk.
 */
export class MemoryKvStore implements KvStore {
  private readonly entries = new Map<string, Uint8Array>();
  /** Sorted keys, rebuilt lazily after a key is added or removed. */
  private sorted: string[] | null = [];
  private closed = false;

  /** Creates an empty store. */
  static async create(): Promise<MemoryKvStore> {
    return new MemoryKvStore();
  }

  /** Number of entries (for tests). */
  get size(): number {
    return this.entries.size;
  }

  async get(key: Uint8Array): Promise<Uint8Array | null> {
    this.checkOpen();
    checkBytes(key, "key");
    const value = this.entries.get(keyToString(key));
    return value === undefined ? null : value.slice();
  }

  async getMany(keys: Uint8Array[]): Promise<(Uint8Array | null)[]> {
    this.checkOpen();
    return keys.map((key) => {
      checkBytes(key, "key");
      const value = this.entries.get(keyToString(key));
      return value === undefined ? null : value.slice();
    });
  }

  async batch(ops: KvOp[]): Promise<void> {
    this.checkOpen();
    // Validate every op before applying any, so a bad op leaves the store untouched.
    for (const op of ops) {
      checkBytes(op.key, "key");
      if (op.type === "put") checkBytes(op.value, "value");
      else if (op.type !== "del") throw new TypeError(`unknown op type '${(op as { type: unknown }).type}'`);
    }
    for (const op of ops) {
      const k = keyToString(op.key);
      if (op.type === "put") {
        if (!this.entries.has(k)) this.sorted = null;
        this.entries.set(k, op.value.slice());
      } else if (this.entries.delete(k)) {
        this.sorted = null;
      }
    }
  }

  async *iterate(opts: KvIterateOptions): AsyncIterable<[Uint8Array, Uint8Array]> {
    this.checkOpen();
    const gte = opts.gte === undefined ? undefined : keyToString(opts.gte);
    const lt = opts.lt === undefined ? undefined : keyToString(opts.lt);
    const limit = opts.limit ?? Number.POSITIVE_INFINITY;
    if (limit <= 0) return;
    const keys = this.sortedKeys();
    let start = gte === undefined ? 0 : lowerBound(keys, gte);
    let end = lt === undefined ? keys.length : lowerBound(keys, lt);
    if (end < start) end = start;
    // Snapshot the matching entries now, as LevelDB iterators read from an implicit snapshot.
    if (opts.reverse) start = Math.max(start, end - limit);
    else end = Math.min(end, start + limit);
    const snapshot: [Uint8Array, Uint8Array][] = [];
    for (let i = start; i < end; i++)
      snapshot.push([stringToKey(keys[i]), this.entries.get(keys[i])!.slice()]);
    if (opts.reverse) snapshot.reverse();
    yield* snapshot;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private sortedKeys(): string[] {
    if (this.sorted === null) this.sorted = [...this.entries.keys()].sort();
    return this.sorted;
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError({ code: "STORAGE_ERROR_CLOSED" }, "memory store is closed");
  }
}

/** Index of the first key >= `target`. */
function lowerBound(keys: string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
