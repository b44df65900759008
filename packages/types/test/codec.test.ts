import fc from "fast-check";
import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import {
  CodecError,
  type CodecErrorCode,
  decodeAccount,
  decodeHeader,
  decodeReceipt,
  decodeTx,
} from "../src/index.ts";
import { codecs } from "./arbitraries.ts";

/** The error `fn` throws (fails the test when it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

function expectCodecError(fn: () => unknown, code?: CodecErrorCode): CodecError {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(CodecError);
  if (code !== undefined) expect((err as CodecError).code).toBe(code);
  return err as CodecError;
}

/** A plain copy: msgpackr returns Buffers carrying an extra `dataView` property that toEqual would compare. */
const plain = (bytes: Uint8Array): Uint8Array => Uint8Array.from(bytes);

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ""), "hex"));

/** msgpack without the canonical rules, to write maps and other shapes by hand. */
const loosePackr = new Packr({ useRecords: false, variableMapSize: true });

describe.each(codecs)("$name codec", ({ arb, encode, decode }) => {
  it("decode(encode(x)) equals x, and encoding is stable", () => {
    fc.assert(
      fc.property(arb, (value) => {
        const bytes = encode(value);
        const back = decode(bytes);
        expect(back).toEqual(value);
        expect(plain(encode(back))).toEqual(plain(bytes));
      }),
    );
  });

  it("any byte string decodes to a value that re-encodes to it, or throws CodecError", () => {
    // Plain random bytes, and random bytes behind a tuple header so that the field decoders are reached.
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc
        .tuple(fc.integer({ min: 0x90, max: 0x9f }), fc.uint8Array({ maxLength: 200 }))
        .map(([head, rest]) => Uint8Array.from([head, ...rest])),
    );
    fc.assert(
      fc.property(input, (bytes) => {
        let value: unknown;
        try {
          value = decode(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(CodecError);
          return;
        }
        expect(plain(encode(value))).toEqual(plain(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it("every truncation of a valid encoding is CODEC_ERROR_MALFORMED", () => {
    fc.assert(
      fc.property(arb, fc.nat(), (value, cut) => {
        const bytes = encode(value);
        expectCodecError(() => decode(bytes.subarray(0, cut % bytes.length)), "CODEC_ERROR_MALFORMED");
      }),
    );
  });

  it("a single-byte corruption throws CodecError or decodes to another value with exactly those bytes", () => {
    fc.assert(
      fc.property(arb, fc.nat(), fc.integer({ min: 1, max: 255 }), (value, at, delta) => {
        const bytes = encode(value).slice();
        const i = at % bytes.length;
        bytes[i] = (bytes[i] + delta) & 0xff;
        let back: unknown;
        try {
          back = decode(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(CodecError);
          return;
        }
        // Only a byte inside a field's content can change without breaking the structure.
        expect(plain(encode(back))).toEqual(plain(bytes));
        expect(back).not.toEqual(value);
      }),
    );
  });

  it("a corrupted tuple header always throws CodecError", () => {
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 255 }), (value, delta) => {
        const bytes = encode(value).slice();
        bytes[0] = (bytes[0] + delta) & 0xff;
        expectCodecError(() => decode(bytes));
      }),
    );
  });

  it("extra trailing bytes are CODEC_ERROR_NOT_CANONICAL", () => {
    fc.assert(
      fc.property(arb, fc.uint8Array({ minLength: 1, maxLength: 12 }), (value, tail) => {
        const bytes = Uint8Array.from([...encode(value), ...tail]);
        const err = expectCodecError(() => decode(bytes), "CODEC_ERROR_NOT_CANONICAL");
        expect(err.message).toContain(`${tail.length} trailing bytes`);
      }),
    );
  });

  it("the same fields as a map instead of a tuple are CODEC_ERROR_WRONG_SHAPE", () => {
    fc.assert(
      fc.property(arb, (value) => {
        const tuple = loosePackr.unpack(encode(value)) as unknown[];
        const asMap = loosePackr.pack(Object.fromEntries(tuple.map((field, i) => [String(i), field])));
        const err = expectCodecError(() => decode(asMap), "CODEC_ERROR_WRONG_SHAPE");
        expect(err.message).toContain("expected a tuple");
      }),
      { numRuns: 30 },
    );
  });

  it("rejects input that is not bytes with CODEC_ERROR_WRONG_TYPE", () => {
    expectCodecError(() => decode("92" as unknown as Uint8Array), "CODEC_ERROR_WRONG_TYPE");
    expectCodecError(() => decode(undefined as unknown as Uint8Array), "CODEC_ERROR_WRONG_TYPE");
  });
});

describe("non-canonical encodings of one account (balance 5, nonce 7; canonical 92 05 07)", () => {
  it("accepts the canonical bytes", () => {
    expect(decodeAccount(hex("92 05 07"))).toEqual({ balance: 5n, nonce: 7 });
  });

  it.each([
    [
      "balance as uint64",
      "92 cf0000000000000005 07",
      "CODEC_ERROR_NOT_CANONICAL",
      "not the canonical encoding",
    ],
    [
      "balance as int64",
      "92 d30000000000000005 07",
      "CODEC_ERROR_NOT_CANONICAL",
      "account.balance: amount 5 written as a 64-bit",
    ],
    [
      "nonce as int64",
      "92 05 d30000000000000007",
      "CODEC_ERROR_NOT_CANONICAL",
      "account.nonce: 7 written as a 64-bit",
    ],
    ["nonce as uint16", "92 05 cd0007", "CODEC_ERROR_NOT_CANONICAL", "not the canonical encoding"],
    [
      "nonce as float64",
      "92 05 cb401c000000000000",
      "CODEC_ERROR_NOT_CANONICAL",
      "not the canonical encoding",
    ],
    ["tuple as array16", "dc0002 05 07", "CODEC_ERROR_NOT_CANONICAL", "not the canonical encoding"],
    ["a trailing byte", "92 05 07 00", "CODEC_ERROR_NOT_CANONICAL", "1 trailing bytes"],
    ["a second value", "92 05 07 92 05 07", "CODEC_ERROR_NOT_CANONICAL", "3 trailing bytes"],
    ["a map", "82 00 05 01 07", "CODEC_ERROR_WRONG_SHAPE", "expected a tuple"],
    ["three fields", "93 05 07 00", "CODEC_ERROR_WRONG_SHAPE", "expected 2 fields, got 3"],
    ["a negative nonce", "92 05 ff", "CODEC_ERROR_OUT_OF_RANGE", "account.nonce: -1 is outside"],
    ["a negative balance", "92 ff 07", "CODEC_ERROR_OUT_OF_RANGE", "account.balance"],
    [
      "a balance over 2^64-1 as float",
      "92 cb43f0000000000000 07",
      "CODEC_ERROR_WRONG_TYPE",
      "account.balance",
    ],
    ["a string balance", "92 a135 07", "CODEC_ERROR_WRONG_TYPE", "account.balance"],
    ["a nonce of 2^53 as int64", "92 05 d30020000000000000", "CODEC_ERROR_OUT_OF_RANGE", "account.nonce"],
    ["an unfinished array", "92 05", "CODEC_ERROR_MALFORMED", "not valid msgpack"],
    ["nothing", "", "CODEC_ERROR_MALFORMED", "empty input"],
  ] as const)("rejects %s", (_name, bytes, code, message) => {
    const err = expectCodecError(() => decodeAccount(hex(bytes)), code);
    expect(err.message).toContain(message);
  });
});

describe("field checks", () => {
  it("names the field of a wrong-length byte string", () => {
    const receipt = loosePackr.pack([
      new Uint8Array(31),
      new Uint8Array(20),
      new Uint8Array(20),
      1,
      [0, 0],
      [0, 1],
    ]);
    const err = expectCodecError(() => decodeReceipt(receipt), "CODEC_ERROR_OUT_OF_RANGE");
    expect(err.message).toBe("receipt.id: expected 32 bytes, got 31");
    expect(err.type.what).toBe("receipt.id");
  });

  it("rejects an unknown tx kind and an out-of-range shard", () => {
    const tx = (kind: number, shard: number) =>
      loosePackr.pack([1, shard, kind, new Uint8Array(32), 0, 0, [new Uint8Array(20), 1]]);
    for (const kind of [15, 16, 200])
      expect(expectCodecError(() => decodeTx(tx(kind, 0)), "CODEC_ERROR_OUT_OF_RANGE").message).toContain(
        `unknown kind ${kind}`,
      );
    expect(expectCodecError(() => decodeTx(tx(0, 65_536)), "CODEC_ERROR_OUT_OF_RANGE").message).toContain(
      "tx.shard",
    );
  });

  it("rejects a header whose bytes field holds a string", () => {
    const fields: unknown[] = [
      1,
      0,
      0,
      ...Array(4).fill(new Uint8Array(32)),
      new Uint8Array(36),
      "proposer",
      0,
      0,
      new Uint8Array(0),
    ];
    expect(
      expectCodecError(() => decodeHeader(loosePackr.pack(fields)), "CODEC_ERROR_WRONG_TYPE").message,
    ).toContain("header.proposer");
  });
});
