import { randomBytes } from "node:crypto";
import {
  aggregatePublicKeys,
  aggregateSignatures,
  aggregateVerify,
  PublicKey,
  SecretKey,
  Signature,
  verify,
  verifyMultipleAggregateSignatures,
} from "@chainsafe/blst";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { bytesToHex } from "./bytes.ts";

// BLS12-381 in Ethereum's proof-of-possession scheme (min-pubkey-size: 48-byte G1 keys, 96-byte G2
// signatures) on blst. Keys and signatures are checked (length, curve, subgroup, not infinity) when
// read from bytes; every verify answers `false` for malformed input instead of throwing.

/** Length of a BLS secret key (a scalar, big-endian). */
export const BLS_SECRET_KEY_LENGTH = 32;
/** Length of a compressed G1 public key. */
export const BLS_PUBLIC_KEY_LENGTH = 48;
/** Length of a compressed G2 signature. */
export const BLS_SIGNATURE_LENGTH = 96;

/** Domain separation tag of signatures: the one blst hard-codes (checked by the `sign` vectors). */
export const BLS_SIGNATURE_DST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
/** Domain separation tag of proofs of possession (PopProve / PopVerify of the POP scheme). */
export const BLS_POP_DST = "BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/** A BLS key pair as bytes. */
export interface BlsKeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/** One (public key, message, signature) triple for batch verification; the key may be an aggregate. */
export interface BlsSignatureSet {
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

/** The outcome of {@link blsVerifySignatureSets}: one answer per set, and how the batch went. */
export interface BlsBatchOutcome {
  valid: boolean[];
  /** Whether one batch verification was tried, and whether it failed (sets re-checked one by one). */
  batched: boolean;
  batchFailed: boolean;
}

/**
 * Fewest well-formed sets worth one batch verification. blst's randomised batch check costs about
 * one pairing per set plus one final exponentiation, so from two sets on it beats separate verifies
 * when all are valid (Lodestar uses the same threshold).
 */
export const BLS_MIN_SETS_TO_BATCH = 2;

function verifyOne(message: Uint8Array, pk: PublicKey, sig: Signature): boolean {
  try {
    return verify(message, pk, sig, false, false);
  } catch {
    return false;
  }
}

function toBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function secretKeyFromBytes(secretKey: Uint8Array): SecretKey {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== BLS_SECRET_KEY_LENGTH)
    throw new TypeError(`BLS secret key must be ${BLS_SECRET_KEY_LENGTH} bytes`);
  try {
    return SecretKey.fromBytes(secretKey);
  } catch {
    throw new TypeError("BLS secret key is not a scalar in 1..r-1");
  }
}

/**
 * Cache of checked public keys by hex. Reading a key with its subgroup check costs about as much
 * as a tenth of a verify, and a committee's keys come back every block: a 100-signer
 * fast-aggregate verify would spend most of its time reading keys. 32,768 entries (~12 MB) hold
 * the keys of a network of tens of thousands of validators; the oldest entry goes first.
 */
const PUBLIC_KEY_CACHE_LIMIT = 32_768;
const publicKeyCache = new Map<string, PublicKey | null>();

/**
 * Reads a compressed public key and checks it (on the curve, in G1's subgroup, not infinity);
 * `null` when it is not a valid key. Results are cached.
 */
export function blsPublicKeyFromBytes(publicKey: Uint8Array): PublicKey | null {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== BLS_PUBLIC_KEY_LENGTH) return null;
  const id = bytesToHex(publicKey);
  const cached = publicKeyCache.get(id);
  if (cached !== undefined) return cached;
  let key: PublicKey | null;
  try {
    key = PublicKey.fromBytes(publicKey, true);
  } catch {
    key = null;
  }
  if (publicKeyCache.size >= PUBLIC_KEY_CACHE_LIMIT)
    publicKeyCache.delete(publicKeyCache.keys().next().value as string);
  publicKeyCache.set(id, key);
  return key;
}

/**
 * Reads a compressed signature and checks it (on the curve, in G2's subgroup, not infinity);
 * `null` when it is not a valid signature.
 */
export function blsSignatureFromBytes(signature: Uint8Array): Signature | null {
  if (!(signature instanceof Uint8Array) || signature.length !== BLS_SIGNATURE_LENGTH) return null;
  try {
    return Signature.fromBytes(signature, true, true);
  } catch {
    return null;
  }
}

/** Whether `publicKey` is a valid 48-byte BLS public key. */
export function isValidBlsPublicKey(publicKey: Uint8Array): boolean {
  return blsPublicKeyFromBytes(publicKey) !== null;
}

/**
 * A key pair from input keying material (IETF KeyGen, HKDF-based); a fresh random one without
 * `ikm`. Throws `TypeError` if `ikm` is shorter than 32 bytes.
 */
export function blsKeyGen(ikm?: Uint8Array): BlsKeyPair {
  const material = ikm ?? new Uint8Array(randomBytes(32));
  if (!(material instanceof Uint8Array) || material.length < 32)
    throw new TypeError("BLS key material (ikm) must be at least 32 bytes");
  const sk = SecretKey.fromKeygen(material);
  return { secretKey: toBytes(sk.toBytes()), publicKey: toBytes(sk.toPublicKey().toBytes(true)) };
}

/** The public key of a secret key; throws `TypeError` for a malformed secret key. */
export function blsSecretKeyToPublicKey(secretKey: Uint8Array): Uint8Array {
  return toBytes(secretKeyFromBytes(secretKey).toPublicKey().toBytes(true));
}

/** Signs `message` (deterministic); throws `TypeError` for a malformed secret key. */
export function blsSign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return toBytes(secretKeyFromBytes(secretKey).sign(message).toBytes(true));
}

/** Verifies one signature. Never throws. */
export function blsVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const pk = blsPublicKeyFromBytes(publicKey);
  const sig = blsSignatureFromBytes(signature);
  if (pk === null || sig === null || !(message instanceof Uint8Array)) return false;
  return verifyOne(message, pk, sig);
}

/** Sums signatures into one; throws `TypeError` for an empty list or a malformed signature. */
export function blsAggregateSignatures(signatures: Uint8Array[]): Uint8Array {
  if (signatures.length === 0) throw new TypeError("cannot aggregate zero BLS signatures");
  const sigs = signatures.map((s, i) => {
    const sig = blsSignatureFromBytes(s);
    if (sig === null) throw new TypeError(`BLS signature ${i} is malformed`);
    return sig;
  });
  return toBytes(aggregateSignatures(sigs, false).toBytes(true));
}

function publicKeysFromBytes(publicKeys: Uint8Array[]): PublicKey[] | null {
  const pks: PublicKey[] = [];
  for (const bytes of publicKeys) {
    const pk = blsPublicKeyFromBytes(bytes);
    if (pk === null) return null;
    pks.push(pk);
  }
  return pks;
}

/**
 * Sums public keys into one (safe only for keys whose proofs of possession were checked);
 * throws `TypeError` for an empty list or a malformed key.
 */
export function blsAggregatePublicKeys(publicKeys: Uint8Array[]): Uint8Array {
  if (publicKeys.length === 0) throw new TypeError("cannot aggregate zero BLS public keys");
  const pks = publicKeysFromBytes(publicKeys);
  if (pks === null) throw new TypeError("a BLS public key is malformed");
  return toBytes(aggregatePublicKeys(pks, false).toBytes(true));
}

/**
 * Verifies an aggregate signature of several signers over one message. The keys must have proven
 * possession. False for no keys, a malformed key or signature, or keys that sum to infinity
 * (a rogue-key pair). Never throws.
 */
export function blsFastAggregateVerify(
  publicKeys: Uint8Array[],
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!Array.isArray(publicKeys) || publicKeys.length === 0 || !(message instanceof Uint8Array)) return false;
  const pks = publicKeysFromBytes(publicKeys);
  const sig = blsSignatureFromBytes(signature);
  if (pks === null || sig === null) return false;
  try {
    // The aggregate is re-validated so that keys cancelling to infinity are rejected.
    const aggregate = aggregatePublicKeys(pks, false);
    aggregate.keyValidate();
    return verify(message, aggregate, sig, false, false);
  } catch {
    return false;
  }
}

/**
 * Verifies an aggregate signature of `publicKeys[i]` over `messages[i]`. False for empty or
 * mismatched lists and for any malformed key or signature. Never throws.
 */
export function blsAggregateVerify(
  publicKeys: Uint8Array[],
  messages: Uint8Array[],
  signature: Uint8Array,
): boolean {
  if (!Array.isArray(publicKeys) || !Array.isArray(messages)) return false;
  if (publicKeys.length === 0 || publicKeys.length !== messages.length) return false;
  if (!messages.every((m) => m instanceof Uint8Array)) return false;
  const pks = publicKeysFromBytes(publicKeys);
  const sig = blsSignatureFromBytes(signature);
  if (pks === null || sig === null) return false;
  try {
    return aggregateVerify(messages, pks, sig, false, false);
  } catch {
    return false;
  }
}

/**
 * Proof of possession of `secretKey`: its signature over its own public key under
 * {@link BLS_POP_DST}. blst's binding fixes the signing DST, so this path hashes to G2 with
 * @noble/curves (tens of ms: fine for validator registration, not for a hot path).
 */
export function blsProvePossession(secretKey: Uint8Array): Uint8Array {
  const sk = secretKeyFromBytes(secretKey);
  const publicKey = sk.toPublicKey().toBytes(true);
  const sigs = bls12_381.longSignatures;
  const proof = sigs.sign(sigs.hash(publicKey, BLS_POP_DST), toBytes(sk.toBytes()));
  return toBytes(proof.toBytes(true));
}

/** Checks a proof of possession made by {@link blsProvePossession}. Never throws. */
export function blsVerifyPossession(publicKey: Uint8Array, proof: Uint8Array): boolean {
  if (blsPublicKeyFromBytes(publicKey) === null || blsSignatureFromBytes(proof) === null) return false;
  try {
    const sigs = bls12_381.longSignatures;
    return sigs.verify(proof, sigs.hash(publicKey, BLS_POP_DST), publicKey);
  } catch {
    return false;
  }
}

function batchVerify(sets: { msg: Uint8Array; pk: PublicKey; sig: Signature }[]): boolean {
  try {
    return verifyMultipleAggregateSignatures(sets, false, false);
  } catch {
    return false;
  }
}

/**
 * Verifies many sets, one answer each: malformed sets are invalid; from
 * {@link BLS_MIN_SETS_TO_BATCH} well-formed sets on, one randomised batch check
 * (`verifyMultipleAggregateSignatures`) is tried first and, if it fails, each set is re-checked
 * alone so that one bad set does not condemn the others. Never throws.
 */
export function blsVerifySignatureSets(sets: BlsSignatureSet[]): BlsBatchOutcome {
  const valid = new Array<boolean>(sets.length).fill(false);
  const parsed: { index: number; msg: Uint8Array; pk: PublicKey; sig: Signature }[] = [];
  for (let i = 0; i < sets.length; i++) {
    const { publicKey, message, signature } = sets[i];
    const pk = blsPublicKeyFromBytes(publicKey);
    const sig = blsSignatureFromBytes(signature);
    if (pk !== null && sig !== null && message instanceof Uint8Array)
      parsed.push({ index: i, msg: message, pk, sig });
  }
  let batched = false;
  let batchFailed = false;
  if (parsed.length >= BLS_MIN_SETS_TO_BATCH) {
    batched = true;
    if (batchVerify(parsed)) {
      for (const p of parsed) valid[p.index] = true;
      return { valid, batched, batchFailed };
    }
    batchFailed = true;
  }
  for (const p of parsed) valid[p.index] = verifyOne(p.msg, p.pk, p.sig);
  return { valid, batched, batchFailed };
}
