import { bytesToHex } from "@vshard/crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addressToText,
  CodecError,
  decodeRecord,
  encodeRecord,
  encodeTuple,
  parseWorkerChainSchema,
  recordToJson,
  recordTypeIndex,
  validateRecord,
} from "../../src/index.ts";
import { expectCodecError } from "../expectCodecError.ts";
import { recordArb, recordSchemaArb } from "./arbitraries.ts";
import { expectSchemaError, type Json, loadExample, set } from "./fixtures.ts";

const gpu = parseWorkerChainSchema(loadExample("gpu-rental"));
const tokens = parseWorkerChainSchema(loadExample("token-ledger"));
const alice = new Uint8Array(20).fill(0xa1);
const machine = (): Json => ({
  id: "m-1",
  owner: addressToText(alice),
  gpuModel: "h100",
  vramGb: 80,
  hourlyPrice: "2500000",
  region: "eu-west",
});
const rental = (): Json => ({
  id: "r-1",
  machineId: "m-1",
  renter: addressToText(alice),
  hoursRented: 24,
  start: 1.7e12,
});

describe("validateRecord", () => {
  it("returns the typed value of a valid GPU-rental record", () => {
    expect(validateRecord(gpu, "machine", machine())).toEqual({
      id: "m-1",
      owner: alice,
      gpuModel: "h100",
      vramGb: 80,
      hourlyPrice: 2_500_000n,
      region: "eu-west",
    });
    expect(validateRecord(gpu, "rental", rental())).toMatchObject({ hoursRented: 24, start: 1.7e12 });
    expect(validateRecord(gpu, "rentalEnd", { rentalId: "r-1", end: 1.8e12, reason: "completed" })).toEqual({
      rentalId: "r-1",
      end: 1.8e12,
      reason: "completed",
    });
    expect(recordTypeIndex(gpu, "rentalEnd")).toBe(2);
    expect(recordTypeIndex(gpu, "lease")).toBe(-1);
  });

  it("reads an absent or null optional field as null", () => {
    const transfer = { symbol: "ABC", to: addressToText(alice), amount: "18446744073709551615" };
    expect(validateRecord(tokens, "tokenTransfer", transfer).memo).toBeNull();
    expect(validateRecord(tokens, "tokenTransfer", { ...transfer, memo: null }).memo).toBeNull();
    expect(validateRecord(tokens, "tokenTransfer", { ...transfer, memo: "thanks ✓" }).memo).toBe("thanks ✓");
  });

  /** [record type, payload edit, exact path, substring of the reason]. */
  const invalid: [string, (p: Json) => unknown, string, string][] = [
    [
      "lease",
      () => ({}),
      "recordType",
      "unknown record type 'lease'; schema 'gpu-rental' has: machine, rental, rentalEnd",
    ],
    ["rental", () => [1], "payload", "expected an object, got an array"],
    ["rental", set("color", "red"), "payload.color", "unknown field; 'rental' has id, machineId, renter"],
    ["rental", set("renter", undefined), "payload.renter", "required"],
    ["rental", set("hoursRented", 9000), "payload.hoursRented", "expected uint in 1..8760, got 9000"],
    ["rental", set("hoursRented", "5"), "payload.hoursRented", 'expected uint in 1..8760, got "5"'],
    ["rental", set("hoursRented", 1.5), "payload.hoursRented", "got 1.5"],
    ["rental", set("hoursRented", null), "payload.hoursRented", "got null"],
    [
      "rental",
      set("start", -1),
      "payload.start",
      "expected timestamp (ms since 1970-01-01, an integer), got -1",
    ],
    [
      "rental",
      (p) => {
        p.renter = `${p.renter.slice(0, -1)}0`;
      },
      "payload.renter",
      "expected an address: invalid address",
    ],
    ["machine", set("vramGb", 0), "payload.vramGb", "expected uint in 1..1024, got 0"],
    ["machine", set("gpuModel", "v100"), "payload.gpuModel", 'expected one of "a100-40gb", "a100-80gb"'],
    [
      "machine",
      set("hourlyPrice", 5),
      "payload.hourlyPrice",
      "expected amount (a decimal string in 0..18446744073709551615), got 5",
    ],
    ["machine", set("hourlyPrice", "-1"), "payload.hourlyPrice", 'got "-1"'],
    ["machine", set("hourlyPrice", "18446744073709551616"), "payload.hourlyPrice", "expected amount"],
    ["machine", set("id", ""), "payload.id", "expected string of 1..64 UTF-8 bytes, got 0 bytes"],
    ["machine", set("id", "é".repeat(33)), "payload.id", "got 66 bytes"],
    ["machine", set("region", "\ud800"), "payload.region", "not well-formed Unicode"],
    [
      "rentalEnd",
      () => ({ rentalId: "r-1", end: 1, reason: "boredom" }),
      "payload.reason",
      'expected one of "completed"',
    ],
  ];

  it.each(invalid)("refuses a bad %s payload", (type, edit, path, reason) => {
    const payload = type === "machine" ? machine() : rental();
    const edited = edit(payload) ?? payload;
    const err = expectSchemaError(
      () => validateRecord(gpu, type, edited),
      path,
      reason,
      "SCHEMA_ERROR_RECORD",
    );
    expect(err.message).toBe(`record '${type}' ${path}: ${err.reason}`);
  });

  it("reads bytes as lower-case hex and ints in their range", () => {
    const json: Json = loadExample("token-ledger");
    json.recordTypes.push({
      name: "blob",
      fields: [
        { name: "data", type: "bytes", minLength: 2, maxLength: 4 },
        { name: "delta", type: "int", min: -5, max: 5 },
        { name: "flag", type: "bool" },
      ],
    });
    const s = parseWorkerChainSchema(json);
    expect(validateRecord(s, "blob", { data: "00ff", delta: -5, flag: false })).toEqual({
      data: new Uint8Array([0, 255]),
      delta: -5,
      flag: false,
    });
    const bad = (payload: Json, path: string, reason: string) =>
      expectSchemaError(() => validateRecord(s, "blob", payload), path, reason, "SCHEMA_ERROR_RECORD");
    bad(
      { data: "00FF", delta: 0, flag: true },
      "payload.data",
      "expected bytes of 2..4 bytes as lower-case hex",
    );
    bad({ data: "00f", delta: 0, flag: true }, "payload.data", 'got "00f"');
    bad({ data: "0011223344", delta: 0, flag: true }, "payload.data", "got 5 bytes");
    bad({ data: "0011", delta: 6, flag: true }, "payload.delta", "expected int in -5..5, got 6");
    bad({ data: "0011", delta: 0, flag: 1 }, "payload.flag", "expected true or false, got 1");
  });
});

describe("encodeRecord / decodeRecord", () => {
  it("round-trips any valid record of any record type, and its JSON form", () => {
    fc.assert(
      fc.property(
        recordSchemaArb.chain((schema) => fc.tuple(fc.constant(schema), recordArb(schema))),
        ([schema, record]) => {
          const bytes = encodeRecord(schema, "thing", record);
          expect(decodeRecord(schema, "thing", bytes)).toEqual(record);
          expect(validateRecord(schema, "thing", recordToJson(schema, "thing", record))).toEqual(record);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("writes the fields in declaration order, an enum as its index", () => {
    const end = validateRecord(gpu, "rentalEnd", { rentalId: "r", end: 5, reason: "machine-failure" });
    expect(bytesToHex(encodeRecord(gpu, "rentalEnd", end))).toBe("93a1720503");
  });

  it("refuses bytes that are not the canonical encoding of a valid record with CodecError", () => {
    const record = validateRecord(gpu, "rental", rental());
    const wire = [...rentalTuple(record)];
    const decode = (tuple: unknown[]) => decodeRecord(gpu, "rental", encodeTuple(tuple));
    expectCodecError(
      () => decode(wire.slice(1)),
      "CODEC_ERROR_WRONG_SHAPE",
      "rental: expected 5 fields, got 4",
    );
    expectCodecError(
      () => decode(withField(wire, 2, null)),
      "CODEC_ERROR_WRONG_TYPE",
      "rental.renter: required field is nil",
    );
    expectCodecError(
      () => decode(withField(wire, 3, 8761)),
      "CODEC_ERROR_OUT_OF_RANGE",
      "rental.hoursRented",
    );
    expectCodecError(() => decode(withField(wire, 3, 0)), "CODEC_ERROR_OUT_OF_RANGE", "0 is less than 1");
    expectCodecError(
      () => decode(withField(wire, 0, "x".repeat(65))),
      "CODEC_ERROR_OUT_OF_RANGE",
      "rental.id",
    );
    expectCodecError(
      () => decode(withField(wire, 2, new Uint8Array(19))),
      "CODEC_ERROR_OUT_OF_RANGE",
      "rental.renter",
    );
    const end = encodeTuple(["r", 5, 5]);
    expectCodecError(
      () => decodeRecord(gpu, "rentalEnd", end),
      "CODEC_ERROR_OUT_OF_RANGE",
      "rentalEnd.reason",
    );
    // hoursRented 24 written as a uint16 (cd 00 18) instead of a fixint (18): the same value, another encoding.
    const bytes = encodeTuple(wire);
    const at = bytes.indexOf(0x18, bytes.indexOf(0xc4) + 2 + 20);
    expect(at).toBe(bytes.indexOf(0xc4) + 2 + 20);
    const nonCanonical = new Uint8Array([
      ...bytes.subarray(0, at),
      0xcd,
      0x00,
      0x18,
      ...bytes.subarray(at + 1),
    ]);
    expectCodecError(() => decodeRecord(gpu, "rental", nonCanonical), "CODEC_ERROR_NOT_CANONICAL", "rental");
    expectCodecError(
      () => decodeRecord(gpu, "rental", new Uint8Array()),
      "CODEC_ERROR_MALFORMED",
      "empty input",
    );
  });

  it("never throws anything but CodecError on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        for (const type of ["machine", "rental", "rentalEnd"])
          try {
            const record = decodeRecord(gpu, type, bytes);
            expect(bytesToHex(encodeRecord(gpu, type, record))).toBe(bytesToHex(bytes));
          } catch (err) {
            expect(err).toBeInstanceOf(CodecError);
          }
      }),
      { numRuns: 500 },
    );
  });
});

function rentalTuple(record: ReturnType<typeof validateRecord>): unknown[] {
  return [record.id, record.machineId, record.renter, record.hoursRented, record.start];
}

function withField(tuple: unknown[], at: number, value: unknown): unknown[] {
  const copy = [...tuple];
  copy[at] = value;
  return copy;
}
