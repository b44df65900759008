import fc from "fast-check";
import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import {
  CodecError,
  type CodecErrorCode,
  decodeSmallbankRecord,
  decodeTx,
  encodeSmallbankRecord,
  encodeTx,
  expectInt64,
  int64ToWire,
  MAX_INT64,
  MIN_INT64,
  SmallbankOp,
  type Tx,
  TxKind,
} from "../src/index.ts";
import { int64Arb, noopTxArb, smallbankTxArb } from "./arbitraries.ts";

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ""), "hex"));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/** msgpack without the canonical rules, to write payloads by hand. */
const loosePackr = new Packr({ useRecords: false, variableMapSize: true });

function codecError(fn: () => unknown, code: CodecErrorCode, message: string): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CodecError);
  expect((err as CodecError).code).toBe(code);
  expect((err as CodecError).message).toContain(message);
}

describe("TxKind numbers", () => {
  it("keeps transfer at 0, cross-transfer 1, receive 2, noop 10, smallbank 11, stake 3, unstake 4, vote 5, evidence 12", () => {
    expect([TxKind.Transfer, TxKind.CrossTransfer, TxKind.Receive]).toEqual([0, 1, 2]);
    expect([TxKind.Noop, TxKind.Smallbank]).toEqual([10, 11]);
    expect([TxKind.Stake, TxKind.Unstake, TxKind.Vote, TxKind.Evidence]).toEqual([3, 4, 5, 12]);
    expect([SmallbankOp.Balance, SmallbankOp.SendPayment]).toEqual([0, 5]);
  });
});

describe("signed int64 fields", () => {
  it("go on the wire as the smallest msgpack int, never a float", () => {
    const cases: Array<[bigint, string]> = [
      [0n, "00"],
      [-1n, "ff"],
      [-33n, "d0df"],
      [127n, "7f"],
      [-(2n ** 31n), "d280000000"],
      [2n ** 32n - 1n, "ceffffffff"],
      [2n ** 32n, "d30000000100000000"],
      [-(2n ** 31n) - 1n, "d3ffffffff7fffffff"],
      [MAX_INT64, "d37fffffffffffffff"],
      [MIN_INT64, "d38000000000000000"],
    ];
    for (const [value, wire] of cases)
      expect(toHex(encodeSmallbankRecord({ checking: value, savings: 0n })), String(value)).toBe(
        `92${wire}00`,
      );
  });

  it("int64ToWire and expectInt64 are inverse over the whole range (property)", () => {
    fc.assert(
      fc.property(int64Arb, (v) => {
        expect(expectInt64(int64ToWire(v), "v")).toBe(v);
      }),
    );
  });

  it.each([
    [
      "a small value as int64",
      "92 d30000000000000005 00",
      "CODEC_ERROR_NOT_CANONICAL",
      "5 written as a 64-bit",
    ],
    [
      "a small negative value as int64",
      "92 d3fffffffffffffffb 00",
      "CODEC_ERROR_NOT_CANONICAL",
      "-5 written as",
    ],
    ["2^40 as float64", "92 cb4270000000000000 00", "CODEC_ERROR_NOT_CANONICAL", "written as a float"],
    ["2^63 as uint64", "92 cf8000000000000000 00", "CODEC_ERROR_OUT_OF_RANGE", "outside -2^63..2^63-1"],
    ["2^64 as float64", "92 cb43f0000000000000 00", "CODEC_ERROR_OUT_OF_RANGE", "outside -2^63..2^63-1"],
    ["1.5", "92 cb3ff8000000000000 00", "CODEC_ERROR_WRONG_TYPE", "expected an integer"],
    ["a string", "92 a135 00", "CODEC_ERROR_WRONG_TYPE", "smallbankRecord.checking"],
    ["5 as uint16", "92 cd0005 00", "CODEC_ERROR_NOT_CANONICAL", "not the canonical encoding"],
  ] as const)("rejects %s in a record", (_name, bytes, code, message) => {
    codecError(() => decodeSmallbankRecord(hex(bytes)), code, message);
  });
});

describe("noop and smallbank payloads", () => {
  const base = (kind: TxKind, payload: unknown) =>
    loosePackr.pack([1, 0, kind, new Uint8Array(32), 0, 1, payload]);

  it("a noop payload is the empty tuple and a smallbank payload [op, other, amount]", () => {
    fc.assert(
      fc.property(noopTxArb, (tx) => {
        expect(toHex(encodeTx(tx)).endsWith("90")).toBe(true);
      }),
      { numRuns: 20 },
    );
    const tx: Tx = {
      chainId: 1,
      shard: 0,
      kind: TxKind.Smallbank,
      sender: new Uint8Array(32),
      nonce: 0,
      fee: 1n,
      payload: { op: SmallbankOp.WriteCheck, amount: -2n },
    };
    expect(toHex(encodeTx(tx)).endsWith("9304c400fe")).toBe(true);
    expect(decodeTx(encodeTx(tx))).toEqual(tx);
  });

  it("decodes an absent `other` as no field at all", () => {
    fc.assert(
      fc.property(smallbankTxArb, (tx) => {
        const back = decodeTx(encodeTx(tx));
        expect("other" in back.payload).toBe(tx.payload.other !== undefined);
      }),
    );
  });

  it.each([
    [
      "a noop payload with a field",
      TxKind.Noop,
      [1],
      "CODEC_ERROR_WRONG_SHAPE",
      "tx.payload: expected 0 fields",
    ],
    ["a noop payload that is a map", TxKind.Noop, {}, "CODEC_ERROR_WRONG_SHAPE", "expected a tuple"],
    ["two fields", TxKind.Smallbank, [0, new Uint8Array(0)], "CODEC_ERROR_WRONG_SHAPE", "expected 3 fields"],
    ["an unknown op", TxKind.Smallbank, [6, new Uint8Array(0), 0], "CODEC_ERROR_OUT_OF_RANGE", "op 6"],
    [
      "a negative op",
      TxKind.Smallbank,
      [-1, new Uint8Array(0), 0],
      "CODEC_ERROR_OUT_OF_RANGE",
      "tx.payload.op",
    ],
    [
      "a 19-byte other",
      TxKind.Smallbank,
      [3, new Uint8Array(19), 0],
      "CODEC_ERROR_OUT_OF_RANGE",
      "tx.payload.other: expected 0 or 20 bytes, got 19",
    ],
    ["other as text", TxKind.Smallbank, [3, "vs00", 0], "CODEC_ERROR_WRONG_TYPE", "tx.payload.other"],
    [
      "amount as text",
      TxKind.Smallbank,
      [1, new Uint8Array(0), "5"],
      "CODEC_ERROR_WRONG_TYPE",
      "payload.amount",
    ],
    [
      "an amount over 2^63-1",
      TxKind.Smallbank,
      [1, new Uint8Array(0), 2n ** 63n],
      "CODEC_ERROR_OUT_OF_RANGE",
      "tx.payload.amount",
    ],
    [
      "a transfer payload",
      TxKind.Smallbank,
      [new Uint8Array(20), 1],
      "CODEC_ERROR_WRONG_SHAPE",
      "expected 3",
    ],
  ] as const)("rejects %s", (_name, kind, payload, code, message) => {
    codecError(() => decodeTx(base(kind, payload)), code, message);
  });
});
