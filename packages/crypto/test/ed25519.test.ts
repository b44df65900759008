import { ED25519_TORSION_SUBGROUP, ed25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, numberToBytesLE } from "@noble/curves/utils.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bytesToHex,
  concatBytes,
  ED25519_SIGNATURE_LENGTH,
  ed25519KeyPairFromSeed,
  ed25519Sign,
  ed25519Verify,
  ed25519VerifyNoble,
  generateEd25519KeyPair,
  hexToBytes,
  isValidEd25519PublicKey,
  sha512,
} from "../src/index.ts";
import { loadEd25519Vectors } from "./vectors.ts";

const vectors = loadEd25519Vectors();
const Point = ed25519.Point;
const L = Point.Fn.ORDER;
const encoder = new TextEncoder();

/** Both verify paths, which must always agree. */
function verifyBoth(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  const fast = ed25519Verify(signature, message, publicKey);
  const noble = ed25519VerifyNoble(signature, message, publicKey);
  expect(noble, `noble vs node:crypto on key ${bytesToHex(publicKey)}`).toBe(fast);
  return fast;
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3] ^= 1 << (bit & 7);
  return out;
}

/** The secret scalar a (mod L) of a seed, as RFC 8032 section 5.1.5 derives it. */
function secretScalar(seed: Uint8Array): bigint {
  const h = sha512(seed).slice(0, 32);
  h[0] &= 248;
  h[31] &= 127;
  h[31] |= 64;
  return bytesToNumberLE(h) % L;
}

/** k = SHA-512(R || A || M) mod L. */
function challenge(r: Uint8Array, publicKey: Uint8Array, message: Uint8Array): bigint {
  return bytesToNumberLE(sha512(r, publicKey, message)) % L;
}

/** A signature with a chosen R encoding: S = r + k*a, valid when `rBytes` encodes r*B (+ torsion). */
function signWithR(rBytes: Uint8Array, r: bigint, seed: Uint8Array, message: Uint8Array): Uint8Array {
  const { publicKey } = ed25519KeyPairFromSeed(seed);
  const s = (r + challenge(rBytes, publicKey, message) * secretScalar(seed)) % L;
  return concatBytes(rBytes, numberToBytesLE(s, 32));
}

/** The first y whose 32-byte encoding is not the y of a curve point. */
function notAPointEncoding(): Uint8Array {
  for (let y = 2n; ; y++) {
    const bytes = numberToBytesLE(y, 32);
    try {
      Point.fromBytes(bytes);
    } catch {
      return bytes;
    }
  }
}

const P = 2n ** 255n - 19n;
const seed = new Uint8Array(32).fill(7);
const keys = ed25519KeyPairFromSeed(seed);
const message = encoder.encode("transfer 10 to alice");
const goodSignature = ed25519Sign(message, seed);

describe("ed25519: RFC 8032 section 7.1 vectors", () => {
  it("has TEST 1, 2, 3, 1024 and SHA(abc)", () => {
    expect(vectors.map((v) => v.name)).toEqual(["TEST 1", "TEST 2", "TEST 3", "TEST 1024", "TEST SHA(abc)"]);
    expect(vectors[3].message.length).toBe(1023);
  });

  for (const v of vectors) {
    describe(v.name, () => {
      it("derives the public key from the seed", () => {
        expect(bytesToHex(ed25519KeyPairFromSeed(v.secretKey).publicKey)).toBe(bytesToHex(v.publicKey));
      });

      it("ed25519Sign reproduces the signature", () => {
        expect(bytesToHex(ed25519Sign(v.message, v.secretKey))).toBe(bytesToHex(v.signature));
      });

      it("verifies in both paths", () => {
        expect(ed25519Verify(v.signature, v.message, v.publicKey)).toBe(true);
        expect(ed25519VerifyNoble(v.signature, v.message, v.publicKey)).toBe(true);
      });

      it("rejects in both paths a changed message, a changed signature, another key", () => {
        const longer = concatBytes(v.message, new Uint8Array([0]));
        expect(verifyBoth(v.signature, longer, v.publicKey)).toBe(false);
        expect(verifyBoth(flipBit(v.signature, 0), v.message, v.publicKey)).toBe(false);
        expect(verifyBoth(flipBit(v.signature, 300), v.message, v.publicKey)).toBe(false);
        const other = vectors[(vectors.indexOf(v) + 1) % vectors.length];
        expect(verifyBoth(v.signature, v.message, other.publicKey)).toBe(false);
      });
    });
  }
});

describe("ed25519: malformed input gives false in both paths, never a throw", () => {
  it("rejects signatures and keys of the wrong length", () => {
    for (const length of [0, 1, 63, 65, 128])
      expect(verifyBoth(new Uint8Array(length), message, keys.publicKey)).toBe(false);
    expect(verifyBoth(goodSignature.subarray(0, 63), message, keys.publicKey)).toBe(false);
    expect(verifyBoth(concatBytes(goodSignature, new Uint8Array(1)), message, keys.publicKey)).toBe(false);
    for (const length of [0, 31, 33, 64])
      expect(verifyBoth(goodSignature, message, new Uint8Array(length))).toBe(false);
    expect(verifyBoth(goodSignature, message, keys.publicKey.subarray(0, 31))).toBe(false);
  });

  it("rejects a non-canonical S (S + L), which a lax verifier would accept", () => {
    expect(verifyBoth(goodSignature, message, keys.publicKey)).toBe(true);
    const s = bytesToNumberLE(goodSignature.subarray(32));
    for (const bad of [s + L, s + 2n * L, L]) {
      const forged = concatBytes(goodSignature.subarray(0, 32), numberToBytesLE(bad, 32));
      expect(verifyBoth(forged, message, keys.publicKey)).toBe(false);
    }
  });

  it("rejects the 8 small-order public keys, even with signatures that satisfy their equation", () => {
    expect(ED25519_TORSION_SUBGROUP.length).toBe(8);
    for (const hex of ED25519_TORSION_SUBGROUP) {
      const publicKey = hexToBytes(hex);
      expect(isValidEd25519PublicKey(publicKey)).toBe(false);
      expect(verifyBoth(goodSignature, message, publicKey)).toBe(false);
      // With A of small order no secret is needed: guess T = [k]A among A's multiples, set
      // R = [S]B - T, and keep R if the challenge k it yields gives [k]A = T.
      const a = Point.fromBytes(publicKey);
      let forgeries = 0;
      for (let s = 1000n; s < 1064n && forgeries === 0; s++) {
        const sB = Point.BASE.multiply(s);
        for (let j = 0n; j < 8n; j++) {
          const guess = a.multiplyUnsafe(j);
          const rBytes = sB.subtract(guess).toBytes();
          if (!a.multiplyUnsafe(challenge(rBytes, publicKey, message)).equals(guess)) continue;
          const forged = concatBytes(rBytes, numberToBytesLE(s, 32));
          // The forgery satisfies [S]B = R + [k]A; only the key rule rejects it.
          const k = challenge(rBytes, publicKey, message);
          expect(sB.equals(Point.fromBytes(rBytes).add(a.multiplyUnsafe(k)))).toBe(true);
          expect(verifyBoth(forged, message, publicKey)).toBe(false);
          forgeries++;
        }
      }
      expect(forgeries, `forgeries for ${hex}`).toBeGreaterThan(0);
    }
  });

  it("rejects a public key that is not a curve point", () => {
    const publicKey = notAPointEncoding();
    expect(isValidEd25519PublicKey(publicKey)).toBe(false);
    expect(verifyBoth(goodSignature, message, publicKey)).toBe(false);
  });

  it("rejects non-canonical public key encodings (y >= p, or x = 0 with the sign bit set)", () => {
    const nonCanonical: Uint8Array[] = [];
    for (let y = 0n; y < 19n; y++) nonCanonical.push(numberToBytesLE(P + y, 32));
    nonCanonical.push(numberToBytesLE(1n + 2n ** 255n, 32)); // (0, 1) with x_0 = 1
    nonCanonical.push(numberToBytesLE(P - 1n + 2n ** 255n, 32)); // (0, -1) with x_0 = 1
    for (const publicKey of nonCanonical) {
      expect(isValidEd25519PublicKey(publicKey)).toBe(false);
      expect(verifyBoth(goodSignature, message, publicKey)).toBe(false);
    }
  });

  it("rejects a non-canonical R even when it encodes the right point", () => {
    // R = identity has r = 0: S = k*a. The canonical encoding verifies in both paths ...
    const canonical = hexToBytes(ED25519_TORSION_SUBGROUP[0]);
    expect(verifyBoth(signWithR(canonical, 0n, seed, message), message, keys.publicKey)).toBe(true);
    // ... the identity written as y = p + 1, or with the sign bit of x = 0 set, does not.
    for (const rBytes of [numberToBytesLE(P + 1n, 32), numberToBytesLE(1n + 2n ** 255n, 32)]) {
      expect(verifyBoth(signWithR(rBytes, 0n, seed, message), message, keys.publicKey)).toBe(false);
    }
  });

  it("agrees on R or A carrying a small-order component (cofactorless check in both paths)", () => {
    const torsion = Point.fromBytes(hexToBytes(ED25519_TORSION_SUBGROUP[1]));
    const r = 987654321987654321n;
    // R' = rB + T: the cofactored equation holds, the cofactorless one does not.
    const dirtyR = Point.BASE.multiply(r).add(torsion).toBytes();
    expect(verifyBoth(signWithR(dirtyR, r, seed, message), message, keys.publicKey)).toBe(false);
    // A' = aB + T: a key of mixed order; honest S = r + k*a fails unless k*T = 0.
    const a = secretScalar(seed);
    const mixedKey = Point.BASE.multiply(a).add(torsion).toBytes();
    expect(isValidEd25519PublicKey(mixedKey)).toBe(true);
    let rejected = 0;
    for (let i = 0n; i < 8n; i++) {
      const rBytes = Point.BASE.multiply(r + i).toBytes();
      const k = challenge(rBytes, mixedKey, message);
      const signature = concatBytes(rBytes, numberToBytesLE((r + i + k * a) % L, 32));
      const accepted = verifyBoth(signature, message, mixedKey);
      expect(accepted).toBe(k % 8n === 0n);
      if (!accepted) rejected++;
    }
    expect(rejected).toBeGreaterThan(0);
  });

  it("both paths agree on random signature / message / key triples", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 62, maxLength: 66 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ minLength: 30, maxLength: 34 }),
        (signature, msg, publicKey) => {
          expect(verifyBoth(signature, msg, publicKey)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("both paths agree on random signatures under valid keys", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.uint8Array({ maxLength: 64 }),
        (keySeed, signature, msg) => {
          const { publicKey } = ed25519KeyPairFromSeed(keySeed);
          expect(verifyBoth(signature, msg, publicKey)).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("both paths accept valid signatures and reject them with any bit flipped", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.nat(),
        (keySeed, msg, n) => {
          const { publicKey } = ed25519KeyPairFromSeed(keySeed);
          const signature = ed25519Sign(msg, keySeed);
          expect(signature.length).toBe(ED25519_SIGNATURE_LENGTH);
          expect(verifyBoth(signature, msg, publicKey)).toBe(true);
          expect(verifyBoth(flipBit(signature, n % 512), msg, publicKey)).toBe(false);
          expect(verifyBoth(signature, flipBit(msg, n % (msg.length * 8)), publicKey)).toBe(false);
          expect(verifyBoth(signature, msg, flipBit(publicKey, n % 256))).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("generated key pairs sign and verify", () => {
    const pair = generateEd25519KeyPair();
    expect(verifyBoth(ed25519Sign(message, pair.secretKey), message, pair.publicKey)).toBe(true);
  });
});

describe("createEd25519Signer (node:crypto bulk signing)", () => {
  it("gives the same deterministic signatures as ed25519Sign, and they verify", async () => {
    const { createEd25519Signer, ed25519KeyPairFromSeed, ed25519Sign, ed25519Verify } = await import(
      "../src/index.ts"
    );
    for (let i = 0; i < 20; i++) {
      const keys = ed25519KeyPairFromSeed(new Uint8Array(32).fill(i));
      const message = new Uint8Array(i * 7).fill(0xab);
      const signer = createEd25519Signer(keys.secretKey);
      expect(Buffer.from(signer.publicKey).toString("hex")).toBe(Buffer.from(keys.publicKey).toString("hex"));
      const sig = signer.sign(message);
      expect(Buffer.from(sig).toString("hex")).toBe(
        Buffer.from(ed25519Sign(message, keys.secretKey)).toString("hex"),
      );
      expect(ed25519Verify(sig, message, keys.publicKey)).toBe(true);
    }
    expect(() => createEd25519Signer(new Uint8Array(31))).toThrowError(TypeError);
  });
});
