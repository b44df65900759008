import { bytesEqual } from "@vshard/crypto";
import { Packr } from "msgpackr";
import { CodecError, type CodecErrorCode } from "./errors.ts";

/**
 * The one msgpackr instance behind every canonical encoding: values are tuples (arrays) in a fixed
 * field order, never maps, so the bytes of a value are unique. 64-bit integers decode as bigint.
 */
const packr = new Packr({
  useRecords: false,
  moreTypes: false,
  structuredClone: false,
  variableMapSize: true,
  int64AsType: "bigint",
});

/** Largest amount a ledger value may hold: amounts are encoded as msgpack uint64. */
export const MAX_AMOUNT = (1n << 64n) - 1n;

/** Encodes a tuple built by one of the `xToTuple` functions. */
export function encodeTuple(tuple: unknown[]): Uint8Array {
  return packr.pack(tuple);
}

/**
 * A new array object over the same bytes (a Buffer stays a Buffer): msgpackr caches a `dataView` property on the
 * array it reads, so decoding from a fresh view leaves the caller's array untouched (equal to what it was, and free
 * of a property that `toEqual` and stored copies would carry).
 */
function freshView(bytes: Uint8Array): Uint8Array {
  return Buffer.isBuffer(bytes)
    ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function fail(code: CodecErrorCode, what: string, message: string): never {
  throw new CodecError({ code, what }, `${what}: ${message}`);
}

/** Decodes exactly one msgpack value (no canonical check: callers decode its parts canonically). */
export function decodeValue(bytes: Uint8Array, what: string): unknown {
  if (!(bytes instanceof Uint8Array)) fail("CODEC_ERROR_WRONG_TYPE", what, "expected bytes");
  if (bytes.length === 0) fail("CODEC_ERROR_MALFORMED", what, "empty input");
  try {
    const values = packr.unpackMultiple(freshView(bytes) as Buffer) as unknown[];
    if (values.length !== 1)
      fail("CODEC_ERROR_MALFORMED", what, `expected one value, found ${values.length}`);
    return values[0];
  } catch (err) {
    if (err instanceof CodecError) throw err;
    fail("CODEC_ERROR_MALFORMED", what, `not valid msgpack (${(err as Error).message})`);
  }
}

/**
 * Decodes `bytes` as a tuple of exactly `length` fields and checks that re-encoding gives the same
 * bytes, so that every value has exactly one accepted encoding. Any malformed input becomes a
 * `CodecError`, never another exception.
 */
export function decodeTuple(bytes: Uint8Array, length: number, what: string): unknown[] {
  if (!(bytes instanceof Uint8Array)) fail("CODEC_ERROR_WRONG_TYPE", what, "expected bytes");
  if (bytes.length === 0) fail("CODEC_ERROR_MALFORMED", what, "empty input");
  let value: unknown;
  let end = 0;
  try {
    // Read the first value only: bytes after a complete value are a non-canonical encoding, not garbage.
    packr.unpackMultiple(freshView(bytes) as Buffer, (v: unknown, _start?: number, stop?: number) => {
      value = v;
      end = stop ?? bytes.length;
      return false;
    });
  } catch (err) {
    fail("CODEC_ERROR_MALFORMED", what, `not valid msgpack (${(err as Error).message})`);
  }
  if (end !== bytes.length)
    fail("CODEC_ERROR_NOT_CANONICAL", what, `${bytes.length - end} trailing bytes after the value`);
  const tuple = expectTuple(value, length, what);
  let again: Uint8Array;
  try {
    again = packr.pack(tuple);
  } catch {
    fail("CODEC_ERROR_NOT_CANONICAL", what, "decoded value cannot be re-encoded");
  }
  if (!bytesEqual(again, bytes)) fail("CODEC_ERROR_NOT_CANONICAL", what, "not the canonical encoding");
  return tuple;
}

/** Checks that a decoded value is an array of `length` fields. */
export function expectTuple(value: unknown, length: number, what: string): unknown[] {
  if (!Array.isArray(value)) fail("CODEC_ERROR_WRONG_SHAPE", what, "expected a tuple (array)");
  if (value.length !== length)
    fail("CODEC_ERROR_WRONG_SHAPE", what, `expected ${length} fields, got ${value.length}`);
  return value;
}

/** A non-negative safe integer field (heights, nonces, shard ids, times). */
export function expectUint(value: unknown, what: string, max = Number.MAX_SAFE_INTEGER): number {
  // A 64-bit msgpack integer decodes as bigint; a safe integer is never canonically written that way.
  if (typeof value === "bigint")
    fail(
      value >= 0n && value <= BigInt(max) ? "CODEC_ERROR_NOT_CANONICAL" : "CODEC_ERROR_OUT_OF_RANGE",
      what,
      `${value} written as a 64-bit integer`,
    );
  if (typeof value !== "number" || !Number.isInteger(value))
    fail("CODEC_ERROR_WRONG_TYPE", what, "expected an integer");
  if (value < 0 || value > max) fail("CODEC_ERROR_OUT_OF_RANGE", what, `${value} is outside 0..${max}`);
  return value;
}

/** An amount field: a msgpack integer in 0..2^64-1, returned as bigint. */
export function expectAmount(value: unknown, what: string): bigint {
  let amount: bigint;
  if (typeof value === "bigint") {
    // `amountToWire` writes amounts up to 2^53-1 as plain numbers: a bigint that small is another encoding.
    if (value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER))
      fail("CODEC_ERROR_NOT_CANONICAL", what, `amount ${value} written as a 64-bit integer`);
    amount = value;
  } else if (typeof value === "number" && Number.isSafeInteger(value)) amount = BigInt(value);
  else fail("CODEC_ERROR_WRONG_TYPE", what, "expected an integer amount");
  if (amount < 0n || amount > MAX_AMOUNT) fail("CODEC_ERROR_OUT_OF_RANGE", what, "amount outside 0..2^64-1");
  return amount;
}

/** Amounts go on the wire as the smallest msgpack integer that holds them (canonical). */
export function amountToWire(amount: bigint): number | bigint {
  return amount <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(amount) : amount;
}

/** Smallest value of a signed ledger value (msgpack int64). */
export const MIN_INT64 = -(1n << 63n);
/** Largest value of a signed ledger value (msgpack int64). */
export const MAX_INT64 = (1n << 63n) - 1n;
/** Signed values from here to `WIRE_NUMBER_MAX` fit a msgpack int of at most 32 bits: they go as plain numbers. */
const WIRE_NUMBER_MIN = -(1n << 31n);
const WIRE_NUMBER_MAX = (1n << 32n) - 1n;

/**
 * Signed values go on the wire as the smallest msgpack int that holds them (canonical): a value that fits 32 bits as
 * a number (fixint, int8..int32, uint8..uint32), anything larger as a 64-bit int (never as a float).
 */
export function int64ToWire(value: bigint): number | bigint {
  return value >= WIRE_NUMBER_MIN && value <= WIRE_NUMBER_MAX ? Number(value) : value;
}

/** A signed field: a msgpack integer in -2^63..2^63-1 in the form `int64ToWire` writes, returned as bigint. */
export function expectInt64(value: unknown, what: string): bigint {
  let result: bigint;
  if (typeof value === "bigint") {
    if (value >= WIRE_NUMBER_MIN && value <= WIRE_NUMBER_MAX)
      fail("CODEC_ERROR_NOT_CANONICAL", what, `${value} written as a 64-bit integer`);
    result = value;
  } else if (typeof value === "number" && Number.isInteger(value)) {
    result = BigInt(value);
    // msgpackr writes a whole number above 32 bits as a float64: never the canonical form of a signed value.
    if (result < WIRE_NUMBER_MIN || result > WIRE_NUMBER_MAX) {
      if (result >= MIN_INT64 && result <= MAX_INT64)
        fail("CODEC_ERROR_NOT_CANONICAL", what, `${value} written as a float`);
      fail("CODEC_ERROR_OUT_OF_RANGE", what, "value outside -2^63..2^63-1");
    }
  } else fail("CODEC_ERROR_WRONG_TYPE", what, "expected an integer");
  if (result < MIN_INT64 || result > MAX_INT64)
    fail("CODEC_ERROR_OUT_OF_RANGE", what, "value outside -2^63..2^63-1");
  return result;
}

/** A byte-string field, optionally of an exact length; returned as a plain Uint8Array. */
export function expectBytes(value: unknown, what: string, length?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) fail("CODEC_ERROR_WRONG_TYPE", what, "expected bytes");
  if (length !== undefined && value.length !== length)
    fail("CODEC_ERROR_OUT_OF_RANGE", what, `expected ${length} bytes, got ${value.length}`);
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** A string field. */
export function expectString(value: unknown, what: string, maxLength = 1024): string {
  if (typeof value !== "string") fail("CODEC_ERROR_WRONG_TYPE", what, "expected a string");
  if (value.length > maxLength) fail("CODEC_ERROR_OUT_OF_RANGE", what, `longer than ${maxLength} characters`);
  return value;
}

/** An array field whose items are decoded by `item`. */
export function expectArray<T>(value: unknown, what: string, item: (v: unknown, what: string) => T): T[] {
  if (!Array.isArray(value)) fail("CODEC_ERROR_WRONG_TYPE", what, "expected an array");
  return value.map((v, i) => item(v, `${what}[${i}]`));
}
