/**
 * The steps of ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381, suite_string 0x03), one function per
 * section of the RFC, so that each can be checked against the intermediate values (x, H, k, U, V)
 * printed in Appendix B.3. `../ecvrf.ts` composes them into prove / verify / proof_to_hash;
 * this module is internal to @vshard/crypto and not exported from its index.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, numberToBytesLE } from "@noble/curves/utils.js";
import { sha512 } from "../hash.ts";

/** An edwards25519 point as @noble/curves represents it. */
export type EdwardsPoint = InstanceType<typeof ed25519.Point>;

const Point = ed25519.Point;

/** suite_string of ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381 section 5.5). */
export const SUITE_STRING = 0x03;
/** ptLen: length of an encoded point. */
export const POINT_LENGTH = 32;
/** cLen: length of the challenge (RFC 9381 section 5.5: 16 octets for this suite). */
export const CHALLENGE_LENGTH = 16;
/** qLen: length of an encoded scalar. */
export const SCALAR_LENGTH = 32;
/** Group order q (called L in RFC 8032). */
export const GROUP_ORDER = Point.Fn.ORDER;
/** Cofactor of edwards25519. */
const COFACTOR = 8n;

/** Domain separators of RFC 9381: 0x01 encode_to_curve, 0x02 challenge, 0x03 proof_to_hash, 0x00 back. */
const ENCODE_TO_CURVE_DOMAIN_FRONT = 0x01;
const CHALLENGE_DOMAIN_FRONT = 0x02;
const PROOF_TO_HASH_DOMAIN_FRONT = 0x03;
const DOMAIN_BACK = 0x00;
/** ctr is one octet (int_to_string(ctr, 1)), so try-and-increment gives up after 256 tries. */
const MAX_ENCODE_TRIES = 256;

/** The secret scalar and nonce prefix of a 32-byte secret key, as in RFC 8032 section 5.1.5. */
export interface ExpandedSecretKey {
  /** The clamped scalar as 32 little-endian bytes (the `x` printed in RFC 9381 Appendix B). */
  scalarBytes: Uint8Array;
  /** The secret scalar x reduced mod q, for arithmetic. */
  x: bigint;
  /** The second half of SHA-512(SK), the key of nonce generation. */
  nonceKey: Uint8Array;
  /** point_to_string(x*B). */
  publicKey: Uint8Array;
}

/** x*P for a secret scalar (x, k), in constant time; `multiply` rejects 0, which is handled apart. */
export function multiplySecret(point: EdwardsPoint, scalar: bigint): EdwardsPoint {
  return scalar === 0n ? Point.ZERO : point.multiply(scalar);
}

/** Expands a 32-byte secret key; throws `TypeError` on another length. */
export function expandSecretKey(secretKey: Uint8Array): ExpandedSecretKey {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32)
    throw new TypeError(`ECVRF secret key must be 32 bytes, got ${secretKey?.length}`);
  const digest = sha512(secretKey);
  const scalarBytes = digest.slice(0, 32);
  scalarBytes[0] &= 248;
  scalarBytes[31] &= 127;
  scalarBytes[31] |= 64;
  const x = bytesToNumberLE(scalarBytes) % GROUP_ORDER;
  const publicKey = multiplySecret(Point.BASE, x).toBytes();
  return { scalarBytes, x, nonceKey: digest.slice(32, 64), publicKey };
}

/** string_to_point (RFC 8032 section 5.1.3, strict: y < p, no x = 0 with the sign bit); null if invalid. */
export function stringToPoint(bytes: Uint8Array): EdwardsPoint | null {
  if (bytes.length !== POINT_LENGTH) return null;
  try {
    return Point.fromBytes(bytes, false);
  } catch {
    return null;
  }
}

/** Result of encode_to_curve: the point H and the counter at which try-and-increment succeeded. */
export interface EncodedPoint {
  point: EdwardsPoint;
  ctr: number;
}

/**
 * ECVRF_encode_to_curve_try_and_increment (RFC 9381 section 5.4.1.1), with
 * encode_to_curve_salt = PK_string: hashes until the first 32 bytes decode to a point, then
 * multiplies by the cofactor and retries if that gives the identity.
 */
export function encodeToCurveTai(publicKey: Uint8Array, alpha: Uint8Array): EncodedPoint {
  const front = Uint8Array.of(SUITE_STRING, ENCODE_TO_CURVE_DOMAIN_FRONT);
  for (let ctr = 0; ctr < MAX_ENCODE_TRIES; ctr++) {
    const hashString = sha512(front, publicKey, alpha, Uint8Array.of(ctr, DOMAIN_BACK));
    const candidate = stringToPoint(hashString.subarray(0, POINT_LENGTH));
    if (candidate === null) continue;
    const point = candidate.multiplyUnsafe(COFACTOR);
    if (!point.is0()) return { point, ctr };
  }
  // Each try succeeds with probability about 1/2: 256 failures do not happen for SHA-512.
  throw new RangeError("ECVRF encode_to_curve found no point in 256 tries");
}

/** The nonce of RFC 9381 section 5.4.2.2 (RFC 8032 style): k_string and k = k_string mod q. */
export function generateNonce(nonceKey: Uint8Array, hString: Uint8Array): { kString: Uint8Array; k: bigint } {
  const kString = sha512(nonceKey, hString);
  return { kString, k: bytesToNumberLE(kString) % GROUP_ORDER };
}

/**
 * ECVRF_challenge_generation (RFC 9381 section 5.4.3) over the five points (Y, H, Gamma, U, V), Y
 * given as its encoding PK_string: the first cLen bytes of SHA-512(suite || 0x02 || points || 0x00),
 * read little-endian.
 */
export function generateChallenge(
  publicKey: Uint8Array,
  h: EdwardsPoint,
  gamma: EdwardsPoint,
  u: EdwardsPoint,
  v: EdwardsPoint,
): bigint {
  const digest = sha512(
    Uint8Array.of(SUITE_STRING, CHALLENGE_DOMAIN_FRONT),
    publicKey,
    h.toBytes(),
    gamma.toBytes(),
    u.toBytes(),
    v.toBytes(),
    Uint8Array.of(DOMAIN_BACK),
  );
  return bytesToNumberLE(digest.subarray(0, CHALLENGE_LENGTH));
}

/** A decoded proof pi = Gamma || c || s. */
export interface DecodedProof {
  gamma: EdwardsPoint;
  c: bigint;
  s: bigint;
}

/** ECVRF_decode_proof (RFC 9381 section 5.4.4); null for a wrong length, a Gamma off the curve or s >= q. */
export function decodeProof(proof: Uint8Array, proofLength: number): DecodedProof | null {
  if (!(proof instanceof Uint8Array) || proof.length !== proofLength) return null;
  const gamma = stringToPoint(proof.subarray(0, POINT_LENGTH));
  if (gamma === null) return null;
  const c = bytesToNumberLE(proof.subarray(POINT_LENGTH, POINT_LENGTH + CHALLENGE_LENGTH));
  const s = bytesToNumberLE(proof.subarray(POINT_LENGTH + CHALLENGE_LENGTH));
  if (s >= GROUP_ORDER) return null;
  return { gamma, c, s };
}

/** Gamma || c || s as bytes (int_to_string is little-endian for this suite). */
export function encodeProof(gamma: EdwardsPoint, c: bigint, s: bigint): Uint8Array {
  const out = new Uint8Array(POINT_LENGTH + CHALLENGE_LENGTH + SCALAR_LENGTH);
  out.set(gamma.toBytes(), 0);
  out.set(numberToBytesLE(c, CHALLENGE_LENGTH), POINT_LENGTH);
  out.set(numberToBytesLE(s, SCALAR_LENGTH), POINT_LENGTH + CHALLENGE_LENGTH);
  return out;
}

/** The hash step of ECVRF_proof_to_hash (RFC 9381 section 5.2): SHA-512(suite || 0x03 || [8]Gamma || 0x00). */
export function gammaToHash(gamma: EdwardsPoint): Uint8Array {
  const cleared = gamma.multiplyUnsafe(COFACTOR).toBytes();
  return sha512(Uint8Array.of(SUITE_STRING, PROOF_TO_HASH_DOMAIN_FRONT), cleared, Uint8Array.of(DOMAIN_BACK));
}
