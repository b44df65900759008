import {
  childPath,
  describeValue,
  isJsonObject,
  readArray,
  readBool,
  readChoice,
  readInteger,
  readObject,
  readPattern,
} from "./jsonReader.ts";
import { schemaFail } from "./schemaError.ts";
import {
  FIELD_TYPES,
  type FieldSpec,
  MAX_BYTES_LENGTH,
  MAX_ENUM_VALUES,
  MAX_STRING_LENGTH,
} from "./schemaTypes.ts";

/** Names of record types and fields: lowerCamelCase identifiers of 1..40 characters (`rentalEnd`, `hoursRented`). */
export const IDENTIFIER_PATTERN = /^[a-z][a-zA-Z0-9]{0,39}$/;
/** Words of the identifier rule, for error reasons. */
export const IDENTIFIER_RULE = "a lowerCamelCase identifier of 1..40 letters and digits starting with a-z";
/** Values of an `enum` field: 1..32 of a-z, 0-9, `.`, `_`, `-`, starting with a letter or digit (`rtx-4090`). */
export const ENUM_VALUE_PATTERN = /^[a-z0-9][a-z0-9._-]{0,31}$/;

/** The constraint keys each field type takes beside `name`, `type` and `optional`: [required, optional]. */
const CONSTRAINT_KEYS: Record<FieldSpec["type"], readonly [readonly string[], readonly string[]]> = {
  string: [["maxLength"], ["minLength"]],
  bytes: [["maxLength"], ["minLength"]],
  uint: [[], ["min", "max"]],
  int: [[], ["min", "max"]],
  enum: [["values"], []],
  amount: [[], []],
  bool: [[], []],
  address: [[], []],
  timestamp: [[], []],
};

function parseEnumValues(value: unknown, path: string): string[] {
  const values = readArray(value, path, 1, MAX_ENUM_VALUES);
  const seen = new Map<string, number>();
  return values.map((v, i) => {
    const text = readPattern(
      v,
      childPath(path, i),
      ENUM_VALUE_PATTERN,
      "1..32 of a-z 0-9 . _ - (first a-z or 0-9)",
    );
    const first = seen.get(text);
    if (first !== undefined)
      schemaFail(childPath(path, i), `duplicate value "${text}" (also at index ${first})`);
    seen.set(text, i);
    return text;
  });
}

/** Reads a field declaration `{ name, type, optional?, ...constraints }`; constraints are filled with defaults. */
export function parseFieldSpec(value: unknown, path: string): FieldSpec {
  // The type decides which keys are allowed, so read it before checking the keys.
  if (!isJsonObject(value)) schemaFail(path, `expected an object, got ${describeValue(value)}`);
  const raw = value;
  if (raw.type === undefined) schemaFail(childPath(path, "type"), "required");
  const type = readChoice(raw.type, childPath(path, "type"), FIELD_TYPES);
  const [required, optional] = CONSTRAINT_KEYS[type];
  readObject(raw, path, ["name", "type", ...required], ["optional", ...optional]);
  const name = readPattern(raw.name, childPath(path, "name"), IDENTIFIER_PATTERN, IDENTIFIER_RULE);
  const base = {
    name,
    optional: raw.optional === undefined ? false : readBool(raw.optional, childPath(path, "optional")),
  };
  const at = (key: string) => childPath(path, key);
  switch (type) {
    case "string":
    case "bytes": {
      const limit = type === "string" ? MAX_STRING_LENGTH : MAX_BYTES_LENGTH;
      const maxLength = readInteger(raw.maxLength, at("maxLength"), 1, limit);
      const minLength =
        raw.minLength === undefined ? 0 : readInteger(raw.minLength, at("minLength"), 0, limit);
      if (minLength > maxLength)
        schemaFail(at("minLength"), `${minLength} is more than maxLength ${maxLength}`);
      return { ...base, type, minLength, maxLength };
    }
    case "uint":
    case "int": {
      const lowest = type === "uint" ? 0 : -Number.MAX_SAFE_INTEGER;
      const max =
        raw.max === undefined
          ? Number.MAX_SAFE_INTEGER
          : readInteger(raw.max, at("max"), lowest, Number.MAX_SAFE_INTEGER);
      const min =
        raw.min === undefined ? lowest : readInteger(raw.min, at("min"), lowest, Number.MAX_SAFE_INTEGER);
      if (min > max) schemaFail(at("min"), `${min} is more than max ${max}`);
      return { ...base, type, min, max };
    }
    case "enum":
      return { ...base, type, values: parseEnumValues(raw.values, at("values")) };
    default:
      return { ...base, type };
  }
}

/** msgpack header of an array of up to 65,535 items, a str/bin of up to 2^32-1 bytes, an 8-byte int plus its tag. */
const ARRAY_HEADER = 3;
const STRING_HEADER = 5;
const INT_SIZE = 9;

/** The most bytes the canonical encoding of one value of `field` takes. */
export function maxEncodedFieldSize(field: FieldSpec): number {
  switch (field.type) {
    case "string":
    case "bytes":
      return STRING_HEADER + field.maxLength;
    case "uint":
    case "int":
    case "amount":
    case "timestamp":
      return INT_SIZE;
    case "bool":
      return 1;
    case "address":
      return 2 + 20;
    case "enum":
      return 2;
  }
}

/** The most bytes the canonical encoding of a record with these fields takes. */
export function maxEncodedRecordSize(fields: readonly FieldSpec[]): number {
  return fields.reduce((sum, f) => sum + maxEncodedFieldSize(f), ARRAY_HEADER);
}

/** A field's type and constraints in words (`uint ≤ 8760`, `string of 1..64 UTF-8 bytes`), for error reasons. */
export function describeField(field: FieldSpec): string {
  switch (field.type) {
    case "string":
    case "bytes": {
      const unit = field.type === "string" ? "UTF-8 bytes" : "bytes as lower-case hex";
      const size =
        field.minLength === 0 ? `at most ${field.maxLength}` : `${field.minLength}..${field.maxLength}`;
      return `${field.type} of ${size} ${unit}`;
    }
    case "uint":
    case "int": {
      const lowest = field.type === "uint" ? 0 : -Number.MAX_SAFE_INTEGER;
      if (field.min === lowest && field.max === Number.MAX_SAFE_INTEGER) return field.type;
      if (field.min === lowest) return `${field.type} ≤ ${field.max}`;
      if (field.max === Number.MAX_SAFE_INTEGER) return `${field.type} ≥ ${field.min}`;
      return `${field.type} in ${field.min}..${field.max}`;
    }
    case "enum": {
      const shown = field.values.slice(0, 12).map((v) => `"${v}"`);
      return `one of ${shown.join(", ")}${field.values.length > 12 ? ", …" : ""}`;
    }
    case "amount":
      return "amount (a decimal string in 0..18446744073709551615)";
    case "address":
      return "address (text form vs…)";
    case "timestamp":
      return "timestamp (ms since 1970-01-01, an integer)";
    case "bool":
      return "true or false";
  }
}
