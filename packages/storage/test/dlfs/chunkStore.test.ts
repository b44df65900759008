import { bytesToHex, concatBytes } from "@vshard/crypto";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Bucket } from "../../src/buckets.ts";
import { ChunkStore, dlfsObjectKey } from "../../src/dlfs/chunkStore.ts";
import { cidOfBytes } from "../../src/dlfs/cid.ts";
import { DlfsError } from "../../src/dlfs/dlfsError.ts";
import { LevelKvStore } from "../../src/levelKvStore.ts";
import { MemoryKvStore } from "../../src/memoryKvStore.ts";
import { tempDir } from "../fixtures.ts";
import {
  EMPTY_CHUNK,
  failure,
  flipped,
  listed,
  POOL,
  putAll,
  type StoredObject,
  totalsOf,
} from "./chunkStoreHelpers.ts";

describe("ChunkStore over MemoryKvStore", () => {
  let kv: MemoryKvStore;
  let store: ChunkStore;
  beforeEach(async () => {
    kv = await MemoryKvStore.create();
    store = await ChunkStore.open(kv);
  });

  it("stores what matches its CID and returns it with its kind", async () => {
    await putAll(store, POOL);
    for (const o of POOL) {
      expect(await store.get(o.cid)).toEqual({ bytes: o.bytes, kind: o.kind });
      expect(await store.health(o.cid)).toBe("healthy");
    }
    expect(store.stats()).toEqual(totalsOf(POOL));
    expect(store.stats().manifests).toBe(4);
  });

  it("keeps an object's bytes raw under dlfsObjectKey(cid), what it counted under its own bucket", async () => {
    await putAll(store, POOL);
    for (const o of POOL) {
      expect(await kv.get(dlfsObjectKey(o.cid))).toEqual(o.bytes);
      expect(await kv.get(concatBytes(Uint8Array.of(Bucket.DlfsObjectMeta), o.cid))).not.toBeNull();
    }
    expect(dlfsObjectKey(POOL[0].cid)).toEqual(concatBytes(Uint8Array.of(Bucket.DlfsObject), POOL[0].cid));
    // The empty chunk is an empty value, which is its content: healthy.
    expect(await kv.get(dlfsObjectKey(EMPTY_CHUNK.cid))).toEqual(new Uint8Array(0));
    expect(await store.health(EMPTY_CHUNK.cid)).toBe("healthy");
  });

  it("refuses content that does not match its CID with DLFS_ERROR_CID_MISMATCH and stores nothing", async () => {
    const [a, b] = POOL;
    for (const kind of ["chunk", "manifest"] as const) {
      const err = await failure(() => store.put(a.cid, flipped(a.bytes), kind));
      expect(err.code).toBe("DLFS_ERROR_CID_MISMATCH");
      expect(await failure(() => store.put(a.cid, b.bytes, kind))).toHaveProperty(
        "code",
        "DLFS_ERROR_CID_MISMATCH",
      );
    }
    expect(kv.size).toBe(0);
    expect(await store.get(a.cid)).toBeNull();
    expect(store.stats()).toEqual(totalsOf([]));
  });

  it("refuses a manifest put whose bytes do not decode as a manifest with DLFS_ERROR_BAD_MANIFEST", async () => {
    const chunk = POOL[0];
    const err = await failure(() => store.put(chunk.cid, chunk.bytes, "manifest"));
    expect(err.code).toBe("DLFS_ERROR_BAD_MANIFEST");
    expect(kv.size).toBe(0);
    // The same bytes as a chunk are fine: chunks are opaque.
    expect(await store.put(chunk.cid, chunk.bytes, "chunk")).toBe("stored");
  });

  it("reports a refused put through the returned promise, not a synchronous throw", async () => {
    const [a] = POOL;
    const results: Promise<unknown>[] = [];
    expect(() => {
      results.push(store.put(a.cid, flipped(a.bytes), "chunk"));
      results.push(store.put(a.cid, a.bytes, "manifest"));
    }).not.toThrow();
    await expect(results[0]).rejects.toBeInstanceOf(DlfsError);
    await expect(results[0]).rejects.toHaveProperty("code", "DLFS_ERROR_CID_MISMATCH");
    await expect(results[1]).rejects.toHaveProperty("code", "DLFS_ERROR_BAD_MANIFEST");
    // A refusal does not stall the writes queued behind it.
    expect(await store.put(a.cid, a.bytes, a.kind)).toBe("stored");
  });

  it("answers exists for an object already held, without writing or counting it twice", async () => {
    const o = POOL[0];
    expect(await store.put(o.cid, o.bytes, o.kind)).toBe("stored");
    expect(await store.put(o.cid, Uint8Array.from(o.bytes), o.kind)).toBe("exists");
    expect(store.stats()).toEqual(totalsOf([o]));
    // Concurrent puts of one object: one stores, the others find it.
    const m = POOL[POOL.length - 1];
    const results = await Promise.all([1, 2, 3].map(() => store.put(m.cid, m.bytes, m.kind)));
    expect(results.sort()).toEqual(["exists", "exists", "stored"]);
    expect(store.stats()).toEqual(totalsOf([o, m]));
  });

  it("keeps exact totals over any sequence of puts and deletes, some concurrent", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.boolean(), fc.nat(POOL.length - 1), fc.boolean()), { maxLength: 40 }),
        async (ops) => {
          const s = await ChunkStore.open(await MemoryKvStore.create());
          const held = new Map<string, StoredObject>();
          let pending: Promise<unknown>[] = [];
          for (const [isPut, i, concurrent] of ops) {
            const o = POOL[i];
            const key = bytesToHex(o.cid);
            // Writes run in call order, so the model can follow them without waiting.
            if (isPut) {
              const expected = held.has(key) ? "exists" : "stored";
              pending.push(s.put(o.cid, o.bytes, o.kind).then((r) => expect(r).toBe(expected)));
              held.set(key, o);
            } else {
              pending.push(s.delete(o.cid));
              held.delete(key);
            }
            if (concurrent) continue;
            await Promise.all(pending);
            pending = [];
            if (!isPut) expect(await s.health(o.cid)).toBe("missing");
            expect(s.stats()).toEqual(totalsOf(held.values()));
          }
          await Promise.all(pending);
          expect(s.stats()).toEqual(totalsOf(held.values()));
          expect((await listed(s)).map((l) => l.cid).sort()).toEqual([...held.keys()].sort());
        },
      ),
      { numRuns: 60 },
    );
  });

  it("lists every CID with its kind, in CID byte order", async () => {
    expect(await listed(store)).toEqual([]);
    await putAll(store, POOL);
    const expected = POOL.map((o) => ({ cid: bytesToHex(o.cid), kind: o.kind })).sort((x, y) =>
      x.cid < y.cid ? -1 : 1,
    );
    expect(await listed(store)).toEqual(expected);
  });

  it("deleting an object that is not there changes nothing", async () => {
    await putAll(store, POOL.slice(0, 2));
    await store.delete(cidOfBytes(Uint8Array.of(1, 2, 3)));
    expect(store.stats()).toEqual(totalsOf(POOL.slice(0, 2)));
  });
});

describe("ChunkStore over LevelKvStore", () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  it("keeps objects and totals across close and reopen", async () => {
    const first = await LevelKvStore.create({ path: dir.path });
    const store = await ChunkStore.open(first);
    await putAll(store, POOL);
    await store.delete(POOL[2].cid);
    const held = POOL.filter((o) => o !== POOL[2]);
    expect(store.stats()).toEqual(totalsOf(held));
    await first.close();

    const second = await LevelKvStore.create({ path: dir.path });
    try {
      const reopened = await ChunkStore.open(second);
      expect(reopened.stats()).toEqual(totalsOf(held));
      for (const o of held) expect(await reopened.get(o.cid)).toEqual({ bytes: o.bytes, kind: o.kind });
      expect(await reopened.health(POOL[2].cid)).toBe("missing");
      expect(await reopened.health(EMPTY_CHUNK.cid)).toBe("healthy");
      expect((await listed(reopened)).length).toBe(held.length);
      expect(await reopened.put(POOL[0].cid, POOL[0].bytes, POOL[0].kind)).toBe("exists");
    } finally {
      await second.close();
    }
  });
});
