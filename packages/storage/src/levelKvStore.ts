import { ClassicLevel } from "classic-level";
import { StorageError } from "./errors.ts";
import type { KvIterateOptions, KvOp, KvStore } from "./kvStore.ts";
import type { LevelKvStoreOptions } from "./options.ts";

type Db = ClassicLevel<Uint8Array, Uint8Array>;

/** A plain Uint8Array view of what classic-level returns (a Buffer), so values compare equal to ours. */
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function errorCode(err: unknown): string | undefined {
  return (err as { code?: unknown } | null)?.code as string | undefined;
}

/** Maps an error thrown while opening the folder to a `StorageError` that says what to do. */
function openError(path: string, err: unknown): StorageError {
  const cause = (err as { cause?: unknown } | null)?.cause;
  const detail = (cause as Error | undefined)?.message ?? (err as Error).message;
  if (errorCode(cause) === "LEVEL_LOCKED" || errorCode(err) === "LEVEL_LOCKED")
    return new StorageError(
      { code: "STORAGE_ERROR_LOCKED", path },
      `database folder '${path}' is locked: another process (or another open store in this process) is using ` +
        `it; stop that node or choose another data folder (${detail})`,
      err,
    );
  if (errorCode(cause) === "LEVEL_CORRUPTION")
    return new StorageError(
      { code: "STORAGE_ERROR_CORRUPT", path },
      `database folder '${path}' is corrupt: ${detail}`,
      err,
    );
  return new StorageError(
    { code: "STORAGE_ERROR_OPEN", path },
    `cannot open database folder '${path}': ${detail}`,
    err,
  );
}

/**
 * LevelDB tuning. Snappy off: most of what a ledger stores is hashes, keys and signatures, which do not compress,
 * and block bodies are zstd-compressed before they get here, so snappy only cost CPU in every compaction.
 * 16 MiB write buffer (default 4 MiB): a busy shard writes ~10 entries per transaction, and a larger buffer means
 * fewer, larger level-0 files and less compaction work.
 */
const LEVEL_TUNING = { compression: false, writeBufferSize: 16 * 1024 * 1024 } as const;

/** A `KvStore` over classic-level (LevelDB): one folder, one open handle at a time. */
export class LevelKvStore implements KvStore {
  readonly path: string;
  private readonly db: Db;
  private closed = false;

  private constructor(path: string, db: Db) {
    this.path = path;
    this.db = db;
  }

  /** Opens (creating when missing) the database in `opts.path`; a locked folder gives STORAGE_ERROR_LOCKED. */
  static async create(opts: LevelKvStoreOptions): Promise<LevelKvStore> {
    const db: Db = new ClassicLevel<Uint8Array, Uint8Array>(opts.path, {
      keyEncoding: "view",
      valueEncoding: "view",
    });
    try {
      await db.open({ createIfMissing: opts.createIfMissing ?? true, ...LEVEL_TUNING });
    } catch (err) {
      throw openError(opts.path, err);
    }
    return new LevelKvStore(opts.path, db);
  }

  async get(key: Uint8Array): Promise<Uint8Array | null> {
    const value = await this.call("get", () => this.db.get(key));
    return value === undefined ? null : plain(value);
  }

  async getMany(keys: Uint8Array[]): Promise<(Uint8Array | null)[]> {
    if (keys.length === 0) return [];
    const values = await this.call("getMany", () => this.db.getMany(keys));
    return values.map((v) => (v === undefined ? null : plain(v)));
  }

  async batch(ops: KvOp[]): Promise<void> {
    if (ops.length === 0) return;
    await this.call("batch", () => this.db.batch(ops));
  }

  async *iterate(opts: KvIterateOptions): AsyncIterable<[Uint8Array, Uint8Array]> {
    const range: { gte?: Uint8Array; lt?: Uint8Array; reverse?: boolean; limit?: number } = {};
    if (opts.gte !== undefined) range.gte = opts.gte;
    if (opts.lt !== undefined) range.lt = opts.lt;
    if (opts.reverse) range.reverse = true;
    if (opts.limit !== undefined) range.limit = Math.max(0, opts.limit);
    if (range.limit === 0) return;
    const it = this.call("iterate", () => this.db.iterator(range));
    try {
      while (true) {
        const entries = await this.call("iterate", () => it.nextv(256));
        if (entries.length === 0) return;
        for (const [k, v] of entries) yield [plain(k), plain(v)];
      }
    } finally {
      await it.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.close();
  }

  /** Runs one classic-level call, turning its errors into `StorageError`s. */
  private call<T>(what: string, fn: () => T): T {
    const fail = (err: unknown): never => {
      if (err instanceof TypeError) throw err;
      const code = errorCode(err);
      if (code === "LEVEL_INVALID_KEY" || code === "LEVEL_INVALID_VALUE")
        throw new TypeError(`${what}: ${(err as Error).message}`);
      if (this.closed || code === "LEVEL_DATABASE_NOT_OPEN")
        throw new StorageError(
          { code: "STORAGE_ERROR_CLOSED", path: this.path },
          `${what} on database '${this.path}' after it was closed`,
          err,
        );
      throw new StorageError(
        { code: "STORAGE_ERROR_IO", path: this.path },
        `${what} on database '${this.path}' failed: ${(err as Error).message}`,
        err,
      );
    };
    if (this.closed) fail(new Error("closed"));
    try {
      const result = fn();
      if (result instanceof Promise) return result.catch(fail) as T;
      return result;
    } catch (err) {
      return fail(err);
    }
  }
}
