import { bytesToHex } from "@vshard/crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CodecError,
  decodeSchema,
  encodeSchema,
  encodeTuple,
  parseWorkerChainSchema,
  parseWorkerChainSchemaText,
  schemaHash,
  schemaToJson,
  schemaToTuple,
} from "../../src/index.ts";
import { expectCodecError } from "../expectCodecError.ts";
import { type Json, loadExample, minimalSchemaJson, reorderKeys, set } from "./fixtures.ts";

const examples = ["gpu-rental", "token-ledger"].map((name) => parseWorkerChainSchema(loadExample(name)));
const hashHex = (json: unknown) => bytesToHex(schemaHash(parseWorkerChainSchema(json)));

/** A key-order permutation driven by a seed (a small LCG), so fast-check can shrink and replay it. */
function shuffleWith(seed: number): (keys: string[]) => string[] {
  let x = seed >>> 0;
  return (keys) => {
    const a = [...keys];
    for (let i = a.length - 1; i > 0; i--) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const j = x % (i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  };
}

describe("schemaHash", () => {
  it("does not depend on key order (any permutation of every object's keys)", () => {
    for (const name of ["gpu-rental", "token-ledger"]) {
      const json = loadExample(name);
      const expected = hashHex(json);
      fc.assert(
        fc.property(fc.integer(), (seed) => {
          expect(hashHex(reorderKeys(json, shuffleWith(seed)))).toBe(expected);
        }),
        { numRuns: 50 },
      );
    }
  });

  it("does not depend on whitespace, nor on spelling out the defaults", () => {
    const json = loadExample("token-ledger");
    const expected = hashHex(json);
    expect(bytesToHex(schemaHash(parseWorkerChainSchemaText(JSON.stringify(json, null, 7))))).toBe(expected);
    expect(bytesToHex(schemaHash(parseWorkerChainSchemaText(JSON.stringify(json))))).toBe(expected);
    const spelt = schemaToJson(parseWorkerChainSchema(json));
    expect(spelt.compression).toEqual({ codec: "zstd", level: 3 });
    expect(hashHex(spelt)).toBe(expected);
  });

  it("changes with any change of meaning", () => {
    const base = hashHex(minimalSchemaJson());
    const edits: ((j: Json) => void)[] = [
      set("version", 2),
      set("shards.1.consensus.params.producers", 5),
      set("shards.0.committeeSize", 7),
      set("fees.perByte", "1"),
      set("recordTypes.0.fields.1.max", 99),
      set("recordTypes.0.fields.1.optional", true),
      set("recordTypes.0.key", undefined),
      (j) => {
        j.shards.reverse();
      },
    ];
    const hashes = edits.map((edit) => {
      const json = minimalSchemaJson();
      edit(json);
      return hashHex(json);
    });
    expect(new Set([base, ...hashes]).size).toBe(edits.length + 1);
  });

  it("is pinned for gpu-rental (a change here is a change of the canonical encoding)", () => {
    expect(bytesToHex(schemaHash(examples[0]))).toMatchInlineSnapshot(
      `"fec4731e3a6f5a9d09940cd63427ea2d0b9c194acff8ee8c6f6eef313a2fe32d"`,
    );
  });
});

describe("encodeSchema / decodeSchema", () => {
  it("round-trips the examples and their JSON form", () => {
    for (const schema of examples) {
      expect(decodeSchema(encodeSchema(schema))).toEqual(schema);
      expect(parseWorkerChainSchema(schemaToJson(schema))).toEqual(schema);
    }
  });

  it("refuses malformed, non-canonical and invalid encodings with CodecError", () => {
    const tuple = () => schemaToTuple(examples[1]);
    expectCodecError(() => decodeSchema(new Uint8Array()), "CODEC_ERROR_MALFORMED", "empty input");
    const bytes = encodeSchema(examples[1]);
    expectCodecError(() => decodeSchema(new Uint8Array([...bytes, 0])), "CODEC_ERROR_MALFORMED", "one value");
    expectCodecError(
      () => decodeSchema(encodeTuple(tuple().slice(1))),
      "CODEC_ERROR_WRONG_SHAPE",
      "9 fields",
    );
    const version0 = tuple();
    version0[2] = 0;
    expectCodecError(
      () => decodeSchema(encodeTuple(version0)),
      "CODEC_ERROR_WRONG_SHAPE",
      "$.version: expected",
    );
    const future = tuple();
    future[0] = 2;
    expectCodecError(
      () => decodeSchema(encodeTuple(future)),
      "CODEC_ERROR_WRONG_SHAPE",
      "encoding version 2",
    );
    // zstd with its level left out is another spelling of level 3: only the spelt-out form is canonical.
    const implicitLevel = tuple();
    implicitLevel[5] = ["zstd", null];
    expectCodecError(
      () => decodeSchema(encodeTuple(implicitLevel)),
      "CODEC_ERROR_NOT_CANONICAL",
      "canonical",
    );
    const badFee = tuple();
    badFee[6] = ["10", 1];
    expectCodecError(() => decodeSchema(encodeTuple(badFee)), "CODEC_ERROR_WRONG_TYPE", "schema.fees.minFee");
  });

  it("never throws anything but CodecError on random or corrupted bytes", () => {
    const valid = encodeSchema(examples[0]);
    const check = (bytes: Uint8Array) => {
      try {
        const schema = decodeSchema(bytes);
        expect(bytesToHex(encodeSchema(schema))).toBe(bytesToHex(bytes));
      } catch (err) {
        expect(err).toBeInstanceOf(CodecError);
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), check), { numRuns: 300 });
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const corrupt = new Uint8Array(valid);
        corrupt[at] = byte;
        check(corrupt);
      }),
      { numRuns: 500 },
    );
  });
});
