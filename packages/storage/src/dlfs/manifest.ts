import { HASH_LENGTH } from "@vshard/crypto";
import { CodecError, decodeTuple, encodeTuple, expectArray, expectBytes, expectUint } from "@vshard/types";
import { CID_LENGTH, parseCid } from "./cid.ts";
import { DlfsError } from "./dlfsError.ts";

/** How a body's bytes were packed before being cut into chunks. */
export type PackCodec = "zstd" | "none";

/**
 * What a body is made of in the DLFS: how it was packed, how long it is before and after, its hash, and the CIDs of
 * its chunks in order. The header's `bodyCid` is the CID of this manifest's canonical bytes, so a reader holding a
 * header can verify the manifest, then each chunk, then the body.
 */
export interface BodyManifest {
  codec: PackCodec;
  /** Length of the canonical body bytes. */
  bodyLength: number;
  /** sha256 of the canonical body bytes. */
  bodyHash: Uint8Array;
  /** Length of the packed bytes: the chunks joined. */
  packedLength: number;
  /** Size of every chunk but the last. */
  chunkSize: number;
  /** CIDv1 (raw, sha2-256) of each chunk, in order. */
  chunks: Uint8Array[];
}

/** Format version written first in a manifest, so a later layout can be told apart. */
const MANIFEST_VERSION = 1;
const CODEC_BYTES: Record<PackCodec, number> = { zstd: 1, none: 0 };
/** Smallest and largest chunk sizes a manifest may name: 1 KiB keeps manifests small, 4 MiB keeps one chunk in one message. */
export const MIN_CHUNK_SIZE = 1024;
export const MAX_CHUNK_SIZE = 4 * 1024 * 1024;

/** Canonical bytes: [version, codec, bodyLength, bodyHash, packedLength, chunkSize, [cid…]]. */
export function encodeManifest(m: BodyManifest): Uint8Array {
  return encodeTuple([
    MANIFEST_VERSION,
    CODEC_BYTES[m.codec],
    m.bodyLength,
    m.bodyHash,
    m.packedLength,
    m.chunkSize,
    m.chunks,
  ]);
}

function badManifest(message: string): DlfsError {
  return new DlfsError({ code: "DLFS_ERROR_BAD_MANIFEST" }, `bad body manifest: ${message}`);
}

/** Reads a manifest and checks that its fields agree; anything else throws `DLFS_ERROR_BAD_MANIFEST`. */
export function decodeManifest(bytes: Uint8Array): BodyManifest {
  let m: BodyManifest;
  try {
    const [version, codec, bodyLength, bodyHash, packedLength, chunkSize, chunks] = decodeTuple(
      bytes,
      7,
      "manifest",
    );
    if (expectUint(version, "manifest.version") !== MANIFEST_VERSION) throw badManifest(`version ${version}`);
    const codecByte = expectUint(codec, "manifest.codec", 1);
    m = {
      codec: codecByte === CODEC_BYTES.zstd ? "zstd" : "none",
      bodyLength: expectUint(bodyLength, "manifest.bodyLength"),
      bodyHash: expectBytes(bodyHash, "manifest.bodyHash", HASH_LENGTH),
      packedLength: expectUint(packedLength, "manifest.packedLength"),
      chunkSize: expectUint(chunkSize, "manifest.chunkSize", MAX_CHUNK_SIZE),
      chunks: expectArray(chunks, "manifest.chunks", (v, what) => expectBytes(v, what, CID_LENGTH)),
    };
  } catch (err) {
    if (err instanceof CodecError) throw badManifest(err.message);
    throw err;
  }
  if (m.chunkSize < MIN_CHUNK_SIZE) throw badManifest(`chunk size ${m.chunkSize} is below ${MIN_CHUNK_SIZE}`);
  if (m.chunks.length !== chunkCountOf(m.packedLength, m.chunkSize))
    throw badManifest(`${m.chunks.length} chunks for ${m.packedLength} bytes in chunks of ${m.chunkSize}`);
  if (m.codec === "none" && m.packedLength !== m.bodyLength)
    throw badManifest("an uncompressed body's packed length differs from its length");
  m.chunks.forEach((cid, i) => {
    try {
      parseCid(cid);
    } catch (err) {
      throw badManifest(`chunk ${i}: ${(err as Error).message}`);
    }
  });
  return m;
}

/** Chunks needed for `length` bytes: at least one, so that even an empty body has an object to fetch. */
export function chunkCountOf(length: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(length / chunkSize));
}

/** The byte range of chunk `index` within the packed bytes. */
export function chunkRange(
  m: Pick<BodyManifest, "packedLength" | "chunkSize">,
  index: number,
): [number, number] {
  const start = index * m.chunkSize;
  return [start, Math.min(start + m.chunkSize, m.packedLength)];
}
