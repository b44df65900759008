import { bytesEqual, sha256 } from "@vshard/crypto";
import {
  amountToWire,
  decodeValue,
  encodeTuple,
  expectAmount,
  expectArray,
  expectTuple,
  int64ToWire,
} from "../codec.ts";
import { CodecError } from "../errors.ts";
import { CONSENSUS_PARAM_ORDER, consensusParamsToTuple } from "./consensusParams.ts";
import { parseWorkerChainSchema } from "./parseSchema.ts";
import { SchemaError } from "./schemaError.ts";
import type { FieldSpec, WorkerChainSchema } from "./schemaTypes.ts";

/** First item of a schema tuple: the version of this encoding (a new layout gets a new number). */
export const SCHEMA_ENCODING_VERSION = 1;

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const wireInt = (n: number): number | bigint => int64ToWire(BigInt(n));

/** The canonical tuple of a field declaration: [name, type, optional, [constraints]]. */
export function fieldSpecToTuple(field: FieldSpec): unknown[] {
  const head = [field.name, field.type, field.optional];
  switch (field.type) {
    case "string":
    case "bytes":
      return [...head, [field.minLength, field.maxLength]];
    case "uint":
    case "int":
      return [...head, [wireInt(field.min), wireInt(field.max)]];
    case "enum":
      return [...head, [field.values]];
    default:
      return [...head, []];
  }
}

/**
 * The canonical tuple of a schema, every part in a fixed order and never a map:
 * [encoding version, name, version, [[plugin, [params in CONSENSUS_PARAM_ORDER], committeeSize | nil]…],
 *  [maxBlockTxs, maxBlockBytes, targetBlockIntervalMs], [codec, level | nil], [minFee, perByte], [rule],
 *  [[name, [[field name, type, optional, [constraints]]…], key | nil]…]].
 */
export function schemaToTuple(schema: WorkerChainSchema): unknown[] {
  const { limits, compression, fees } = schema;
  return [
    SCHEMA_ENCODING_VERSION,
    schema.name,
    schema.version,
    schema.shards.map((s) => [
      s.consensus.plugin,
      consensusParamsToTuple(s.consensus),
      s.committeeSize ?? null,
    ]),
    [limits.maxBlockTxs, limits.maxBlockBytes, limits.targetBlockIntervalMs],
    compression.codec === "zstd" ? [compression.codec, compression.level] : [compression.codec, null],
    [amountToWire(fees.minFee), amountToWire(fees.perByte)],
    [schema.assignment.rule],
    schema.recordTypes.map((t) => [t.name, t.fields.map(fieldSpecToTuple), t.key ?? null]),
  ];
}

/** The canonical encoding of a schema (what a register-chain tx can carry). */
export function encodeSchema(schema: WorkerChainSchema): Uint8Array {
  return encodeTuple(schemaToTuple(schema));
}

/**
 * sha256 of the canonical encoding: two JSON files that differ only in key order, whitespace or in spelling out a
 * default give the same hash. This is the hash the main chain records.
 */
export function schemaHash(schema: WorkerChainSchema): Uint8Array {
  return sha256(encodeSchema(schema));
}

/** The JSON form of a normalised schema (every default spelt out); `parseWorkerChainSchema` reads it back equal. */
export function schemaToJson(schema: WorkerChainSchema): { [key: string]: JsonValue } {
  const fees = { minFee: schema.fees.minFee.toString(), perByte: schema.fees.perByte.toString() };
  return JSON.parse(JSON.stringify({ ...schema, fees }));
}

/** A decoded integer as a number when it is a safe one (the schema parser judges the rest). */
const num = (v: unknown): unknown =>
  typeof v === "bigint" && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(v)
    : v;
const optionalEntry = (key: string, v: unknown) => (v === null ? {} : { [key]: num(v) });

function fieldFromTuple(value: unknown, what: string): unknown {
  const [name, type, optional, constraints] = expectTuple(value, 4, what);
  const c = expectArray(constraints, `${what}.constraints`, num);
  const json: Record<string, unknown> = { name, type, optional };
  if (type === "string" || type === "bytes") Object.assign(json, { minLength: c[0], maxLength: c[1] });
  else if (type === "uint" || type === "int") Object.assign(json, { min: c[0], max: c[1] });
  else if (type === "enum") json.values = c[0];
  return json;
}

/** Turns a decoded schema tuple back into the JSON form; values are judged by the parser afterwards. */
function jsonFromTuple(value: unknown): unknown {
  const [format, name, version, shards, limits, compression, fees, assignment, recordTypes] = expectTuple(
    value,
    9,
    "schema",
  );
  if (format !== SCHEMA_ENCODING_VERSION)
    throw new CodecError(
      { code: "CODEC_ERROR_WRONG_SHAPE", what: "schema" },
      `schema: unknown encoding version ${typeof format === "number" ? format : typeof format}`,
    );
  const [maxBlockTxs, maxBlockBytes, targetBlockIntervalMs] = expectTuple(limits, 3, "schema.limits");
  const [codec, level] = expectTuple(compression, 2, "schema.compression");
  const [minFee, perByte] = expectTuple(fees, 2, "schema.fees");
  return {
    name,
    version: num(version),
    shards: expectArray(shards, "schema.shards", (s, w) => {
      const [plugin, params, committeeSize] = expectTuple(s, 3, w);
      const order: readonly string[] = Object.hasOwn(CONSENSUS_PARAM_ORDER, String(plugin))
        ? CONSENSUS_PARAM_ORDER[plugin as keyof typeof CONSENSUS_PARAM_ORDER]
        : [];
      const values = expectTuple(params, order.length, `${w}.params`);
      const paramsJson = Object.fromEntries(order.map((k, i) => [k, num(values[i])]));
      return { consensus: { plugin, params: paramsJson }, ...optionalEntry("committeeSize", committeeSize) };
    }),
    limits: {
      maxBlockTxs: num(maxBlockTxs),
      maxBlockBytes: num(maxBlockBytes),
      targetBlockIntervalMs: num(targetBlockIntervalMs),
    },
    compression: { codec, ...optionalEntry("level", level) },
    fees: {
      minFee: expectAmount(minFee, "schema.fees.minFee").toString(),
      perByte: expectAmount(perByte, "schema.fees.perByte").toString(),
    },
    assignment: { rule: expectTuple(assignment, 1, "schema.assignment")[0] },
    recordTypes: expectArray(recordTypes, "schema.recordTypes", (t, w) => {
      const [typeName, fields, key] = expectTuple(t, 3, w);
      const fieldsJson = expectArray(fields, `${w}.fields`, fieldFromTuple);
      return { name: typeName, fields: fieldsJson, ...(key === null ? {} : { key }) };
    }),
  };
}

/**
 * Decodes a schema from its canonical encoding and validates it as `parseWorkerChainSchema` does. Anything that is
 * not exactly the canonical encoding of a valid schema is a `CodecError` (a schema fault names its `$.path`).
 */
export function decodeSchema(bytes: Uint8Array): WorkerChainSchema {
  const json = jsonFromTuple(decodeValue(bytes, "schema"));
  let schema: WorkerChainSchema;
  try {
    schema = parseWorkerChainSchema(json);
  } catch (err) {
    if (!(err instanceof SchemaError)) throw err;
    throw new CodecError(
      { code: "CODEC_ERROR_WRONG_SHAPE", what: "schema" },
      `schema: not a valid schema (${err.path}: ${err.reason})`,
    );
  }
  if (!bytesEqual(encodeSchema(schema), bytes))
    throw new CodecError(
      { code: "CODEC_ERROR_NOT_CANONICAL", what: "schema" },
      "schema: not the canonical encoding",
    );
  return schema;
}
