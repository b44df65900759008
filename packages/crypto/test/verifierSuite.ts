import { generateKeyPairSync, sign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  blsAggregatePublicKeys,
  blsAggregateSignatures,
  blsKeyGen,
  blsSign,
  type SignatureSet,
  type SignatureVerifier,
  VerifierError,
} from "../src/index.ts";

const text = (s: string) => new TextEncoder().encode(s);
/** ed25519 keys as node:crypto KeyObjects: signing 2,000 sets with them takes ms, not seconds. */
const edKeys = Array.from({ length: 8 }, () => {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x as string, "base64url");
  return { publicKey: new Uint8Array(raw), privateKey };
});
const blsKeys = Array.from({ length: 6 }, (_, i) => blsKeyGen(new Uint8Array(32).fill(i + 100)));

/** A valid ed25519 set signed by key `i % 8` over a message naming `i`. */
export function edSet(i: number): SignatureSet {
  const key = edKeys[i % edKeys.length];
  const message = text(`tx ${i}`);
  const signature = new Uint8Array(sign(null, message, key.privateKey));
  return { scheme: "ed25519", publicKey: key.publicKey, message, signature };
}

/** A valid BLS set signed by key `i % 6`. */
export function blsSet(i: number): SignatureSet {
  const key = blsKeys[i % blsKeys.length];
  const message = text(`vote ${i}`);
  return { scheme: "bls", publicKey: key.publicKey, message, signature: blsSign(key.secretKey, message) };
}

/** The same set over another message: well-formed, and invalid. */
export function tampered(set: SignatureSet): SignatureSet {
  return { ...set, message: text("something else") };
}

/**
 * The tests every {@link SignatureVerifier} must pass, run against each implementation
 * (Lodestar runs one BLS suite against its single- and multi-thread verifiers the same way).
 */
export function describeVerifierSuite(name: string, factory: () => Promise<SignatureVerifier>): void {
  describe(`SignatureVerifier: ${name}`, () => {
    let verifier: SignatureVerifier;
    beforeAll(async () => {
      verifier = await factory();
    });
    afterAll(async () => {
      await verifier.close();
    });

    it("accepts all-valid sets", async () => {
      const sets = Array.from({ length: 20 }, (_, i) => edSet(i));
      expect(await verifier.verify(sets)).toEqual(sets.map(() => true));
      expect(await verifier.verifyAll(sets)).toBe(true);
      expect(verifier.canAcceptWork()).toBe(true);
    });

    it("answers mixed valid and invalid sets in order", async () => {
      const invalid = new Set([0, 3, 4, 11, 19]);
      const sets = Array.from({ length: 20 }, (_, i) => (invalid.has(i) ? tampered(edSet(i)) : edSet(i)));
      expect(await verifier.verify(sets)).toEqual(sets.map((_, i) => !invalid.has(i)));
      expect(await verifier.verifyAll(sets)).toBe(false);
    });

    it("answers malformed sets as invalid without failing the others", async () => {
      const good = edSet(1);
      const goodBls = blsSet(1);
      const malformed: SignatureSet[] = [
        { ...good, signature: good.signature.subarray(0, 63) },
        { ...good, publicKey: new Uint8Array(31) },
        { ...good, publicKey: new Uint8Array(32).fill(0xff) },
        { ...good, signature: new Uint8Array(0) },
        { ...good, scheme: "rsa" as SignatureSet["scheme"] },
        { ...good, message: null as unknown as Uint8Array },
        { ...goodBls, signature: new Uint8Array(96) },
        { ...goodBls, publicKey: new Uint8Array(48).fill(7) },
        { ...goodBls, signature: goodBls.signature.subarray(0, 95) },
        { ...goodBls, publicKey: Uint8Array.of(0xc0, ...new Uint8Array(47)) },
      ];
      const sets = [good, ...malformed, goodBls];
      expect(await verifier.verify(sets)).toEqual([true, ...malformed.map(() => false), true]);
    });

    it("answers an empty input with no answers", async () => {
      expect(await verifier.verify([])).toEqual([]);
      expect(await verifier.verifyAll([])).toBe(true);
    });

    it("verifies a large input (2,000 ed25519 sets) with answers in order", async () => {
      const sets = Array.from({ length: 2000 }, (_, i) => (i % 97 === 5 ? tampered(edSet(i)) : edSet(i)));
      const valid = await verifier.verify(sets);
      expect(valid).toHaveLength(2000);
      expect(valid).toEqual(sets.map((_, i) => i % 97 !== 5));
    });

    it("verifies BLS sets, aggregates included, and pins down a bad one", async () => {
      const message = text("block 7");
      const signers = blsKeys.slice(0, 4);
      const aggregate: SignatureSet = {
        scheme: "bls",
        publicKey: blsAggregatePublicKeys(signers.map((k) => k.publicKey)),
        message,
        signature: blsAggregateSignatures(signers.map((k) => blsSign(k.secretKey, message))),
      };
      const sets = [blsSet(0), aggregate, blsSet(1), tampered(blsSet(2)), edSet(3), blsSet(3)];
      expect(await verifier.verify(sets)).toEqual([true, true, true, false, true, true]);
      const missing = {
        ...aggregate,
        publicKey: blsAggregatePublicKeys(signers.slice(1).map((k) => k.publicKey)),
      };
      expect(await verifier.verify([missing, blsSet(4)])).toEqual([false, true]);
    });

    it("answers concurrent calls each with its own answers", async () => {
      const calls = Array.from({ length: 12 }, (_, c) => {
        const sets: SignatureSet[] = [];
        const expected: boolean[] = [];
        for (let i = 0; i < 1 + ((c * 7) % 40); i++) {
          const bad = (i + c) % 5 === 0;
          sets.push(bad ? tampered(edSet(c * 100 + i)) : edSet(c * 100 + i));
          expected.push(!bad);
        }
        if (c % 4 === 0) {
          sets.push(blsSet(c), tampered(blsSet(c + 1)));
          expected.push(true, false);
        }
        return { expected, answers: verifier.verify(sets) };
      });
      for (const { expected, answers } of calls) expect(await answers).toEqual(expected);
    });

    it("close() answers calls in flight, then refuses new work", async () => {
      const own = await factory();
      const inFlight = own.verify([edSet(1), tampered(edSet(2))]);
      await own.close();
      expect(await inFlight).toEqual([true, false]);
      expect(own.canAcceptWork()).toBe(false);
      await expect(own.verify([edSet(3)])).rejects.toBeInstanceOf(VerifierError);
      await expect(own.verify([edSet(3)])).rejects.toMatchObject({ code: "VERIFIER_ERROR_CLOSED" });
      await own.close();
    });
  });
}
