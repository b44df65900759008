import { readFileSync } from "node:fs";
import { Signature } from "@chainsafe/blst";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BLS_POP_DST,
  BLS_SIGNATURE_DST,
  blsAggregatePublicKeys,
  blsAggregateSignatures,
  blsAggregateVerify,
  blsFastAggregateVerify,
  blsKeyGen,
  blsProvePossession,
  blsSecretKeyToPublicKey,
  blsSign,
  blsVerify,
  blsVerifyPossession,
  blsVerifySignatureSets,
  bytesToHex,
  hexToBytes,
  isValidBlsPublicKey,
} from "../src/index.ts";

interface VectorFile<I, O> {
  cases: { name: string; input: I; output: O }[];
}

function readVectors<I, O>(name: string): VectorFile<I, O>["cases"] {
  const url = new URL(`./vectors/${name}`, import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as VectorFile<I, O>).cases;
}

/**
 * The compressed encoding of a point of E2 with x = (k, 0) for the first k whose x³ + 4(1 + i) is a
 * square: on the curve, and (the cofactor being huge) outside the order-r subgroup.
 */
function onCurveNotInSubgroupG2(): Uint8Array {
  const Fp2 = bls12_381.fields.Fp2;
  const b = Fp2.create({ c0: 4n, c1: 4n });
  for (let k = 1n; ; k++) {
    const x = Fp2.create({ c0: k, c1: 0n });
    try {
      Fp2.sqrt(Fp2.add(Fp2.mul(Fp2.sqr(x), x), b));
    } catch {
      continue;
    }
    const out = hexToBytes(x.c1.toString(16).padStart(96, "0") + x.c0.toString(16).padStart(96, "0"));
    out[0] |= 0x80; // compressed flag
    return out;
  }
}

const ikm = (seed: number) => new Uint8Array(32).fill(seed);
const text = (s: string) => new TextEncoder().encode(s);
const INFINITY_PUBLIC_KEY = hexToBytes(`c0${"00".repeat(47)}`);
const INFINITY_SIGNATURE = hexToBytes(`c0${"00".repeat(95)}`);
/** Not on the curve: from the deserialization_G2 suite of ethereum/bls12-381-tests. */
const NOT_ON_CURVE_SIGNATURE = hexToBytes(
  "8123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde0",
);

describe("BLS test vectors (ethereum/bls12-381-tests)", () => {
  it("signs as the sign vectors say, and rejects the zero secret key", () => {
    const cases = readVectors<{ privkey: string; message: string }, string | null>("bls-sign.json");
    expect(cases.length).toBeGreaterThan(5);
    for (const c of cases) {
      const sk = hexToBytes(c.input.privkey);
      const msg = hexToBytes(c.input.message);
      if (c.output === null) expect(() => blsSign(sk, msg), c.name).toThrow(TypeError);
      else expect(bytesToHex(blsSign(sk, msg)), c.name).toBe(c.output.slice(2));
    }
  });

  it("verifies as the verify vectors say", () => {
    type Input = { pubkey: string; message: string; signature: string };
    const cases = readVectors<Input, boolean>("bls-verify.json");
    for (const c of cases) {
      const { pubkey, message, signature } = c.input;
      expect(blsVerify(hexToBytes(pubkey), hexToBytes(message), hexToBytes(signature)), c.name).toBe(
        c.output,
      );
    }
  });

  it("aggregates as the aggregate vectors say", () => {
    for (const c of readVectors<string[], string | null>("bls-aggregate.json")) {
      const sigs = c.input.map((s) => hexToBytes(s));
      if (c.output === null) expect(() => blsAggregateSignatures(sigs), c.name).toThrow(TypeError);
      else expect(bytesToHex(blsAggregateSignatures(sigs)), c.name).toBe(c.output.slice(2));
    }
  });

  it("fast-aggregate-verifies as the vectors say", () => {
    type Input = { pubkeys: string[]; message: string; signature: string };
    for (const c of readVectors<Input, boolean>("bls-fast-aggregate-verify.json")) {
      const pks = c.input.pubkeys.map((p) => hexToBytes(p));
      const ok = blsFastAggregateVerify(pks, hexToBytes(c.input.message), hexToBytes(c.input.signature));
      expect(ok, c.name).toBe(c.output);
    }
  });
});

describe("BLS sign and verify", () => {
  const alice = blsKeyGen(ikm(1));
  const bob = blsKeyGen(ikm(2));

  it("derives keys deterministically from ikm, with the documented sizes", () => {
    expect(alice.secretKey.length).toBe(32);
    expect(alice.publicKey.length).toBe(48);
    expect(blsKeyGen(ikm(1))).toEqual(alice);
    expect(blsSecretKeyToPublicKey(alice.secretKey)).toEqual(alice.publicKey);
    expect(blsKeyGen().secretKey).not.toEqual(blsKeyGen().secretKey);
    expect(() => blsKeyGen(new Uint8Array(31))).toThrow(TypeError);
    expect(isValidBlsPublicKey(alice.publicKey)).toBe(true);
  });

  it("round-trips sign/verify and rejects a wrong message or key", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
        (msg, delta) => {
          const sig = blsSign(alice.secretKey, msg);
          expect(sig.length).toBe(96);
          expect(blsVerify(alice.publicKey, msg, sig)).toBe(true);
          expect(blsVerify(bob.publicKey, msg, sig)).toBe(false);
          const other = new Uint8Array([...msg, ...delta]);
          expect(blsVerify(alice.publicKey, other, sig)).toBe(false);
        },
      ),
      { numRuns: 20 },
    );
  });

  it("answers false, never throws, for malformed keys and signatures", () => {
    const msg = text("m");
    const sig = blsSign(alice.secretKey, msg);
    const flipped = sig.slice();
    flipped[50] ^= 1;
    const badInputs: [Uint8Array, Uint8Array][] = [
      [alice.publicKey.subarray(0, 47), sig],
      [new Uint8Array(48), sig],
      [INFINITY_PUBLIC_KEY, sig],
      [alice.publicKey, sig.subarray(0, 95)],
      [alice.publicKey, new Uint8Array(96)],
      [alice.publicKey, INFINITY_SIGNATURE],
      [alice.publicKey, NOT_ON_CURVE_SIGNATURE],
      [alice.publicKey, flipped],
      [INFINITY_PUBLIC_KEY, INFINITY_SIGNATURE],
    ];
    for (const [pk, s] of badInputs) expect(blsVerify(pk, msg, s)).toBe(false);
    // An uncompressed (96-byte) key is refused even though blst could read it.
    expect(blsVerify(new Uint8Array(96), msg, sig)).toBe(false);
    expect(blsVerify(alice.publicKey, null as unknown as Uint8Array, sig)).toBe(false);
    expect(isValidBlsPublicKey(INFINITY_PUBLIC_KEY)).toBe(false);
    expect(() => blsSign(new Uint8Array(31), msg)).toThrow(TypeError);
  });

  it("rejects an on-curve signature outside G2's subgroup", () => {
    const point = onCurveNotInSubgroupG2();
    expect(() => Signature.fromBytes(point, false, false)).not.toThrow(); // on the curve
    expect(() => Signature.fromBytes(point, true)).toThrow(); // not in the subgroup
    expect(blsVerify(alice.publicKey, text("m"), point)).toBe(false);
    expect(
      blsVerifySignatureSets([{ publicKey: alice.publicKey, message: text("m"), signature: point }]).valid,
    ).toEqual([false]);
  });
});

describe("BLS aggregation", () => {
  const signers = Array.from({ length: 100 }, (_, i) => blsKeyGen(ikm(i + 10)));
  const msg = text("block 42");
  const sigs = signers.map((s) => blsSign(s.secretKey, msg));
  const pks = signers.map((s) => s.publicKey);
  const aggregate = blsAggregateSignatures(sigs);

  it("fast-verifies 100 signers and fails when one signer is swapped or missing", () => {
    expect(blsFastAggregateVerify(pks, msg, aggregate)).toBe(true);
    const swapped = [...pks];
    swapped[37] = blsKeyGen(ikm(200)).publicKey;
    expect(blsFastAggregateVerify(swapped, msg, aggregate)).toBe(false);
    expect(blsFastAggregateVerify(pks.slice(1), msg, aggregate)).toBe(false);
    expect(blsFastAggregateVerify(pks, text("block 43"), aggregate)).toBe(false);
    expect(blsVerify(blsAggregatePublicKeys(pks), msg, aggregate)).toBe(true);
  });

  it("fast-verify is false for no keys, a malformed key, or keys that cancel to infinity", () => {
    expect(blsFastAggregateVerify([], msg, aggregate)).toBe(false);
    expect(blsFastAggregateVerify([...pks.slice(0, 3), new Uint8Array(48)], msg, aggregate)).toBe(false);
    const pk = bls12_381.G1.Point.fromBytes(pks[0]);
    const rogue = pk.negate().toBytes(true);
    expect(blsAggregatePublicKeys([pks[0], rogue])).toEqual(INFINITY_PUBLIC_KEY);
    expect(blsFastAggregateVerify([pks[0], rogue], msg, INFINITY_SIGNATURE)).toBe(false);
    expect(blsFastAggregateVerify([pks[0], rogue], msg, aggregate)).toBe(false);
    expect(() => blsAggregatePublicKeys([])).toThrow(TypeError);
    expect(() => blsAggregatePublicKeys([new Uint8Array(48)])).toThrow(TypeError);
    expect(() => blsAggregateSignatures([NOT_ON_CURVE_SIGNATURE])).toThrow(TypeError);
  });

  it("aggregate-verifies distinct messages and fails when messages are swapped", () => {
    const msgs = signers.slice(0, 5).map((_, i) => text(`message ${i}`));
    const sig = blsAggregateSignatures(signers.slice(0, 5).map((s, i) => blsSign(s.secretKey, msgs[i])));
    const keys = pks.slice(0, 5);
    expect(blsAggregateVerify(keys, msgs, sig)).toBe(true);
    expect(blsAggregateVerify(keys, [msgs[1], msgs[0], ...msgs.slice(2)], sig)).toBe(false);
    expect(blsAggregateVerify(keys, msgs.slice(1), sig)).toBe(false);
    expect(blsAggregateVerify([], [], sig)).toBe(false);
    expect(blsAggregateVerify([INFINITY_PUBLIC_KEY, ...keys.slice(1)], msgs, sig)).toBe(false);
  });

  it("batch-verifies sets and re-checks them one by one when one is bad", () => {
    const sets = signers.slice(0, 6).map((s, i) => {
      const message = text(`set ${i}`);
      return { publicKey: s.publicKey, message, signature: blsSign(s.secretKey, message) };
    });
    expect(blsVerifySignatureSets(sets)).toEqual({
      valid: sets.map(() => true),
      batched: true,
      batchFailed: false,
    });
    const bad = sets.map((s) => ({ ...s }));
    bad[2].message = text("tampered");
    bad[4].signature = new Uint8Array(96);
    const outcome = blsVerifySignatureSets(bad);
    expect(outcome.valid).toEqual([true, true, false, true, false, true]);
    expect(outcome).toMatchObject({ batched: true, batchFailed: true });
    expect(blsVerifySignatureSets([sets[0]])).toEqual({ valid: [true], batched: false, batchFailed: false });
    expect(blsVerifySignatureSets([])).toEqual({ valid: [], batched: false, batchFailed: false });
  });
});

describe("BLS proof of possession", () => {
  const key = blsKeyGen(ikm(7));
  const proof = blsProvePossession(key.secretKey);

  it("uses the POP tag for proofs and the signature tag for signatures", () => {
    expect(BLS_SIGNATURE_DST).toBe("BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_");
    expect(BLS_POP_DST).toBe("BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_");
    // Cross-check: noble under the signature DST gives blst's signature.
    const sigs = bls12_381.longSignatures;
    const msg = text("cross-check");
    const noble = sigs.sign(sigs.hash(msg, BLS_SIGNATURE_DST), key.secretKey).toBytes(true);
    expect(bytesToHex(noble)).toBe(bytesToHex(blsSign(key.secretKey, msg)));
  });

  it("accepts a valid proof and rejects another key's proof", () => {
    expect(proof.length).toBe(96);
    expect(blsVerifyPossession(key.publicKey, proof)).toBe(true);
    const other = blsKeyGen(ikm(8));
    expect(blsVerifyPossession(other.publicKey, proof)).toBe(false);
    expect(blsVerifyPossession(key.publicKey, blsProvePossession(other.secretKey))).toBe(false);
  });

  it("keeps proofs and signatures apart: neither passes for the other", () => {
    expect(blsVerify(key.publicKey, key.publicKey, proof)).toBe(false);
    const signatureOverKey = blsSign(key.secretKey, key.publicKey);
    expect(blsVerifyPossession(key.publicKey, signatureOverKey)).toBe(false);
  });

  it("answers false for malformed keys and proofs", () => {
    expect(blsVerifyPossession(INFINITY_PUBLIC_KEY, INFINITY_SIGNATURE)).toBe(false);
    expect(blsVerifyPossession(key.publicKey, INFINITY_SIGNATURE)).toBe(false);
    expect(blsVerifyPossession(key.publicKey, NOT_ON_CURVE_SIGNATURE)).toBe(false);
    expect(blsVerifyPossession(key.publicKey.subarray(1), proof)).toBe(false);
    expect(blsVerifyPossession(key.publicKey, proof.subarray(1))).toBe(false);
  });
});
