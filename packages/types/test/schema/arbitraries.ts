import fc from "fast-check";
import {
  type FieldSpec,
  MAX_AMOUNT,
  MAX_TIMESTAMP,
  parseWorkerChainSchema,
  type RecordValue,
  type WorkerChainSchema,
} from "../../src/index.ts";
import { minimalSchemaJson } from "./fixtures.ts";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Edges of the msgpack int sizes and of the safe range. */
const EDGES = [
  0,
  127,
  128,
  -32,
  -33,
  255,
  256,
  65_535,
  2 ** 32 - 1,
  2 ** 32,
  -(2 ** 31) - 1,
  MAX_SAFE,
  -MAX_SAFE,
];

/** Safe integers in `min..max`, with the edges that fall in the range often. */
function safeInt(min: number, max: number): fc.Arbitrary<number> {
  const any = fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number);
  const edges = [min, max, ...EDGES.filter((n) => n >= min && n <= max)];
  return fc.oneof(any, fc.constantFrom(...edges));
}

const sortedPair = (min: number, max: number) =>
  fc.tuple(safeInt(min, max), safeInt(min, max)).map(([a, b]) => (a <= b ? [a, b] : [b, a]));
const lengths = (limit: number) =>
  fc.tuple(fc.nat(limit), fc.integer({ min: 1, max: limit })).map(([a, b]) => [Math.min(a, b), b]);

/** The JSON declaration of a field of any type (its name is set by the record arbitrary). */
const fieldJsonArb: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.oneof(
      lengths(40).map(([minLength, maxLength]) => ({ type: "string", minLength, maxLength })),
      lengths(40).map(([minLength, maxLength]) => ({ type: "bytes", minLength, maxLength })),
      sortedPair(0, MAX_SAFE).map(([min, max]) => ({ type: "uint", min, max })),
      sortedPair(-MAX_SAFE, MAX_SAFE).map(([min, max]) => ({ type: "int", min, max })),
      fc
        .uniqueArray(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,8}$/), { minLength: 1, maxLength: 10 })
        .map((values) => ({ type: "enum", values })),
      fc.constantFrom("amount", "bool", "address", "timestamp").map((type) => ({ type })),
    ),
    fc.boolean(),
  )
  .map(([f, optional]) => ({ ...f, optional }));

/** A schema with one record type `thing` of 1..12 random fields named f0, f1, …. */
export const recordSchemaArb: fc.Arbitrary<WorkerChainSchema> = fc
  .array(fieldJsonArb, { minLength: 1, maxLength: 12 })
  .map((fields) => {
    const json = minimalSchemaJson();
    json.recordTypes = [{ name: "thing", fields: fields.map((f, i) => ({ name: `f${i}`, ...f })) }];
    return parseWorkerChainSchema(json);
  });

const utf8 = (s: string) => Buffer.byteLength(s, "utf8");

/** Drops lone surrogates and trailing code points until `s` fits `max` UTF-8 bytes, then pads it to `min` with "a". */
function fitUtf8(s: string, min: number, max: number): string {
  const points = [...s.replace(/\p{Cs}/gu, "")];
  while (utf8(points.join("")) > max) points.pop();
  const fitted = points.join("");
  return fitted + "a".repeat(Math.max(0, min - utf8(fitted)));
}

/** A valid typed value of `field` (never null). */
export function fieldValueArb(field: FieldSpec): fc.Arbitrary<RecordValue[string]> {
  switch (field.type) {
    case "string":
      return fc
        .oneof(
          fc.string({ maxLength: field.maxLength }),
          fc.string({ unit: "binary", maxLength: field.maxLength }),
        )
        .map((s) => fitUtf8(s, field.minLength, field.maxLength));
    case "bytes":
      return fc.uint8Array({ minLength: field.minLength, maxLength: field.maxLength });
    case "uint":
    case "int":
      return safeInt(field.min, field.max);
    case "enum":
      return fc.constantFrom(...field.values);
    case "amount":
      return fc.oneof(
        fc.bigInt({ min: 0n, max: MAX_AMOUNT }),
        fc.constantFrom(0n, 2n ** 53n - 1n, 2n ** 53n, MAX_AMOUNT),
      );
    case "bool":
      return fc.boolean();
    case "address":
      return fc.uint8Array({ minLength: 20, maxLength: 20 });
    case "timestamp":
      return safeInt(0, MAX_TIMESTAMP);
  }
}

/** A valid record of the schema's first record type. */
export function recordArb(schema: WorkerChainSchema): fc.Arbitrary<RecordValue> {
  const fields = schema.recordTypes[0].fields;
  const entries = fields.map((f) =>
    f.optional ? fc.option(fieldValueArb(f), { nil: null }) : fieldValueArb(f),
  );
  return fc.tuple(...entries).map((values) => Object.fromEntries(fields.map((f, i) => [f.name, values[i]])));
}
