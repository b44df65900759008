import { bytesToHex, SeededRandom } from "@vshard/crypto";
import { expect } from "vitest";
import {
  type ChunkStore,
  type ChunkStoreTotals,
  type DlfsObjectKind,
  dlfsObjectKey,
} from "../../src/dlfs/chunkStore.ts";
import { DlfsError } from "../../src/dlfs/dlfsError.ts";
import { decodeManifest } from "../../src/dlfs/manifest.ts";
import { packBody } from "../../src/dlfs/packBody.ts";
import type { KvStore } from "../../src/kvStore.ts";

/** One DLFS object as a test puts it. */
export interface StoredObject {
  cid: Uint8Array;
  bytes: Uint8Array;
  kind: DlfsObjectKind;
}

/** `length` bytes of seeded noise: zstd cannot shrink them, so a body of n KiB packs into about n chunks of 1 KiB. */
function noise(seed: number, length: number): Uint8Array {
  const rng = new SeededRandom(seed);
  return Uint8Array.from({ length }, () => rng.nextUint32() & 0xff);
}

/** The objects of a packed body: its chunks, then its manifest. */
function objectsOf(body: Uint8Array, codec: "zstd" | "none" = "zstd"): StoredObject[] {
  const packed = packBody(body, { codec, level: 3, chunkSize: 1024 });
  return [
    ...packed.chunks.map((c) => ({ ...c, kind: "chunk" as const })),
    // A plain copy: the codec gives the manifest as a Buffer, which `toEqual` tells apart from what the store reads.
    {
      cid: packed.manifestObject.cid,
      bytes: Uint8Array.from(packed.manifestObject.bytes),
      kind: "manifest" as const,
    },
  ];
}

/**
 * Four bodies (two noise, one repetitive, one empty and uncompressed): 12 distinct objects, 4 of them manifests, one
 * of them (the empty body's chunk) empty.
 */
export const POOL: StoredObject[] = [
  ...objectsOf(noise(1, 3000)),
  ...objectsOf(noise(2, 2500), "none"),
  ...objectsOf(new Uint8Array(5000).fill(9)),
  ...objectsOf(new Uint8Array(0), "none"),
];

/** The empty chunk of POOL. */
export const EMPTY_CHUNK: StoredObject = POOL.find((o) => o.bytes.length === 0)!;

/** Totals as they must be for exactly `objects` held. */
export function totalsOf(objects: Iterable<StoredObject>): ChunkStoreTotals {
  const t: ChunkStoreTotals = { objects: 0, bytes: 0, manifests: 0, bodyBytes: 0, packedBytes: 0 };
  for (const o of objects) {
    t.objects++;
    t.bytes += o.bytes.length;
    if (o.kind !== "manifest") continue;
    const m = decodeManifest(o.bytes);
    t.manifests++;
    t.bodyBytes += m.bodyLength;
    t.packedBytes += m.packedLength;
  }
  return t;
}

/** Overwrites an object's bytes on disk behind the store's back, as a failing disk would (stored raw, as put does). */
export async function damage(kv: KvStore, o: StoredObject, bytes: Uint8Array): Promise<void> {
  await kv.batch([{ type: "put", key: dlfsObjectKey(o.cid), value: bytes }]);
}

/** Drops an object's bytes behind the store's back, leaving what the store counted for it. */
export async function lose(kv: KvStore, o: StoredObject): Promise<void> {
  await kv.batch([{ type: "del", key: dlfsObjectKey(o.cid) }]);
}

/** A copy of `bytes` with one bit flipped. */
export function flipped(bytes: Uint8Array, at = 0): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[at] ^= 0x01;
  return out;
}

/** The DlfsError a call fails with, whether it throws or rejects. */
export async function failure(fn: () => Promise<unknown>): Promise<DlfsError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DlfsError);
    return err as DlfsError;
  }
  throw new Error("expected a DlfsError, the call succeeded");
}

/** What `list` yields, CIDs as hex. */
export async function listed(store: ChunkStore): Promise<{ cid: string; kind: DlfsObjectKind }[]> {
  const out: { cid: string; kind: DlfsObjectKind }[] = [];
  for await (const { cid, kind } of store.list()) out.push({ cid: bytesToHex(cid), kind });
  return out;
}

/** Puts every object, each expected to be new. */
export async function putAll(store: ChunkStore, objects: StoredObject[]): Promise<void> {
  for (const o of objects) expect(await store.put(o.cid, o.bytes, o.kind)).toBe("stored");
}
