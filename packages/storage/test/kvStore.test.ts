import { compareBytes, concatBytes } from "@vshard/crypto";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type KvOp, type KvStore, LevelKvStore, MemoryKvStore, StorageError } from "../src/index.ts";
import { tempDir } from "./fixtures.ts";

/** The implementations the shared suite runs against; each gives a fresh store and its cleanup. */
const factories: Array<{
  name: string;
  open: () => Promise<{ store: KvStore; cleanup: () => Promise<void> }>;
}> = [
  {
    name: "MemoryKvStore",
    open: async () => {
      const store = await MemoryKvStore.create();
      return { store, cleanup: () => store.close() };
    },
  },
  {
    name: "LevelKvStore",
    open: async () => {
      const dir = await tempDir();
      const store = await LevelKvStore.create({ path: dir.path });
      return {
        store,
        cleanup: async () => {
          await store.close();
          await dir.cleanup();
        },
      };
    },
  },
];

const b = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes);

async function collect(it: AsyncIterable<[Uint8Array, Uint8Array]>): Promise<[Uint8Array, Uint8Array][]> {
  const out: [Uint8Array, Uint8Array][] = [];
  for await (const entry of it) out.push(entry);
  return out;
}

const keysOf = (entries: [Uint8Array, Uint8Array][]): number[][] => entries.map(([k]) => [...k]);

describe.each(factories)("KvStore contract: $name", ({ open }) => {
  let store: KvStore;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await open());
  });
  afterEach(async () => {
    await cleanup();
  });

  it("returns null for a missing key and plain Uint8Array copies for present ones", async () => {
    expect(await store.get(b(1))).toBeNull();
    const value = b(9, 8, 7);
    await store.batch([{ type: "put", key: b(1), value }]);
    value[0] = 0; // mutating the caller's array after the write changes nothing stored
    const got = await store.get(b(1));
    expect(got).toEqual(b(9, 8, 7));
    expect(Object.getPrototypeOf(got)).toBe(Uint8Array.prototype);
    got![1] = 0; // nor does mutating what a read returned
    expect(await store.get(b(1))).toEqual(b(9, 8, 7));
  });

  it("getMany keeps the order of the keys and gives null for missing ones", async () => {
    await store.batch([
      { type: "put", key: b(1), value: b(10) },
      { type: "put", key: b(3), value: b(30) },
    ]);
    expect(await store.getMany([b(3), b(2), b(1), b(3)])).toEqual([b(30), null, b(10), b(30)]);
    expect(await store.getMany([])).toEqual([]);
  });

  it("applies a batch in order: puts, deletes, the last write to a key wins", async () => {
    await store.batch([
      { type: "put", key: b(1), value: b(1) },
      { type: "put", key: b(2), value: b(2) },
    ]);
    await store.batch([
      { type: "del", key: b(1) },
      { type: "del", key: b(99) },
      { type: "put", key: b(2), value: b(20) },
      { type: "put", key: b(2), value: b(21) },
      { type: "put", key: b(3), value: b(3) },
      { type: "del", key: b(3) },
    ]);
    expect(await store.getMany([b(1), b(2), b(3)])).toEqual([null, b(21), null]);
    await store.batch([]);
    expect(keysOf(await collect(store.iterate({})))).toEqual([[2]]);
  });

  it("rejects a batch with an invalid op and applies none of it", async () => {
    await store.batch([{ type: "put", key: b(5), value: b(5) }]);
    const bad = [
      { type: "put", key: b(1), value: b(1) },
      { type: "del", key: b(5) },
      { type: "put", key: b(2), value: undefined },
    ] as unknown as KvOp[];
    await expect(store.batch(bad)).rejects.toBeInstanceOf(TypeError);
    expect(await store.getMany([b(1), b(2), b(5)])).toEqual([null, null, b(5)]);
  });

  it("iterates in unsigned lexicographic byte order with gte/lt/reverse/limit", async () => {
    const keys = [b(0x80), b(0x00), b(0xff), b(0x7f), b(0x01, 0x00), b(0x01), b(0xff, 0xff), b(0x01, 0xff)];
    await store.batch(keys.map((key, i) => ({ type: "put", key, value: b(i) })));
    const sorted = [...keys].sort(compareBytes).map((k) => [...k]);
    expect(keysOf(await collect(store.iterate({})))).toEqual(sorted);
    expect(keysOf(await collect(store.iterate({ reverse: true })))).toEqual([...sorted].reverse());
    expect(keysOf(await collect(store.iterate({ gte: b(0x01), lt: b(0x80) })))).toEqual([
      [0x01],
      [0x01, 0x00],
      [0x01, 0xff],
      [0x7f],
    ]);
    expect(keysOf(await collect(store.iterate({ gte: b(0x01), lt: b(0x80), limit: 2 })))).toEqual([
      [0x01],
      [0x01, 0x00],
    ]);
    expect(
      keysOf(await collect(store.iterate({ gte: b(0x01), lt: b(0x80), reverse: true, limit: 2 }))),
    ).toEqual([[0x7f], [0x01, 0xff]]);
    expect(await collect(store.iterate({ limit: 0 }))).toEqual([]);
    expect(await collect(store.iterate({ gte: b(0x80), lt: b(0x80) }))).toEqual([]);
    const [first] = await collect(store.iterate({ gte: b(0xff), limit: 1 }));
    expect(first).toEqual([b(0xff), b(2)]);
  });

  it("scans a snapshot: writes made during a scan are not seen by it", async () => {
    await store.batch([1, 2, 3].map((k) => ({ type: "put", key: b(k), value: b(k) })));
    const seen: number[] = [];
    for await (const [key] of store.iterate({})) {
      if (seen.length === 0) await store.batch([{ type: "put", key: b(9), value: b(9) }]);
      seen.push(key[0]);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(await store.get(b(9))).toEqual(b(9));
  });

  it("lets a scan stop early", async () => {
    await store.batch(
      Array.from({ length: 600 }, (_, i) => ({ type: "put", key: b(i >> 8, i & 0xff), value: b(1) })),
    );
    let n = 0;
    for await (const _ of store.iterate({})) if (++n === 300) break;
    expect(n).toBe(300);
    expect((await collect(store.iterate({}))).length).toBe(600);
  });

  it("matches a sorted-map model under random batches (property)", async () => {
    let run = 0;
    const key = fc.uint8Array({ minLength: 0, maxLength: 3 });
    const op = fc.oneof(
      fc.record({ type: fc.constant("put" as const), key, value: fc.uint8Array({ maxLength: 4 }) }),
      fc.record({ type: fc.constant("del" as const), key }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { maxLength: 8 }), { maxLength: 5 }),
        key,
        key,
        async (batches, lo, hi) => {
          // Each run writes under its own 2-byte prefix, so runs share the store without interfering.
          const prefix = b(0xa0, run++);
          const model = new Map<string, Uint8Array>();
          for (const ops of batches) {
            const full: KvOp[] = ops.map((o) =>
              o.type === "put"
                ? { type: "put", key: concatBytes(prefix, o.key), value: o.value }
                : { type: "del", key: concatBytes(prefix, o.key) },
            );
            await store.batch(full);
            for (const o of full)
              if (o.type === "put") model.set(Buffer.from(o.key).toString("hex"), o.value);
              else model.delete(Buffer.from(o.key).toString("hex"));
          }
          const gte = concatBytes(prefix, lo);
          const lt = concatBytes(prefix, hi);
          const expected = [...model.entries()]
            .map(([k, v]): [Uint8Array, Uint8Array] => [Uint8Array.from(Buffer.from(k, "hex")), v])
            .filter(([k]) => compareBytes(k, gte) >= 0 && compareBytes(k, lt) < 0)
            .sort(([x], [y]) => compareBytes(x, y));
          expect(await collect(store.iterate({ gte, lt }))).toEqual(expected);
          expect(await collect(store.iterate({ gte, lt, reverse: true }))).toEqual([...expected].reverse());
        },
      ),
      { numRuns: 60 },
    );
  });

  it("throws STORAGE_ERROR_CLOSED after close, and closing twice is harmless", async () => {
    await store.batch([{ type: "put", key: b(1), value: b(1) }]);
    await store.close();
    await store.close();
    for (const attempt of [
      () => store.get(b(1)),
      () => store.getMany([b(1)]),
      () => store.batch([{ type: "put", key: b(2), value: b(2) }]),
      () => collect(store.iterate({})),
    ]) {
      const err = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StorageError);
      expect((err as StorageError).code).toBe("STORAGE_ERROR_CLOSED");
    }
  });
});
