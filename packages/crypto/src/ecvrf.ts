/**
 * ECVRF-EDWARDS25519-SHA512-TAI, the elliptic-curve VRF of RFC 9381 (suite_string 0x03), on
 * @noble/curves point arithmetic and node:crypto SHA-512. It reproduces the RFC's Appendix B.3
 * vectors byte for byte. Validators use it for committee sortition and epoch randomness: the
 * output beta is unpredictable without the secret key and anyone can check it from the proof.
 */

import { ed25519 } from "@noble/curves/ed25519.js";
import {
  CHALLENGE_LENGTH,
  decodeProof,
  encodeProof,
  encodeToCurveTai,
  expandSecretKey,
  GROUP_ORDER,
  gammaToHash,
  generateChallenge,
  generateNonce,
  multiplySecret,
  POINT_LENGTH,
  SCALAR_LENGTH,
  stringToPoint,
} from "./ecvrf/suite.ts";

/** Length of a proof pi = Gamma (32) || c (16) || s (32). */
export const ECVRF_PROOF_LENGTH = POINT_LENGTH + CHALLENGE_LENGTH + SCALAR_LENGTH;
/** Length of a VRF output beta (a SHA-512 digest). */
export const ECVRF_OUTPUT_LENGTH = 64;
/** Length of an ECVRF public key (an ed25519 public key). */
export const ECVRF_PUBLIC_KEY_LENGTH = 32;

/**
 * ECVRF_prove (RFC 9381 section 5.1): the 80-byte proof that `alpha` maps to the output of the key
 * whose 32-byte seed is `secretKey` (the same seed and public key as ed25519). Deterministic.
 * Throws `TypeError` if the secret key is not 32 bytes.
 */
function prove(secretKey: Uint8Array, alpha: Uint8Array): Uint8Array {
  const { x, nonceKey, publicKey } = expandSecretKey(secretKey);
  const h = encodeToCurveTai(publicKey, alpha).point;
  const gamma = multiplySecret(h, x);
  const { k } = generateNonce(nonceKey, h.toBytes());
  const u = multiplySecret(ed25519.Point.BASE, k);
  const v = multiplySecret(h, k);
  const c = generateChallenge(publicKey, h, gamma, u, v);
  const s = (k + c * x) % GROUP_ORDER;
  return encodeProof(gamma, c, s);
}

/**
 * ECVRF_verify (RFC 9381 section 5.3, validate_key = TRUE): the 64-byte output beta if `proof` is a
 * valid proof for `alpha` under `publicKey`, otherwise null. Never throws: a key or proof of the
 * wrong length, a key or Gamma that is not a canonical curve point, a key of small order, s >= q,
 * or a challenge that does not match all give null.
 */
function verify(publicKey: Uint8Array, proof: Uint8Array, alpha: Uint8Array): Uint8Array | null {
  try {
    if (!(publicKey instanceof Uint8Array) || !(alpha instanceof Uint8Array)) return null;
    if (publicKey.length !== ECVRF_PUBLIC_KEY_LENGTH) return null;
    const y = stringToPoint(publicKey);
    // ECVRF_validate_key (section 5.4.5): reject keys whose cofactor multiple is the identity.
    if (y === null || y.isSmallOrder()) return null;
    const decoded = decodeProof(proof, ECVRF_PROOF_LENGTH);
    if (decoded === null) return null;
    const { gamma, c, s } = decoded;
    const h = encodeToCurveTai(publicKey, alpha).point;
    // Public data only: the variable-time multiplyUnsafe is fine here and accepts s = 0 or c = 0.
    const u = ed25519.Point.BASE.multiplyUnsafe(s).subtract(y.multiplyUnsafe(c));
    const v = h.multiplyUnsafe(s).subtract(gamma.multiplyUnsafe(c));
    if (generateChallenge(publicKey, h, gamma, u, v) !== c) return null;
    return gammaToHash(gamma);
  } catch {
    return null;
  }
}

/**
 * ECVRF_proof_to_hash (RFC 9381 section 5.2): the 64-byte output beta of a proof, without checking
 * the proof. Use it only on a proof produced by `prove` or accepted by `verify`. Throws `TypeError`
 * on a proof that does not decode (not 80 bytes, Gamma not a canonical curve point, or s >= q).
 */
function proofToHash(proof: Uint8Array): Uint8Array {
  const decoded = decodeProof(proof, ECVRF_PROOF_LENGTH);
  if (decoded === null) throw new TypeError("ECVRF proof does not decode");
  return gammaToHash(decoded.gamma);
}

/** ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381): `prove`, `verify` and `proofToHash`. */
export const ecvrf: {
  prove(secretKey: Uint8Array, alpha: Uint8Array): Uint8Array;
  verify(publicKey: Uint8Array, proof: Uint8Array, alpha: Uint8Array): Uint8Array | null;
  proofToHash(proof: Uint8Array): Uint8Array;
} = Object.freeze({ prove, verify, proofToHash });
