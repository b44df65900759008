import { bytesEqual } from "@vshard/crypto";
import { decodeValue, encodeTuple, expectTuple } from "../codec.ts";
import { CodecError } from "../errors.ts";
import {
  type FieldValue,
  fieldValueFromJson,
  fieldValueFromWire,
  fieldValueToJson,
  fieldValueToWire,
} from "./fieldValues.ts";
import { childPath, describeValue, isJsonObject } from "./jsonReader.ts";
import { recordFail } from "./schemaError.ts";
import type { RecordTypeSpec, WorkerChainSchema } from "./schemaTypes.ts";

/** A validated record: every field of its type by name, a typed value or null (an absent optional field). */
export type RecordValue = { readonly [field: string]: FieldValue | null };

/** The JSON form of a record (amounts as decimal strings, addresses as text, bytes as hex). */
export type RecordJson = { [field: string]: string | number | boolean | null };

/** The index of a record type in its schema (its number in record txs), or -1 when the schema has none of that name. */
export function recordTypeIndex(schema: WorkerChainSchema, name: string): number {
  return schema.recordTypes.findIndex((t) => t.name === name);
}

/** The record type named `name`; a `SCHEMA_ERROR_RECORD` at path `recordType` lists the known ones otherwise. */
export function getRecordType(schema: WorkerChainSchema, name: string): RecordTypeSpec {
  const index = recordTypeIndex(schema, name);
  if (index < 0) {
    const known = schema.recordTypes.map((t) => t.name).join(", ") || "none";
    recordFail(
      String(name),
      "recordType",
      `unknown record type '${name}'; schema '${schema.name}' has: ${known}`,
    );
  }
  return schema.recordTypes[index];
}

/**
 * Checks a record payload in its JSON form against record type `recordTypeName` and returns its typed value; a
 * `SchemaError` (`SCHEMA_ERROR_RECORD`) names the field at fault and why (`payload.hoursRented: expected uint ≤
 * 8760, got 9000`). Unknown fields are refused; an optional field may be absent or null.
 */
export function validateRecord(
  schema: WorkerChainSchema,
  recordTypeName: string,
  payload: unknown,
): RecordValue {
  const type = getRecordType(schema, recordTypeName);
  if (!isJsonObject(payload))
    recordFail(type.name, "payload", `expected an object, got ${describeValue(payload)}`);
  for (const key of Object.keys(payload))
    if (!type.fields.some((f) => f.name === key))
      recordFail(
        type.name,
        childPath("payload", key),
        `unknown field; '${type.name}' has ${type.fields.map((f) => f.name).join(", ")}`,
      );
  const record: Record<string, FieldValue | null> = {};
  for (const field of type.fields) {
    const path = childPath("payload", field.name);
    const value = Object.hasOwn(payload, field.name) ? payload[field.name] : undefined;
    if (value === undefined || (value === null && field.optional)) {
      if (!field.optional) recordFail(type.name, path, "required");
      record[field.name] = null;
    } else
      record[field.name] = fieldValueFromJson(field, value, (reason) => recordFail(type.name, path, reason));
  }
  return record;
}

/** The JSON form of a record of type `recordTypeName` (what `validateRecord` reads back to the same value). */
export function recordToJson(
  schema: WorkerChainSchema,
  recordTypeName: string,
  record: RecordValue,
): RecordJson {
  const type = getRecordType(schema, recordTypeName);
  const json: RecordJson = {};
  for (const field of type.fields) {
    const value = Object.hasOwn(record, field.name) ? record[field.name] : undefined;
    json[field.name] = value === null || value === undefined ? null : fieldValueToJson(field, value);
  }
  return json;
}

/**
 * The canonical tuple of a record: its field values in declaration order, nil for an absent optional field, an enum
 * as the index of its value. `record` is a value as `validateRecord` or `decodeRecord` return it.
 */
export function recordToTuple(type: RecordTypeSpec, record: RecordValue): unknown[] {
  return type.fields.map((field) => {
    const value = Object.hasOwn(record, field.name) ? record[field.name] : undefined;
    if (value === null || value === undefined) {
      if (!field.optional) recordFail(type.name, childPath("payload", field.name), "required");
      return null;
    }
    return fieldValueToWire(field, value);
  });
}

/** Reads a record from its decoded tuple; a wrong shape or value is a `CodecError` naming `what.field`. */
export function recordFromTuple(type: RecordTypeSpec, value: unknown, what: string): RecordValue {
  const tuple = expectTuple(value, type.fields.length, what);
  const record: Record<string, FieldValue | null> = {};
  type.fields.forEach((field, i) => {
    const at = `${what}.${field.name}`;
    if (tuple[i] === null && field.optional) record[field.name] = null;
    else if (tuple[i] === null)
      throw new CodecError({ code: "CODEC_ERROR_WRONG_TYPE", what: at }, `${at}: required field is nil`);
    else record[field.name] = fieldValueFromWire(field, tuple[i], at);
  });
  return record;
}

/** Encodes a record of type `recordTypeName` as its canonical tuple. */
export function encodeRecord(
  schema: WorkerChainSchema,
  recordTypeName: string,
  record: RecordValue,
): Uint8Array {
  return encodeTuple(recordToTuple(getRecordType(schema, recordTypeName), record));
}

/**
 * Decodes a record of type `recordTypeName`; any byte string that is not exactly the canonical encoding of a valid
 * record is a `CodecError` (the field at fault is named `recordTypeName.field`), never another exception.
 */
export function decodeRecord(
  schema: WorkerChainSchema,
  recordTypeName: string,
  bytes: Uint8Array,
): RecordValue {
  const type = getRecordType(schema, recordTypeName);
  const record = recordFromTuple(type, decodeValue(bytes, type.name), type.name);
  if (!bytesEqual(encodeTuple(recordToTuple(type, record)), bytes))
    throw new CodecError(
      { code: "CODEC_ERROR_NOT_CANONICAL", what: type.name },
      `${type.name}: not the canonical encoding`,
    );
  return record;
}
