import { bytesToHex } from "@vshard/crypto";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChunkStore } from "../../src/dlfs/chunkStore.ts";
import { LevelKvStore } from "../../src/levelKvStore.ts";
import { MemoryKvStore } from "../../src/memoryKvStore.ts";
import { tempDir } from "../fixtures.ts";
import {
  damage,
  EMPTY_CHUNK,
  flipped,
  listed,
  lose,
  POOL,
  putAll,
  type StoredObject,
  totalsOf,
} from "./chunkStoreHelpers.ts";

const MANIFEST = POOL.find((o) => o.kind === "manifest" && o.bytes.length > 0)!;
/** A chunk of 1 KiB: long enough to flip byte 100 and to truncate. */
const CHUNK = POOL.find((o) => o.kind === "chunk" && o.bytes.length >= 1024)!;

/** Ways a disk can spoil an object's bytes, each giving bytes that no longer match its CID. */
const SPOILS: Record<string, (bytes: Uint8Array) => Uint8Array> = {
  flipped: (b) => (b.length > 0 ? flipped(b, b.length >> 1) : Uint8Array.of(0)),
  truncated: (b) => (b.length > 0 ? b.subarray(0, b.length >> 1) : Uint8Array.of(0)),
  emptied: (b) => (b.length > 0 ? new Uint8Array(0) : Uint8Array.of(0)),
  extended: (b) => Uint8Array.of(...b, 0),
  garbage: () => Uint8Array.of(0xc1),
};

describe("ChunkStore over damaged bytes", () => {
  let kv: MemoryKvStore;
  let store: ChunkStore;
  beforeEach(async () => {
    kv = await MemoryKvStore.create();
    store = await ChunkStore.open(kv);
    await putAll(store, POOL);
  });
  const rest = (victim: StoredObject) => POOL.filter((o) => o !== victim);

  it("finds a damaged object: health corrupt, get returns the damaged bytes, scrub drops it", async () => {
    const damaged = flipped(CHUNK.bytes, 100);
    await damage(kv, CHUNK, damaged);
    expect(await store.health(CHUNK.cid)).toBe("corrupt");
    expect(await store.get(CHUNK.cid)).toEqual({ bytes: damaged, kind: "chunk" });
    expect(store.stats()).toEqual(totalsOf(POOL));
    expect(await store.scrub()).toBe(1);
    expect(await store.health(CHUNK.cid)).toBe("missing");
    expect(await store.get(CHUNK.cid)).toBeNull();
    expect(store.stats()).toEqual(totalsOf(rest(CHUNK)));
    expect(await listed(store)).toHaveLength(POOL.length - 1);
    expect(await store.scrub()).toBe(0);
    for (const o of rest(CHUNK)) expect(await store.health(o.cid)).toBe("healthy");
  });

  it("keeps a damaged manifest's kind: get and list say manifest though its bytes no longer decode", async () => {
    await damage(kv, MANIFEST, Uint8Array.of(0xc1));
    expect(await store.health(MANIFEST.cid)).toBe("corrupt");
    expect(await store.get(MANIFEST.cid)).toEqual({ bytes: Uint8Array.of(0xc1), kind: "manifest" });
    expect(await listed(store)).toContainEqual({ cid: bytesToHex(MANIFEST.cid), kind: "manifest" });
  });

  for (const [name, spoil] of Object.entries(SPOILS))
    for (const victim of [CHUNK, MANIFEST, EMPTY_CHUNK]) {
      const what = victim === EMPTY_CHUNK ? "empty chunk" : victim.kind;
      it(`keeps exact totals when scrub drops a ${name} ${what}`, async () => {
        await damage(kv, victim, spoil(victim.bytes));
        expect(await store.health(victim.cid)).toBe("corrupt");
        expect(store.stats()).toEqual(totalsOf(POOL));
        expect(await store.scrub()).toBe(1);
        expect(store.stats()).toEqual(totalsOf(rest(victim)));
        expect(await store.health(victim.cid)).toBe("missing");
      });
    }

  it("calls an empty value under a non-empty object's key corrupt, and scrub gives its figures back exactly", async () => {
    for (const victim of [CHUNK, MANIFEST]) await damage(kv, victim, new Uint8Array(0));
    for (const victim of [CHUNK, MANIFEST]) {
      expect(await store.health(victim.cid)).toBe("corrupt");
      expect(await store.get(victim.cid)).toEqual({ bytes: new Uint8Array(0), kind: victim.kind });
    }
    expect(await store.scrub()).toBe(2);
    expect(store.stats()).toEqual(totalsOf(POOL.filter((o) => o !== CHUNK && o !== MANIFEST)));
    expect(await store.health(EMPTY_CHUNK.cid)).toBe("healthy");
  });

  it("stores the right bytes over a damaged copy, rewriting only the bytes: totals stay exact", async () => {
    for (const victim of [CHUNK, MANIFEST, EMPTY_CHUNK]) {
      await damage(kv, victim, victim === MANIFEST ? Uint8Array.of(0xc1) : Uint8Array.of(...victim.bytes, 0));
      expect(await store.put(victim.cid, victim.bytes, victim.kind)).toBe("stored");
      expect(await store.health(victim.cid)).toBe("healthy");
      expect(await store.get(victim.cid)).toEqual({ bytes: victim.bytes, kind: victim.kind });
      expect(store.stats()).toEqual(totalsOf(POOL));
      expect(await store.put(victim.cid, victim.bytes, victim.kind)).toBe("exists");
    }
    expect(await store.scrub()).toBe(0);
    expect(store.stats()).toEqual(totalsOf(POOL));
  });

  it("treats bytes lost behind its back as missing: put restores them, scrub forgets them, totals exact", async () => {
    await lose(kv, CHUNK);
    await lose(kv, MANIFEST);
    for (const o of [CHUNK, MANIFEST]) {
      expect(await store.health(o.cid)).toBe("missing");
      expect(await store.get(o.cid)).toBeNull();
    }
    // What was counted stays until the store learns of the loss.
    expect(store.stats()).toEqual(totalsOf(POOL));
    expect(await store.put(CHUNK.cid, CHUNK.bytes, CHUNK.kind)).toBe("stored");
    expect(store.stats()).toEqual(totalsOf(POOL));
    expect(await store.scrub()).toBe(1);
    expect(store.stats()).toEqual(totalsOf(rest(MANIFEST)));
    expect(await listed(store)).not.toContainEqual({ cid: bytesToHex(MANIFEST.cid), kind: "manifest" });
  });

  it("keeps exact totals over any sequence of puts, deletes, damage and scrubs", async () => {
    type Op = ["put" | "delete" | "damage", number, string] | ["scrub"];
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.tuple(
        fc.constantFrom("put" as const, "delete" as const, "damage" as const),
        fc.nat(POOL.length - 1),
        fc.constantFrom(...Object.keys(SPOILS)),
      ),
      fc.constant(["scrub"] as Op),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), async (ops) => {
        const mem = await MemoryKvStore.create();
        const s = await ChunkStore.open(mem);
        const held = new Map<string, StoredObject>();
        const damaged = new Set<string>();
        for (const op of ops) {
          if (op[0] === "scrub") {
            expect(await s.scrub()).toBe(damaged.size);
            for (const key of damaged) held.delete(key);
            damaged.clear();
          } else {
            const [what, i, spoil] = op;
            const o = POOL[i];
            const key = bytesToHex(o.cid);
            if (what === "put") {
              const fresh = !held.has(key) || damaged.has(key);
              expect(await s.put(o.cid, o.bytes, o.kind)).toBe(fresh ? "stored" : "exists");
              held.set(key, o);
              damaged.delete(key);
            } else if (what === "delete") {
              await s.delete(o.cid);
              held.delete(key);
              damaged.delete(key);
            } else if (held.has(key)) {
              await damage(mem, o, SPOILS[spoil](o.bytes));
              damaged.add(key);
            }
            const health = !held.has(key) ? "missing" : damaged.has(key) ? "corrupt" : "healthy";
            expect(await s.health(o.cid)).toBe(health);
          }
          expect(s.stats()).toEqual(totalsOf(held.values()));
        }
        expect((await listed(s)).map((l) => l.cid).sort()).toEqual([...held.keys()].sort());
      }),
      { numRuns: 80 },
    );
  });
});

describe("ChunkStore over damaged bytes in a LevelKvStore", () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  it("finds damage done while closed, and scrub gives back exact totals after a reopen", async () => {
    const first = await LevelKvStore.create({ path: dir.path });
    await putAll(await ChunkStore.open(first), POOL);
    await damage(first, CHUNK, new Uint8Array(0));
    await damage(first, MANIFEST, CHUNK.bytes);
    await first.close();

    const second = await LevelKvStore.create({ path: dir.path });
    try {
      const store = await ChunkStore.open(second);
      expect(store.stats()).toEqual(totalsOf(POOL));
      expect(await store.health(CHUNK.cid)).toBe("corrupt");
      expect(await store.health(MANIFEST.cid)).toBe("corrupt");
      expect(await store.scrub()).toBe(2);
      expect(store.stats()).toEqual(totalsOf(POOL.filter((o) => o !== CHUNK && o !== MANIFEST)));
    } finally {
      await second.close();
    }
  });
});
