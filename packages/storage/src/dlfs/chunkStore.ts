import { concatBytes } from "@vshard/crypto";
import { decodeTuple, encodeTuple, expectUint } from "@vshard/types";
import { Bucket, MetaKey, prefixUpperBound } from "../buckets.ts";
import type { KvOp, KvStore } from "../kvStore.ts";
import { cidMatches, expectCidMatch } from "./cid.ts";
import { decodeManifest } from "./manifest.ts";

/** What an object is: a chunk of packed body bytes, or a body manifest (checked to decode before it is stored). */
export type DlfsObjectKind = "chunk" | "manifest";

/** A replica's state as its holder sees it: stored and matching its CID, stored but damaged, or not stored. */
export type ReplicaHealth = "healthy" | "corrupt" | "missing";

/** Running totals of a chunk store; body figures come from the manifests it holds. */
export interface ChunkStoreTotals {
  objects: number;
  bytes: number;
  manifests: number;
  /** Σ bodyLength over the manifests held. */
  bodyBytes: number;
  /** Σ packedLength over the manifests held. */
  packedBytes: number;
}

/** What was counted for one object when it was stored, kept apart from its bytes so that damage cannot skew it. */
interface ObjectMeta {
  kind: DlfsObjectKind;
  length: number;
  bodyLength: number;
  packedLength: number;
}

const ZERO_TOTALS: ChunkStoreTotals = { objects: 0, bytes: 0, manifests: 0, bodyBytes: 0, packedBytes: 0 };
const TOTALS_KEY = Uint8Array.of(Bucket.Meta, MetaKey.DlfsTotals);
const META_PREFIX = Uint8Array.of(Bucket.DlfsObjectMeta);

/** The store key of an object's bytes. */
export function dlfsObjectKey(cid: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(Bucket.DlfsObject), cid);
}

function metaKey(cid: Uint8Array): Uint8Array {
  return concatBytes(META_PREFIX, cid);
}

function encodeMeta(m: ObjectMeta): Uint8Array {
  return encodeTuple([m.kind === "manifest" ? 1 : 0, m.length, m.bodyLength, m.packedLength]);
}

function decodeMeta(bytes: Uint8Array): ObjectMeta {
  const [kind, length, bodyLength, packedLength] = decodeTuple(bytes, 4, "dlfsObjectMeta");
  return {
    kind: expectUint(kind, "dlfsObjectMeta.kind", 1) === 1 ? "manifest" : "chunk",
    length: expectUint(length, "dlfsObjectMeta.length"),
    bodyLength: expectUint(bodyLength, "dlfsObjectMeta.bodyLength"),
    packedLength: expectUint(packedLength, "dlfsObjectMeta.packedLength"),
  };
}

function encodeTotals(t: ChunkStoreTotals): Uint8Array {
  return encodeTuple([t.objects, t.bytes, t.manifests, t.bodyBytes, t.packedBytes]);
}

function decodeTotals(bytes: Uint8Array): ChunkStoreTotals {
  const f = decodeTuple(bytes, 5, "dlfsTotals").map((v, i) => expectUint(v, `dlfsTotals[${i}]`));
  return { objects: f[0], bytes: f[1], manifests: f[2], bodyBytes: f[3], packedBytes: f[4] };
}

/** `t` with one object's counted figures added (`sign` 1) or taken away (`sign` -1). */
function applyMeta(t: ChunkStoreTotals, m: ObjectMeta, sign: 1 | -1): ChunkStoreTotals {
  const manifest = m.kind === "manifest" ? 1 : 0;
  return {
    objects: t.objects + sign,
    bytes: t.bytes + sign * m.length,
    manifests: t.manifests + sign * manifest,
    bodyBytes: t.bodyBytes + sign * m.bodyLength,
    packedBytes: t.packedBytes + sign * m.packedLength,
  };
}

/**
 * The DLFS objects one storage node holds, over its own `KvStore`. Every put is checked against its CID (a manifest
 * must also decode), so an honest node never stores what it was not asked for; reads return what is on disk, and
 * `health` / `scrub` find what the disk damaged. What each object counted is kept beside it, so the totals stay exact
 * whatever happens to the bytes. Writes run one after another.
 */
export class ChunkStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: KvStore,
    private totals: ChunkStoreTotals,
  ) {}

  static async open(store: KvStore): Promise<ChunkStore> {
    const bytes = await store.get(TOTALS_KEY);
    return new ChunkStore(store, bytes === null ? { ...ZERO_TOTALS } : decodeTotals(bytes));
  }

  /** Stores an object after checking it; `exists` when a healthy copy was already there (nothing written). */
  async put(cid: Uint8Array, bytes: Uint8Array, kind: DlfsObjectKind): Promise<"stored" | "exists"> {
    expectCidMatch(cid, bytes, kind);
    const manifest = kind === "manifest" ? decodeManifest(bytes) : null;
    const meta: ObjectMeta = {
      kind,
      length: bytes.length,
      bodyLength: manifest?.bodyLength ?? 0,
      packedLength: manifest?.packedLength ?? 0,
    };
    return this.serial(async () => {
      const [old, oldMeta] = await this.store.getMany([dlfsObjectKey(cid), metaKey(cid)]);
      if (old !== null && cidMatches(cid, old)) return "exists";
      // Over a damaged copy: the same CID was counted with the same figures, so only the bytes are rewritten.
      const t = oldMeta === null ? applyMeta(this.totals, meta, 1) : this.totals;
      await this.store.batch([
        { type: "put", key: dlfsObjectKey(cid), value: bytes },
        { type: "put", key: metaKey(cid), value: encodeMeta(meta) },
        { type: "put", key: TOTALS_KEY, value: encodeTotals(t) },
      ]);
      this.totals = t;
      return "stored";
    });
  }

  /** The bytes stored under `cid` as they are on disk (unchecked: readers verify), or null. */
  async get(cid: Uint8Array): Promise<{ bytes: Uint8Array; kind: DlfsObjectKind } | null> {
    const [bytes, meta] = await this.store.getMany([dlfsObjectKey(cid), metaKey(cid)]);
    if (bytes === null) return null;
    return { bytes, kind: meta === null ? "chunk" : decodeMeta(meta).kind };
  }

  /** Whether the object is stored and still matches its CID. */
  async health(cid: Uint8Array): Promise<ReplicaHealth> {
    const bytes = await this.store.get(dlfsObjectKey(cid));
    if (bytes === null) return "missing";
    return cidMatches(cid, bytes) ? "healthy" : "corrupt";
  }

  /** Drops an object (no-op when absent). */
  delete(cid: Uint8Array): Promise<void> {
    return this.serial(async () => {
      const meta = await this.store.get(metaKey(cid));
      const ops: KvOp[] = [
        { type: "del", key: dlfsObjectKey(cid) },
        { type: "del", key: metaKey(cid) },
      ];
      const t = meta === null ? this.totals : applyMeta(this.totals, decodeMeta(meta), -1);
      ops.push({ type: "put", key: TOTALS_KEY, value: encodeTotals(t) });
      await this.store.batch(ops);
      this.totals = t;
    });
  }

  /** Every stored object's CID and kind, in CID byte order. */
  async *list(): AsyncIterable<{ cid: Uint8Array; kind: DlfsObjectKind }> {
    const lt = prefixUpperBound(META_PREFIX) ?? undefined;
    for await (const [key, value] of this.store.iterate({ gte: META_PREFIX, ...(lt ? { lt } : {}) }))
      yield { cid: key.subarray(META_PREFIX.length), kind: decodeMeta(value).kind };
  }

  /** Re-checks every object and drops those that no longer match their CID; returns how many were dropped. */
  async scrub(): Promise<number> {
    const damaged: Uint8Array[] = [];
    for await (const { cid } of this.list()) if ((await this.health(cid)) !== "healthy") damaged.push(cid);
    for (const cid of damaged) await this.delete(cid);
    return damaged.length;
  }

  /** Running totals. */
  stats(): ChunkStoreTotals {
    return { ...this.totals };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
