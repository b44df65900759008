import { ED25519_PUBLIC_KEY_LENGTH, sha256 } from "@vshard/crypto";
import { MAX_CHAIN_ID, MAX_SHARD_ID } from "./address.ts";
import { decodeTuple, encodeTuple, expectBytes, expectTuple, expectUint } from "./codec.ts";

/** A block header. Its hash covers every field but `certificate`, which signs that hash. */
export interface Header {
  chainId: number;
  shard: number;
  height: number;
  parentHash: Uint8Array;
  stateRoot: Uint8Array;
  txRoot: Uint8Array;
  receiptRoot: Uint8Array;
  /** CIDv1 (raw codec, sha2-256) of the encoded body: the address the DLFS stores it under. */
  bodyCid: Uint8Array;
  /** ed25519 public key of the proposer. */
  proposer: Uint8Array;
  /** Proposal time, milliseconds since the Unix epoch. */
  time: number;
  epoch: number;
  /** Consensus certificate, in the format of the chain's plugin (empty before finality). */
  certificate: Uint8Array;
}

/** Byte length of a body CID: version, codec, multihash code, digest length, digest. */
export const BODY_CID_LENGTH = 36;

function headerFieldsToTuple(h: Header): unknown[] {
  return [
    h.chainId,
    h.shard,
    h.height,
    h.parentHash,
    h.stateRoot,
    h.txRoot,
    h.receiptRoot,
    h.bodyCid,
    h.proposer,
    h.time,
    h.epoch,
  ];
}

/** Canonical tuple: the hashed fields, then the certificate. */
export function headerToTuple(h: Header): unknown[] {
  return [...headerFieldsToTuple(h), h.certificate];
}

/** Reads a header from its decoded tuple. */
export function headerFromTuple(value: unknown): Header {
  const f = expectTuple(value, 12, "header");
  return {
    chainId: expectUint(f[0], "header.chainId", MAX_CHAIN_ID),
    shard: expectUint(f[1], "header.shard", MAX_SHARD_ID),
    height: expectUint(f[2], "header.height"),
    parentHash: expectBytes(f[3], "header.parentHash", 32),
    stateRoot: expectBytes(f[4], "header.stateRoot", 32),
    txRoot: expectBytes(f[5], "header.txRoot", 32),
    receiptRoot: expectBytes(f[6], "header.receiptRoot", 32),
    bodyCid: expectBytes(f[7], "header.bodyCid", BODY_CID_LENGTH),
    proposer: expectBytes(f[8], "header.proposer", ED25519_PUBLIC_KEY_LENGTH),
    time: expectUint(f[9], "header.time"),
    epoch: expectUint(f[10], "header.epoch"),
    certificate: expectBytes(f[11], "header.certificate"),
  };
}

/** Canonical bytes of a header, certificate included. */
export function encodeHeader(h: Header): Uint8Array {
  return encodeTuple(headerToTuple(h));
}

/** Decodes a header; malformed bytes throw `CodecError`. */
export function decodeHeader(bytes: Uint8Array): Header {
  return headerFromTuple(decodeTuple(bytes, 12, "header"));
}

/** The block id: sha256 over the header's fields without the certificate. */
export function headerHash(h: Header): Uint8Array {
  return sha256(encodeTuple(headerFieldsToTuple(h)));
}
