import { bytesEqual, sha256 } from "@vshard/crypto";
import { compressBody, decompressExact } from "../ledgerRecords.ts";
import { cidOfBytes, expectCidMatch } from "./cid.ts";
import { DlfsError } from "./dlfsError.ts";
import {
  type BodyManifest,
  chunkCountOf,
  chunkRange,
  encodeManifest,
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  type PackCodec,
} from "./manifest.ts";

/**
 * How a chain packs its bodies for the DLFS. It decides the header's body CID, so every node of a chain must use the
 * same layout (the compression of its schema, the network's chunk size) and the same zstd build (pinned by the lock
 * file): zstd output at one level is deterministic for one library version.
 */
export interface DlfsLayout {
  codec: PackCodec;
  /** zstd level (ignored for `none`). */
  level: number;
  chunkSize: number;
}

/**
 * zstd level 3 (zstd's own default) and 256 KiB chunks: a full block (5,000 transfers, ~0.7 MiB raw; ~1.3× smaller
 * packed, measured 2026-11-22: signatures, keys and recipient addresses do not compress) is three chunks, so a body costs a reader few round trips, and chunks stay far below one message's cap.
 */
export const defaultDlfsLayout: DlfsLayout = { codec: "zstd", level: 3, chunkSize: 256 * 1024 };

/** One DLFS object: content and its CID. */
export interface DlfsObject {
  cid: Uint8Array;
  bytes: Uint8Array;
}

/** A body packed for the DLFS: its manifest (the object the header names) and its chunks. */
export interface PackedBody {
  manifest: BodyManifest;
  /** The manifest as an object: `cid` is the header's `bodyCid`. */
  manifestObject: DlfsObject;
  chunks: DlfsObject[];
}

/** Throws a RangeError unless the layout is one a manifest can describe. */
export function checkDlfsLayout(layout: DlfsLayout): void {
  const { chunkSize } = layout;
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE)
    throw new RangeError(
      `DLFS chunk size must be an integer in ${MIN_CHUNK_SIZE}..${MAX_CHUNK_SIZE}, got ${chunkSize}`,
    );
}

/** Packs canonical body bytes: compress, cut into chunks, address each, describe them in a manifest. */
export function packBody(body: Uint8Array, layout: DlfsLayout): PackedBody {
  const packed = layout.codec === "zstd" ? compressBody(body, layout.level) : body;
  const count = chunkCountOf(packed.length, layout.chunkSize);
  const chunks: DlfsObject[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = packed.subarray(i * layout.chunkSize, Math.min((i + 1) * layout.chunkSize, packed.length));
    chunks.push({ cid: cidOfBytes(bytes), bytes });
  }
  const manifest: BodyManifest = {
    codec: layout.codec,
    bodyLength: body.length,
    bodyHash: sha256(body),
    packedLength: packed.length,
    chunkSize: layout.chunkSize,
    chunks: chunks.map((c) => c.cid),
  };
  const manifestBytes = encodeManifest(manifest);
  return { manifest, manifestObject: { cid: cidOfBytes(manifestBytes), bytes: manifestBytes }, chunks };
}

/** The header's body CID for some body bytes: the CID of their manifest. */
export function bodyCidOf(body: Uint8Array, layout: DlfsLayout): Uint8Array {
  return packBody(body, layout).manifestObject.cid;
}

/**
 * Joins chunks fetched for a manifest back into the canonical body bytes, verifying each chunk against its CID, then
 * the body against the manifest's length and hash. `maxBodyBytes` bounds what a lying manifest can make us allocate.
 */
export function unpackBody(manifest: BodyManifest, chunks: Uint8Array[], maxBodyBytes: number): Uint8Array {
  if (chunks.length !== manifest.chunks.length)
    throw mismatch(`${chunks.length} chunks given, the manifest lists ${manifest.chunks.length}`);
  if (manifest.bodyLength > maxBodyBytes || manifest.packedLength > maxBodyBytes + 1024)
    throw mismatch(`the manifest describes ${manifest.bodyLength} bytes, more than ${maxBodyBytes}`);
  const packed = new Uint8Array(manifest.packedLength);
  chunks.forEach((bytes, i) => {
    expectCidMatch(manifest.chunks[i], bytes, `chunk ${i}`);
    const [start, end] = chunkRange(manifest, i);
    if (bytes.length !== end - start)
      throw mismatch(`chunk ${i} is ${bytes.length} bytes, expected ${end - start}`);
    packed.set(bytes, start);
  });
  let body: Uint8Array;
  try {
    body = manifest.codec === "zstd" ? decompressExact(packed, manifest.bodyLength) : packed;
  } catch (err) {
    throw mismatch(`the chunks do not decompress: ${(err as Error).message}`);
  }
  if (body.length !== manifest.bodyLength || !bytesEqual(sha256(body), manifest.bodyHash))
    throw mismatch("the unpacked body does not match the manifest's length and hash");
  return body;
}

function mismatch(message: string): DlfsError {
  return new DlfsError({ code: "DLFS_ERROR_BODY_MISMATCH" }, `body does not unpack: ${message}`);
}
