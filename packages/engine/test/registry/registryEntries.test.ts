import { bytesToHex, u64be } from "@vshard/crypto";
import { CodecError, EpochProofPurpose, encodeTuple, MAX_AMOUNT } from "@vshard/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  anchoredHeaderRecordId,
  anchorHeadRecordId,
  chainRecordId,
  decodeAnchoredHeaderEntry,
  decodeAnchorHeadEntry,
  decodeChainEntry,
  decodeEpochProofEntry,
  decodeSchemaRecordValue,
  decodeU32Value,
  decodeValidatorEntry,
  encodeAnchoredHeaderEntry,
  encodeAnchorHeadEntry,
  encodeChainEntry,
  encodeEpochProofEntry,
  encodeSchemaRecordValue,
  encodeValidatorEntry,
  epochOf,
  epochProofRecordId,
  epochStart,
  phaseOf,
  seedPhaseStart,
  sortitionPhaseStart,
  u32be,
} from "../../src/registry/index.ts";
import { RULES } from "./registryFixtures.ts";

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const height = fc.nat({ max: Number.MAX_SAFE_INTEGER });

const validator = fc.record({
  publicKey: bytes(32),
  blsPublicKey: bytes(48),
  vrfPublicKey: bytes(32),
  deposit: fc.bigInt({ min: 0n, max: MAX_AMOUNT }),
  registeredHeight: height,
});
const chainEntry = fc.record({
  chainId: fc.nat({ max: 0xffff_ffff }),
  name: fc.string({ maxLength: 40 }),
  owner: bytes(32),
  schema: fc.uint8Array({ minLength: 1, maxLength: 200 }),
  schemaHash: bytes(32),
  version: fc.nat({ max: 0xffff_ffff }),
  shardsAddedAt: fc.array(height, { maxLength: 8 }),
  registeredHeight: height,
  updatedHeight: height,
});
const anchorHead = fc.record({ height, hash: bytes(32) });
const anchoredHeader = fc.record({
  hash: bytes(32),
  stateRoot: bytes(32),
  receiptRoot: bytes(32),
  epoch: height,
  anchoredAt: height,
});
const epochProof = fc.record({ proof: bytes(80), height });
const schemaRecord = fc.record({
  record: fc.uint8Array({ minLength: 1, maxLength: 100 }),
  txHash: bytes(32),
  height,
});

/** Each codec with an arbitrary of its entries. */
const CODECS = [
  ["validator", validator, encodeValidatorEntry, decodeValidatorEntry],
  ["chain", chainEntry, encodeChainEntry, decodeChainEntry],
  ["anchorHead", anchorHead, encodeAnchorHeadEntry, decodeAnchorHeadEntry],
  ["anchoredHeader", anchoredHeader, encodeAnchoredHeaderEntry, decodeAnchoredHeaderEntry],
  ["epochProof", epochProof, encodeEpochProofEntry, decodeEpochProofEntry],
  ["schemaRecord", schemaRecord, encodeSchemaRecordValue, decodeSchemaRecordValue],
] as const;

describe("registry entry codecs", () => {
  for (const [name, arb, encode, decode] of CODECS) {
    it(`${name}: decode(encode(x)) = x, and the encoding is canonical`, () => {
      fc.assert(
        fc.property(arb as fc.Arbitrary<never>, (entry) => {
          const encoded = (encode as (e: never) => Uint8Array)(entry);
          const decoded = (decode as (b: Uint8Array) => unknown)(encoded);
          expect(decoded).toEqual(entry);
          expect((encode as (e: unknown) => Uint8Array)(decoded)).toEqual(encoded);
        }),
        { numRuns: 200 },
      );
    });

    it(`${name}: malformed bytes are a CodecError naming the entry, never another exception`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 60 }), (garbage) => {
          try {
            (decode as (b: Uint8Array) => unknown)(garbage);
          } catch (err) {
            expect(err).toBeInstanceOf(CodecError);
          }
        }),
        { numRuns: 300 },
      );
    });
  }

  it("names the field at fault", () => {
    const shortKey = encodeTuple([new Uint8Array(31), new Uint8Array(48), new Uint8Array(32), 5, 0]);
    expect(() => decodeValidatorEntry(shortKey)).toThrowError(
      "validator.publicKey: expected 32 bytes, got 31",
    );
    const badShards = encodeTuple([
      1,
      "x",
      new Uint8Array(32),
      Uint8Array.of(1),
      new Uint8Array(32),
      1,
      [-1],
      0,
      0,
    ]);
    expect(() => decodeChainEntry(badShards)).toThrowError("chain.shardsAddedAt[0]: -1 is outside");
    expect(() => decodeU32Value(Uint8Array.of(1, 2), "nextChainId")).toThrowError(
      "nextChainId: expected 4 bytes (a big-endian uint32), got 2",
    );
    expect(decodeU32Value(u32be(0xfedc_ba98), "x")).toBe(0xfedc_ba98);
  });
});

describe("registry ids", () => {
  it("big-endian ids that iterate in numeric order", () => {
    expect(bytesToHex(chainRecordId(258))).toBe("00000102");
    expect(bytesToHex(anchorHeadRecordId(1, 3))).toBe("000000010003");
    expect(bytesToHex(anchoredHeaderRecordId(1, 3, 5))).toBe(`000000010003${bytesToHex(u64be(5))}`);
    const key = new Uint8Array(32).fill(9);
    expect(bytesToHex(epochProofRecordId(2, EpochProofPurpose.Sortition, key))).toBe(
      `${bytesToHex(u64be(2))}01${bytesToHex(key)}`,
    );
  });
});

describe("epoch schedule", () => {
  it("epoch e is heights [eE, (e+1)E): seed phase first, then sortition", () => {
    // RULES.epochBlocks = 4.
    expect([0, 1, 2, 3, 4, 7, 8].map((h) => epochOf(h, RULES))).toEqual([0, 0, 0, 0, 1, 1, 2]);
    expect([0, 1, 2, 3, 4, 5, 6].map((h) => phaseOf(h, RULES))).toEqual([
      "seed",
      "seed",
      "sortition",
      "sortition",
      "seed",
      "seed",
      "sortition",
    ]);
    expect([epochStart(3, RULES), seedPhaseStart(3, RULES), sortitionPhaseStart(3, RULES)]).toEqual([
      12, 12, 14,
    ]);
    const forty = { ...RULES, epochBlocks: 40 };
    expect([epochOf(79, forty), phaseOf(59, forty), phaseOf(60, forty)]).toEqual([1, "seed", "sortition"]);
  });

  it("every height lies in its epoch's phase that starts at or before it", () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.integer({ min: 2, max: 500 }), (h, half) => {
        const rules = { ...RULES, epochBlocks: half * 2 };
        const e = epochOf(h, rules);
        expect(epochStart(e, rules) <= h && h < epochStart(e + 1, rules)).toBe(true);
        expect(phaseOf(h, rules) === "seed").toBe(h < sortitionPhaseStart(e, rules));
      }),
    );
  });
});
