import { merkleRoot, sha256 } from "@vshard/crypto";
import { decodeTuple, encodeTuple, expectArray } from "./codec.ts";
import { BODY_CID_LENGTH, type Header, headerFromTuple, headerToTuple } from "./header.ts";
import { type SignedTx, signedTxFromTuple, signedTxToTuple, txHash } from "./tx.ts";

/** A block: header plus body (its transactions in execution order). */
export interface Block {
  header: Header;
  txs: SignedTx[];
}

/** Parent hash of a genesis block. */
export const ZERO_HASH = new Uint8Array(32);
/** CIDv1 prefix: version 1, raw codec (0x55), sha2-256 (0x12), 32-byte digest. */
const CID_V1_RAW_SHA256_PREFIX = new Uint8Array([0x01, 0x55, 0x12, 0x20]);

/** Canonical bytes of a body: [[signed tx tuple, ...]]. */
export function encodeBody(txs: SignedTx[]): Uint8Array {
  return encodeTuple([txs.map(signedTxToTuple)]);
}

/** Decodes a body; malformed bytes throw `CodecError`. */
export function decodeBody(bytes: Uint8Array): SignedTx[] {
  const [txs] = decodeTuple(bytes, 1, "body");
  return expectArray(txs, "body.txs", (v) => signedTxFromTuple(v));
}

/** CIDv1 (raw, sha2-256) bytes of some content. */
export function cidOfBytes(content: Uint8Array): Uint8Array {
  const out = new Uint8Array(BODY_CID_LENGTH);
  out.set(CID_V1_RAW_SHA256_PREFIX, 0);
  out.set(sha256(content), CID_V1_RAW_SHA256_PREFIX.length);
  return out;
}

/** Merkle root over the tx hashes of a body. */
export function txRootOf(txs: SignedTx[]): Uint8Array {
  return merkleRoot(txs.map((s) => txHash(s.tx)));
}

/** Canonical bytes of a whole block: [header tuple, [signed tx tuples]]. */
export function encodeBlock(b: Block): Uint8Array {
  return encodeTuple([headerToTuple(b.header), b.txs.map(signedTxToTuple)]);
}

/** Decodes a block; malformed bytes throw `CodecError`. */
export function decodeBlock(bytes: Uint8Array): Block {
  const [header, txs] = decodeTuple(bytes, 2, "block");
  return { header: headerFromTuple(header), txs: expectArray(txs, "block.txs", (v) => signedTxFromTuple(v)) };
}
