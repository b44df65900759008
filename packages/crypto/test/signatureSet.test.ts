import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  packSignatureSets,
  type SignatureSet,
  unpackSignatureSets,
  verifySignatureSetsInThread,
} from "../src/index.ts";
import { blsSet, edSet, tampered } from "./verifierSuite.ts";

const arbitrarySet: fc.Arbitrary<SignatureSet> = fc.record({
  scheme: fc.constantFrom("ed25519" as const, "bls" as const),
  publicKey: fc.uint8Array({ maxLength: 64 }),
  message: fc.uint8Array({ maxLength: 300 }),
  signature: fc.uint8Array({ maxLength: 128 }),
});

describe("packSignatureSets / unpackSignatureSets", () => {
  it("round-trips any sets", () => {
    fc.assert(
      fc.property(fc.array(arbitrarySet, { maxLength: 20 }), (sets) => {
        expect(unpackSignatureSets(packSignatureSets(sets))).toEqual(sets);
      }),
    );
  });

  it("packs a malformed set as an invalid one instead of failing", () => {
    const weird = [
      { scheme: "rsa", publicKey: new Uint8Array(2), message: "text", signature: null },
    ] as unknown as SignatureSet[];
    const [set] = unpackSignatureSets(packSignatureSets(weird));
    expect(set.scheme).not.toBe("ed25519");
    expect(set.scheme).not.toBe("bls");
    expect(set.message).toEqual(new Uint8Array(0));
    expect(verifySignatureSetsInThread([set]).valid).toEqual([false]);
  });

  it("throws RangeError for a truncated buffer", () => {
    const packed = packSignatureSets([edSet(1), edSet(2)]);
    for (const cut of [0, 3, 10, packed.byteLength - 1])
      expect(() => unpackSignatureSets(packed.slice(0, cut))).toThrow(RangeError);
  });
});

describe("verifySignatureSetsInThread", () => {
  it("answers mixed schemes in order and counts BLS batches", () => {
    const sets = [edSet(1), blsSet(1), tampered(edSet(2)), blsSet(2), tampered(blsSet(3))];
    const { valid, stats } = verifySignatureSetsInThread(sets);
    expect(valid).toEqual([true, true, false, true, false]);
    expect(stats).toEqual({ blsBatches: 1, blsBatchRetries: 1 });
    expect(verifySignatureSetsInThread([null as unknown as SignatureSet]).valid).toEqual([false]);
  });
});
