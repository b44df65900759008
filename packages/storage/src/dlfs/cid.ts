import { bytesEqual, sha256 } from "@vshard/crypto";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { create as createDigest } from "multiformats/hashes/digest";
import { DlfsError } from "./dlfsError.ts";

/** Multihash code of sha2-256. */
const SHA2_256 = 0x12;
/** Byte length of a CIDv1, raw codec, sha2-256: version, codec, hash code, digest length (one byte each), digest. */
export const CID_LENGTH = 36;

/** CIDv1 bytes (raw codec, sha2-256) of some content: the address IPFS would give the same bytes. */
export function cidOfBytes(content: Uint8Array): Uint8Array {
  return CID.createV1(raw.code, createDigest(SHA2_256, sha256(content))).bytes;
}

/** Parses CID bytes, refusing anything but a CIDv1 with the raw codec and a 32-byte sha2-256 digest. */
export function parseCid(bytes: Uint8Array): CID {
  let cid: CID;
  try {
    cid = CID.decode(bytes);
  } catch (err) {
    throw new DlfsError({ code: "DLFS_ERROR_BAD_CID" }, `not a CID: ${(err as Error).message}`);
  }
  if (
    cid.version !== 1 ||
    cid.code !== raw.code ||
    cid.multihash.code !== SHA2_256 ||
    cid.multihash.size !== 32
  )
    throw new DlfsError(
      { code: "DLFS_ERROR_BAD_CID", cid: cid.toString() },
      `CID ${cid.toString()} is not CIDv1 raw sha2-256`,
    );
  return cid;
}

/** Parses the text form (base32 `bafk…`, as IPFS prints it). */
export function cidFromString(text: string): Uint8Array {
  let cid: CID;
  try {
    cid = CID.parse(text);
  } catch (err) {
    throw new DlfsError({ code: "DLFS_ERROR_BAD_CID" }, `not a CID: ${text} (${(err as Error).message})`);
  }
  return parseCid(cid.bytes).bytes;
}

/** The base32 text form of CID bytes (`bafkrei…`). */
export function cidToString(cid: Uint8Array): string {
  return CID.decode(cid).toString();
}

/** Whether `content` is what `cid` addresses (false for a CID that is not raw sha2-256). */
export function cidMatches(cid: Uint8Array, content: Uint8Array): boolean {
  return cid.length === CID_LENGTH && bytesEqual(cidOfBytes(content), cid);
}

/** Throws `DLFS_ERROR_CID_MISMATCH` unless `content` is what `cid` addresses. */
export function expectCidMatch(cid: Uint8Array, content: Uint8Array, what: string): void {
  if (!cidMatches(cid, content))
    throw new DlfsError(
      { code: "DLFS_ERROR_CID_MISMATCH", cid: safeCidText(cid) },
      `${what}: content does not match CID ${safeCidText(cid)}`,
    );
}

/** Text form for messages: the CID, or its hex when the bytes are not a CID. */
export function safeCidText(cid: Uint8Array): string {
  try {
    return cidToString(cid);
  } catch {
    return Buffer.from(cid).toString("hex");
  }
}
