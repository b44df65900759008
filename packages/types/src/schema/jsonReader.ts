import { MAX_AMOUNT } from "../codec.ts";
import { schemaFail } from "./schemaError.ts";

// Readers of a parsed JSON value that fail with `SCHEMA_ERROR_INVALID` naming the path. Internal to the schema folder.

/** The path of a child: `$.a` for an identifier key, `$["a b"]` otherwise, `$[3]` for an index. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** A short rendering of a wrong value for a reason (`got "5"`, `got null`, `got an array`). */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "object" && value !== null) return "an object";
  const text =
    typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
  return text === undefined ? typeof value : text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

/**
 * Checks that `value` is an object whose keys are all in `required` or `optional` and that every `required` key is
 * present; the first unknown key (in the object's order) or missing key (in `required` order) is the error.
 */
export function readObject(
  value: unknown,
  path: string,
  required: readonly string[],
  optional: readonly string[] = [],
): Record<string, unknown> {
  if (!isJsonObject(value)) schemaFail(path, `expected an object, got ${describeValue(value)}`);
  for (const key of Object.keys(value))
    if (!required.includes(key) && !optional.includes(key))
      schemaFail(childPath(path, key), `unknown key; expected ${[...required, ...optional].join(", ")}`);
  for (const key of required) if (value[key] === undefined) schemaFail(childPath(path, key), "required");
  return value;
}

/** An integer in `min..max` (safe integers only); -0 reads as 0. */
export function readInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max)
    schemaFail(path, `expected an integer in ${min}..${max}, got ${describeValue(value)}`);
  return value + 0;
}

/** A boolean. */
export function readBool(value: unknown, path: string): boolean {
  if (typeof value !== "boolean") schemaFail(path, `expected true or false, got ${describeValue(value)}`);
  return value;
}

/** A string matching `pattern`; `rule` says in words what the pattern asks. */
export function readPattern(value: unknown, path: string, pattern: RegExp, rule: string): string {
  if (typeof value !== "string") schemaFail(path, `expected a string, got ${describeValue(value)}`);
  if (!pattern.test(value)) schemaFail(path, `${JSON.stringify(value)} is not ${rule}`);
  return value;
}

/** One of `options`. */
export function readChoice<T extends string>(value: unknown, path: string, options: readonly T[]): T {
  if (typeof value !== "string" || !(options as readonly string[]).includes(value))
    schemaFail(
      path,
      `expected one of ${options.map((o) => `"${o}"`).join(", ")}, got ${describeValue(value)}`,
    );
  return value as T;
}

/** An array of `min..max` items. */
export function readArray(value: unknown, path: string, min: number, max: number): unknown[] {
  if (!Array.isArray(value)) schemaFail(path, `expected an array, got ${describeValue(value)}`);
  if (value.length < min || value.length > max)
    schemaFail(path, `expected ${min}..${max} items, got ${value.length}`);
  return value;
}

/** Decimal digits without leading zeros. */
const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** Parses a decimal string in 0..2^64-1, or returns null when `text` is not one. */
export function decimalToAmount(text: unknown): bigint | null {
  if (typeof text !== "string" || text.length > 20 || !DECIMAL.test(text)) return null;
  const amount = BigInt(text);
  return amount <= MAX_AMOUNT ? amount : null;
}

/** An amount written as a decimal string (`"1000"`), in 0..2^64-1. */
export function readDecimal(value: unknown, path: string): bigint {
  const amount = decimalToAmount(value);
  if (amount === null)
    schemaFail(
      path,
      `expected a decimal string in 0..18446744073709551615 such as "1000", got ${describeValue(value)}`,
    );
  return amount;
}
