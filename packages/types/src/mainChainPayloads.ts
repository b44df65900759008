import {
  BLS_PUBLIC_KEY_LENGTH,
  BLS_SIGNATURE_LENGTH,
  ECVRF_PROOF_LENGTH,
  ECVRF_PUBLIC_KEY_LENGTH,
} from "@vshard/crypto";
import { MAX_CHAIN_ID } from "./address.ts";
import { amountToWire, expectAmount, expectBytes, expectTuple, expectUint } from "./codec.ts";
import { CodecError } from "./errors.ts";
import { type Header, headerFromTuple, headerToTuple } from "./header.ts";

/**
 * Largest encoded schema a register-chain or update-chain tx may carry: 64 KiB holds a chain with hundreds of
 * shards and dozens of record types (examples/gpu-rental.json encodes to well under 1 KiB), while bounding the work
 * every main-chain node spends decoding and validating one tx. The main chain's `maxTxBytes` must leave room for it
 * plus the tx envelope.
 */
export const MAX_SCHEMA_BYTES = 64 * 1024;

/**
 * Registers the sender as a validator: its BLS key (committee votes, aggregated), the proof that it holds that key's
 * secret (a BLS signature over the key in the proof-of-possession scheme, against rogue-key attacks), its ECVRF key
 * (sortition and epoch seed proofs) and the `deposit` it locks. The codec checks lengths only; the engine checks the
 * key, the proof and the deposit.
 */
export interface RegisterValidatorPayload {
  /** Compressed G1 public key, 48 bytes. */
  blsPublicKey: Uint8Array;
  /** Compressed G2 signature, 96 bytes. */
  blsProofOfPossession: Uint8Array;
  /** ECVRF (edwards25519) public key, 32 bytes. */
  vrfPublicKey: Uint8Array;
  deposit: bigint;
}

/**
 * Registers a worker chain: `schema` is the canonical encoding of its WorkerChainSchema (`encodeSchema`), 1 to
 * `MAX_SCHEMA_BYTES` bytes. The codec checks the length only; the engine decodes and validates the schema.
 */
export interface RegisterChainPayload {
  schema: Uint8Array;
}

/** Replaces worker chain `chainId`'s schema by a new version (the engine checks the update rules). */
export interface UpdateChainPayload {
  /** 1..MAX_CHAIN_ID: chain 0 is the main chain, which no schema describes. */
  chainId: number;
  schema: Uint8Array;
}

/**
 * Anchors a worker shard's block on the main chain: its header with the certificate that finalised it (the engine
 * checks the certificate against the shard's committee).
 */
export interface AnchorPayload {
  header: Header;
}

/** What an epoch proof feeds. Numbers are part of the encoding: a retired number is never reused. */
export enum EpochProofPurpose {
  /** A main-chain producer's VRF proof over `epochSeedAlpha(seed_e, e)`, contributing to seed_{e+1}. */
  Seed = 0,
  /** A validator's VRF proof over `committeeAlpha(seed_e, e)`, ranking it in the committee sortition of epoch e. */
  Sortition = 1,
}

/** Highest `EpochProofPurpose` number. */
const MAX_EPOCH_PROOF_PURPOSE = EpochProofPurpose.Sortition;

/** Publishes the sender's ECVRF proof for `epoch` (the engine verifies it against the registered VRF key). */
export interface EpochProofPayload {
  epoch: number;
  purpose: EpochProofPurpose;
  /** ECVRF proof, 80 bytes. */
  proof: Uint8Array;
}

/** A byte field whose length must lie in `min..max`. */
export function expectBytesWithin(value: unknown, what: string, min: number, max: number): Uint8Array {
  const bytes = expectBytes(value, what);
  if (bytes.length < min || bytes.length > max)
    throw new CodecError(
      { code: "CODEC_ERROR_OUT_OF_RANGE", what },
      `${what}: expected ${min}..${max} bytes, got ${bytes.length}`,
    );
  return bytes;
}

/** Canonical tuple of a register-validator payload: [blsPublicKey, blsProofOfPossession, vrfPublicKey, deposit]. */
export function registerValidatorPayloadToTuple(p: RegisterValidatorPayload): unknown[] {
  return [p.blsPublicKey, p.blsProofOfPossession, p.vrfPublicKey, amountToWire(p.deposit)];
}

/** Reads a register-validator payload from its decoded tuple; every key has its exact length. */
export function registerValidatorPayloadFromTuple(value: unknown, what: string): RegisterValidatorPayload {
  const [blsPublicKey, pop, vrfPublicKey, deposit] = expectTuple(value, 4, what);
  return {
    blsPublicKey: expectBytes(blsPublicKey, `${what}.blsPublicKey`, BLS_PUBLIC_KEY_LENGTH),
    blsProofOfPossession: expectBytes(pop, `${what}.blsProofOfPossession`, BLS_SIGNATURE_LENGTH),
    vrfPublicKey: expectBytes(vrfPublicKey, `${what}.vrfPublicKey`, ECVRF_PUBLIC_KEY_LENGTH),
    deposit: expectAmount(deposit, `${what}.deposit`),
  };
}

/** Canonical tuple of a register-chain payload: [schema bytes]. */
export function registerChainPayloadToTuple(p: RegisterChainPayload): unknown[] {
  return [p.schema];
}

/** Reads a register-chain payload from its decoded tuple. */
export function registerChainPayloadFromTuple(value: unknown, what: string): RegisterChainPayload {
  const [schema] = expectTuple(value, 1, what);
  return { schema: expectBytesWithin(schema, `${what}.schema`, 1, MAX_SCHEMA_BYTES) };
}

/** Canonical tuple of an update-chain payload: [chainId, schema bytes]. */
export function updateChainPayloadToTuple(p: UpdateChainPayload): unknown[] {
  return [p.chainId, p.schema];
}

/** Reads an update-chain payload from its decoded tuple; `chainId` 0 (the main chain) is out of range. */
export function updateChainPayloadFromTuple(value: unknown, what: string): UpdateChainPayload {
  const [chainId, schema] = expectTuple(value, 2, what);
  const id = expectUint(chainId, `${what}.chainId`, MAX_CHAIN_ID);
  if (id === 0)
    throw new CodecError(
      { code: "CODEC_ERROR_OUT_OF_RANGE", what: `${what}.chainId` },
      `${what}.chainId: 0 is outside 1..${MAX_CHAIN_ID} (chain 0 is the main chain)`,
    );
  return { chainId: id, schema: expectBytesWithin(schema, `${what}.schema`, 1, MAX_SCHEMA_BYTES) };
}

/** Canonical tuple of an anchor payload: [header tuple]. */
export function anchorPayloadToTuple(p: AnchorPayload): unknown[] {
  return [headerToTuple(p.header)];
}

/** Reads an anchor payload from its decoded tuple; header errors name `what.header.field`. */
export function anchorPayloadFromTuple(value: unknown, what: string): AnchorPayload {
  const [header] = expectTuple(value, 1, what);
  const at = `${what}.header`;
  try {
    return { header: headerFromTuple(header) };
  } catch (err) {
    if (!(err instanceof CodecError)) throw err;
    const rename = (text: string) => (text.startsWith("header") ? at + text.slice("header".length) : text);
    throw new CodecError({ ...err.type, what: rename(err.type.what) }, rename(err.message));
  }
}

/** Canonical tuple of an epoch-proof payload: [epoch, purpose, proof]. */
export function epochProofPayloadToTuple(p: EpochProofPayload): unknown[] {
  return [p.epoch, p.purpose, p.proof];
}

/** Reads an epoch-proof payload from its decoded tuple. */
export function epochProofPayloadFromTuple(value: unknown, what: string): EpochProofPayload {
  const [epoch, purpose, proof] = expectTuple(value, 3, what);
  return {
    epoch: expectUint(epoch, `${what}.epoch`),
    purpose: expectUint(purpose, `${what}.purpose`, MAX_EPOCH_PROOF_PURPOSE) as EpochProofPurpose,
    proof: expectBytes(proof, `${what}.proof`, ECVRF_PROOF_LENGTH),
  };
}
