import { merkleRoot } from "@vshard/crypto";
import { decodeTuple, encodeTuple, expectArray } from "./codec.ts";
import { type Header, headerFromTuple, headerToTuple } from "./header.ts";
import { type SignedTx, signedTxFromTuple, signedTxToTuple, txHash } from "./tx.ts";

/** A block: header plus body (its transactions in execution order). */
export interface Block {
  header: Header;
  txs: SignedTx[];
}

/** Parent hash of a genesis block. */
export const ZERO_HASH = new Uint8Array(32);

/** Canonical bytes of a body: [[signed tx tuple, ...]]. */
export function encodeBody(txs: SignedTx[]): Uint8Array {
  return encodeTuple([txs.map(signedTxToTuple)]);
}

/** Decodes a body; malformed bytes throw `CodecError`. */
export function decodeBody(bytes: Uint8Array): SignedTx[] {
  const [txs] = decodeTuple(bytes, 1, "body");
  return expectArray(txs, "body.txs", (v) => signedTxFromTuple(v));
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
