import { bytesToHex, hexToBytes } from "@vshard/crypto";
import { addressToText, parseAddress } from "../address.ts";
import {
  amountToWire,
  expectAmount,
  expectBytes,
  expectInt64,
  expectString,
  expectUint,
  int64ToWire,
} from "../codec.ts";
import { AddressError, CodecError } from "../errors.ts";
import { describeField } from "./fieldTypes.ts";
import { decimalToAmount, describeValue } from "./jsonReader.ts";
import { type FieldSpec, MAX_TIMESTAMP } from "./schemaTypes.ts";

/**
 * The typed value of one field: `string` and `enum` → string, `uint`, `int` and `timestamp` → number (safe
 * integers), `amount` → bigint, `bool` → boolean, `address` (20 bytes) and `bytes` → Uint8Array.
 */
export type FieldValue = string | number | bigint | boolean | Uint8Array;

/** UTF-8 length of a well-formed string, without encoding it. */
export function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) length += 1;
    else if (c < 0x800) length += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      length += 4;
      i++;
    } else length += 3;
  }
  return length;
}

/** A lone UTF-16 surrogate: such a string has no UTF-8 form, so it would not survive an encode/decode round trip. */
const LONE_SURROGATE = /\p{Cs}/u;
/** Lower-case hex with an even number of digits. */
const HEX = /^(?:[0-9a-f]{2})*$/;

/**
 * Reads the JSON form of one field value; `fail(reason)` is called with the reason when it is not valid. The reason
 * starts with `expected <type and constraints>` (`expected uint ≤ 8760, got 9000`).
 */
export function fieldValueFromJson(
  field: FieldSpec,
  value: unknown,
  fail: (reason: string) => never,
): FieldValue {
  const expected = () => fail(`expected ${describeField(field)}, got ${describeValue(value)}`);
  switch (field.type) {
    case "string": {
      if (typeof value !== "string") return expected();
      if (LONE_SURROGATE.test(value)) fail("not well-formed Unicode (a lone surrogate has no UTF-8 form)");
      const length = utf8Length(value);
      if (length < field.minLength || length > field.maxLength)
        fail(`expected ${describeField(field)}, got ${length} byte${length === 1 ? "" : "s"}`);
      return value;
    }
    case "bytes": {
      if (typeof value !== "string" || !HEX.test(value)) return expected();
      const length = value.length / 2;
      if (length < field.minLength || length > field.maxLength)
        fail(`expected ${describeField(field)}, got ${length} byte${length === 1 ? "" : "s"}`);
      return hexToBytes(value);
    }
    case "uint":
    case "int":
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < field.min || value > field.max)
        return expected();
      return value + 0;
    case "timestamp":
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > MAX_TIMESTAMP)
        return expected();
      return value + 0;
    case "amount":
      return decimalToAmount(value) ?? expected();
    case "bool":
      return typeof value === "boolean" ? value : expected();
    case "address":
      if (typeof value !== "string") return expected();
      try {
        return parseAddress(value);
      } catch (err) {
        if (err instanceof AddressError) fail(`expected an address: ${err.message}`);
        throw err;
      }
    case "enum":
      return typeof value === "string" && field.values.includes(value) ? value : expected();
  }
}

/** The JSON form of a typed field value (the inverse of `fieldValueFromJson`). */
export function fieldValueToJson(field: FieldSpec, value: FieldValue): string | number | boolean {
  switch (field.type) {
    case "amount":
      return (value as bigint).toString();
    case "address":
      return addressToText(value as Uint8Array);
    case "bytes":
      return bytesToHex(value as Uint8Array);
    default:
      return value as string | number | boolean;
  }
}

/** The canonical msgpack value of a typed field value: integers in their smallest form, an enum as its index. */
export function fieldValueToWire(field: FieldSpec, value: FieldValue): unknown {
  switch (field.type) {
    case "int":
      return int64ToWire(BigInt(value as number));
    case "amount":
      return amountToWire(value as bigint);
    case "enum":
      return field.values.indexOf(value as string);
    default:
      return value;
  }
}

function outOfRange(what: string, message: string): never {
  throw new CodecError({ code: "CODEC_ERROR_OUT_OF_RANGE", what }, `${what}: ${message}`);
}

/** Reads a typed field value from its decoded msgpack value; anything else is a `CodecError` naming `what`. */
export function fieldValueFromWire(field: FieldSpec, value: unknown, what: string): FieldValue {
  switch (field.type) {
    case "string": {
      const text = expectString(value, what, field.maxLength * 4);
      const length = utf8Length(text);
      if (length < field.minLength || length > field.maxLength)
        outOfRange(what, `${length} UTF-8 bytes, expected ${field.minLength}..${field.maxLength}`);
      return text;
    }
    case "bytes": {
      const bytes = expectBytes(value, what);
      if (bytes.length < field.minLength || bytes.length > field.maxLength)
        outOfRange(what, `${bytes.length} bytes, expected ${field.minLength}..${field.maxLength}`);
      return new Uint8Array(bytes);
    }
    case "uint":
    case "timestamp": {
      const max = field.type === "uint" ? field.max : MAX_TIMESTAMP;
      const n = expectUint(value, what, max);
      if (field.type === "uint" && n < field.min) outOfRange(what, `${n} is less than ${field.min}`);
      return n;
    }
    case "int": {
      const n = expectInt64(value, what);
      if (n < BigInt(field.min) || n > BigInt(field.max))
        outOfRange(what, `${n} is outside ${field.min}..${field.max}`);
      return Number(n);
    }
    case "amount":
      return expectAmount(value, what);
    case "bool":
      if (typeof value !== "boolean")
        throw new CodecError({ code: "CODEC_ERROR_WRONG_TYPE", what }, `${what}: expected a boolean`);
      return value;
    case "address":
      return new Uint8Array(expectBytes(value, what, 20));
    case "enum":
      return field.values[expectUint(value, what, field.values.length - 1)];
  }
}
