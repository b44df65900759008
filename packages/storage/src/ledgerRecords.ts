import { HASH_LENGTH } from "@vshard/crypto";
import { CodecError, decodeTuple, encodeTuple, expectBytes, expectString, expectUint } from "@vshard/types";
import { compress, decompress } from "zstd-napi";
// The binding is CommonJS with computed exports: Node sees no named exports in it, only the default.
import zstdBinding from "zstd-napi/binding.js";

/** The last committed block of a chain shard. */
export interface ChainHead {
  height: number;
  hash: Uint8Array;
  stateRoot: Uint8Array;
}

/** What an included tx did: 0 ok, 1 aborted (fee charged and nonce consumed, no other change). */
export type TxOutcomeStatus = 0 | 1;

/** The outcome of an included tx as stored: its status, and for an aborted tx a short reason. */
export interface TxOutcomeRecord {
  status: TxOutcomeStatus;
  reason?: string;
}

/** Where a transaction was committed, and what it did. */
export interface TxLocation extends TxOutcomeRecord {
  height: number;
  /** Position of the tx in its block's body. */
  index: number;
  blockHash: Uint8Array;
}

/** Longest abort reason stored. */
export const MAX_ABORT_REASON_LENGTH = 200;

/** Running totals of block-body bytes, before and after compression. */
export interface BodyStats {
  bodyBytesRaw: number;
  bodyBytesStored: number;
}

/** The last state tree whose nodes are all stored: trees of later heights are rebuilt from their accounts. */
export interface StateCheckpoint {
  height: number;
  root: Uint8Array;
}

/** Canonical bytes of a state checkpoint: [height, root]. */
export function encodeStateCheckpoint(c: StateCheckpoint): Uint8Array {
  return encodeTuple([c.height, c.root]);
}

/** Reads a state checkpoint; malformed bytes throw `CodecError`. */
export function decodeStateCheckpoint(bytes: Uint8Array): StateCheckpoint {
  const [height, root] = decodeTuple(bytes, 2, "stateCheckpoint");
  return {
    height: expectUint(height, "stateCheckpoint.height"),
    root: expectBytes(root, "stateCheckpoint.root", HASH_LENGTH),
  };
}

/** Canonical bytes of a chain head: [height, hash, stateRoot]. */
export function encodeChainHead(head: ChainHead): Uint8Array {
  return encodeTuple([head.height, head.hash, head.stateRoot]);
}

/** Reads a chain head; malformed bytes throw `CodecError`. */
export function decodeChainHead(bytes: Uint8Array): ChainHead {
  const [height, hash, stateRoot] = decodeTuple(bytes, 3, "chainHead");
  return {
    height: expectUint(height, "chainHead.height"),
    hash: expectBytes(hash, "chainHead.hash", HASH_LENGTH),
    stateRoot: expectBytes(stateRoot, "chainHead.stateRoot", HASH_LENGTH),
  };
}

/** Canonical bytes of a tx location: [height, index, blockHash, status, reason ("" unless aborted)]. */
export function encodeTxLocation(loc: TxLocation): Uint8Array {
  return encodeTuple([loc.height, loc.index, loc.blockHash, loc.status, loc.reason ?? ""]);
}

/** Reads a tx location; malformed bytes (an ok tx with a reason among them) throw `CodecError`. */
export function decodeTxLocation(bytes: Uint8Array): TxLocation {
  const [height, index, blockHash, status, reason] = decodeTuple(bytes, 5, "txLocation");
  const loc: TxLocation = {
    height: expectUint(height, "txLocation.height"),
    index: expectUint(index, "txLocation.index"),
    blockHash: expectBytes(blockHash, "txLocation.blockHash", HASH_LENGTH),
    status: expectUint(status, "txLocation.status", 1) as TxOutcomeStatus,
  };
  const text = expectString(reason, "txLocation.reason", MAX_ABORT_REASON_LENGTH);
  if (loc.status === 1) loc.reason = text;
  else if (text !== "")
    throw new CodecError(
      { code: "CODEC_ERROR_OUT_OF_RANGE", what: "txLocation.reason" },
      "txLocation.reason: an ok tx has no abort reason",
    );
  return loc;
}

/** Canonical bytes of the body totals: [bodyBytesRaw, bodyBytesStored]. */
export function encodeBodyStats(stats: BodyStats): Uint8Array {
  return encodeTuple([stats.bodyBytesRaw, stats.bodyBytesStored]);
}

/** Reads the body totals; malformed bytes throw `CodecError`. */
export function decodeBodyStats(bytes: Uint8Array): BodyStats {
  const [raw, stored] = decodeTuple(bytes, 2, "bodyStats");
  return {
    bodyBytesRaw: expectUint(raw, "bodyStats.bodyBytesRaw"),
    bodyBytesStored: expectUint(stored, "bodyStats.bodyBytesStored"),
  };
}

/** zstd-compresses encoded body bytes at `level`. */
export function compressBody(raw: Uint8Array, level: number): Uint8Array {
  const out = compress(raw, { compressionLevel: level });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Decompresses bytes from outside that must be one zstd frame declaring exactly `length` bytes of content, checked
 * before anything is allocated (zstd allocates what the frame declares: a lying frame could ask for gigabytes).
 */
export function decompressExact(packed: Uint8Array, length: number): Uint8Array {
  if (zstdBinding.findFrameCompressedSize(packed) !== packed.length)
    throw new RangeError("not exactly one zstd frame");
  const declared = zstdBinding.getFrameContentSize(packed);
  if (declared !== length)
    throw new RangeError(`the frame declares ${declared ?? "no"} content size, expected ${length}`);
  return decompressBody(packed);
}

/** Inverse of `compressBody`; a damaged frame throws. */
export function decompressBody(stored: Uint8Array): Uint8Array {
  const out = decompress(stored);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
