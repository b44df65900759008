import {
  BLS_PUBLIC_KEY_LENGTH,
  ECVRF_PROOF_LENGTH,
  ECVRF_PUBLIC_KEY_LENGTH,
  ED25519_PUBLIC_KEY_LENGTH,
} from "@vshard/crypto";
import {
  amountToWire,
  CodecError,
  decodeTuple,
  encodeTuple,
  expectAmount,
  expectArray,
  expectBytes,
  expectBytesWithin,
  expectString,
  expectUint,
  MAX_CHAIN_ID,
  MAX_SCHEMA_BYTES,
  MAX_SCHEMA_VERSION,
} from "@vshard/types";

/**
 * The main chain's registry records, each the canonical tuple encoding of its entry (fixed field order, like the
 * types package's codecs). Decoding anything else throws `CodecError` naming the field.
 */

/** A registered validator (ns Validator, id: its ed25519 public key). */
export interface ValidatorEntry {
  publicKey: Uint8Array;
  /** Compressed BLS12-381 G1 key, 48 bytes (its proof of possession was checked at registration). */
  blsPublicKey: Uint8Array;
  /** ECVRF key, 32 bytes (sortition and seed proofs). */
  vrfPublicKey: Uint8Array;
  /** Locked at registration (part of the validator's stake). */
  deposit: bigint;
  /** Main height of the registration (0: genesis). */
  registeredHeight: number;
}

/** Canonical bytes of a validator entry: [publicKey, blsPublicKey, vrfPublicKey, deposit, registeredHeight]. */
export function encodeValidatorEntry(v: ValidatorEntry): Uint8Array {
  return encodeTuple([
    v.publicKey,
    v.blsPublicKey,
    v.vrfPublicKey,
    amountToWire(v.deposit),
    v.registeredHeight,
  ]);
}

/** Decodes a validator entry. */
export function decodeValidatorEntry(bytes: Uint8Array): ValidatorEntry {
  const [publicKey, bls, vrf, deposit, height] = decodeTuple(bytes, 5, "validator");
  return {
    publicKey: expectBytes(publicKey, "validator.publicKey", ED25519_PUBLIC_KEY_LENGTH),
    blsPublicKey: expectBytes(bls, "validator.blsPublicKey", BLS_PUBLIC_KEY_LENGTH),
    vrfPublicKey: expectBytes(vrf, "validator.vrfPublicKey", ECVRF_PUBLIC_KEY_LENGTH),
    deposit: expectAmount(deposit, "validator.deposit"),
    registeredHeight: expectUint(height, "validator.registeredHeight"),
  };
}

/** A registered worker chain (ns Chain, id: u32be(chainId)). */
export interface ChainEntry {
  chainId: number;
  name: string;
  /** ed25519 public key of the account that registered it: the only one that may update it. */
  owner: Uint8Array;
  /** The schema in force, canonically encoded (`encodeSchema`). */
  schema: Uint8Array;
  /** sha256 of `schema` (`schemaHash`). */
  schemaHash: Uint8Array;
  version: number;
  /** Main height at which shard i was added (registration or the update that appended it). */
  shardsAddedAt: number[];
  registeredHeight: number;
  updatedHeight: number;
}

/**
 * Canonical bytes of a chain entry: [chainId, name, owner, schema, schemaHash, version, shardsAddedAt,
 * registeredHeight, updatedHeight].
 */
export function encodeChainEntry(c: ChainEntry): Uint8Array {
  return encodeTuple([
    c.chainId,
    c.name,
    c.owner,
    c.schema,
    c.schemaHash,
    c.version,
    c.shardsAddedAt,
    c.registeredHeight,
    c.updatedHeight,
  ]);
}

/** Decodes a chain entry. */
export function decodeChainEntry(bytes: Uint8Array): ChainEntry {
  const f = decodeTuple(bytes, 9, "chain");
  return {
    chainId: expectUint(f[0], "chain.chainId", MAX_CHAIN_ID),
    name: expectString(f[1], "chain.name", 40),
    owner: expectBytes(f[2], "chain.owner", ED25519_PUBLIC_KEY_LENGTH),
    schema: expectBytesWithin(f[3], "chain.schema", 1, MAX_SCHEMA_BYTES),
    schemaHash: expectBytes(f[4], "chain.schemaHash", 32),
    version: expectUint(f[5], "chain.version", MAX_SCHEMA_VERSION),
    shardsAddedAt: expectArray(f[6], "chain.shardsAddedAt", (v, what) => expectUint(v, what)),
    registeredHeight: expectUint(f[7], "chain.registeredHeight"),
    updatedHeight: expectUint(f[8], "chain.updatedHeight"),
  };
}

/** The highest header anchored for a worker shard (ns AnchorHead); lower heights may be anchored after it. */
export interface AnchorHeadEntry {
  height: number;
  /** `headerHash` of that header. */
  hash: Uint8Array;
}

/** Canonical bytes of an anchor head: [height, hash]. */
export function encodeAnchorHeadEntry(a: AnchorHeadEntry): Uint8Array {
  return encodeTuple([a.height, a.hash]);
}

/** Decodes an anchor head. */
export function decodeAnchorHeadEntry(bytes: Uint8Array): AnchorHeadEntry {
  const [height, hash] = decodeTuple(bytes, 2, "anchorHead");
  return { height: expectUint(height, "anchorHead.height"), hash: expectBytes(hash, "anchorHead.hash", 32) };
}

/** A worker shard header anchored on the main chain (ns AnchoredHeader): what relays check receipts against. */
export interface AnchoredHeaderEntry {
  hash: Uint8Array;
  stateRoot: Uint8Array;
  receiptRoot: Uint8Array;
  /** The header's epoch (whose committee certified it). */
  epoch: number;
  /** Main height of the block that anchored it. */
  anchoredAt: number;
}

/** Canonical bytes of an anchored header: [hash, stateRoot, receiptRoot, epoch, anchoredAt]. */
export function encodeAnchoredHeaderEntry(a: AnchoredHeaderEntry): Uint8Array {
  return encodeTuple([a.hash, a.stateRoot, a.receiptRoot, a.epoch, a.anchoredAt]);
}

/** Decodes an anchored header. */
export function decodeAnchoredHeaderEntry(bytes: Uint8Array): AnchoredHeaderEntry {
  const [hash, stateRoot, receiptRoot, epoch, anchoredAt] = decodeTuple(bytes, 5, "anchoredHeader");
  return {
    hash: expectBytes(hash, "anchoredHeader.hash", 32),
    stateRoot: expectBytes(stateRoot, "anchoredHeader.stateRoot", 32),
    receiptRoot: expectBytes(receiptRoot, "anchoredHeader.receiptRoot", 32),
    epoch: expectUint(epoch, "anchoredHeader.epoch"),
    anchoredAt: expectUint(anchoredAt, "anchoredHeader.anchoredAt"),
  };
}

/** A validator's epoch proof as published (ns EpochProof; the id names epoch, purpose and validator). */
export interface EpochProofEntry {
  /** ECVRF proof, 80 bytes (not verified on entry: the epoch tracker verifies it). */
  proof: Uint8Array;
  /** Main height of the block that published it (0: genesis). */
  height: number;
}

/** Canonical bytes of an epoch proof: [proof, height]. */
export function encodeEpochProofEntry(e: EpochProofEntry): Uint8Array {
  return encodeTuple([e.proof, e.height]);
}

/** Decodes an epoch proof. */
export function decodeEpochProofEntry(bytes: Uint8Array): EpochProofEntry {
  const [proof, height] = decodeTuple(bytes, 2, "epochProof");
  return {
    proof: expectBytes(proof, "epochProof.proof", ECVRF_PROOF_LENGTH),
    height: expectUint(height, "epochProof.height"),
  };
}

/** Reads a ChainName or Counter value (a uint32 written by `u32be`); anything but 4 bytes is a `CodecError`. */
export function decodeU32Value(bytes: Uint8Array, what: string): number {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 4)
    throw new CodecError(
      { code: "CODEC_ERROR_OUT_OF_RANGE", what },
      `${what}: expected 4 bytes (a big-endian uint32), got ${bytes instanceof Uint8Array ? bytes.length : typeof bytes}`,
    );
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
}
