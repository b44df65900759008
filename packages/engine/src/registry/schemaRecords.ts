import { concatBytes, hexToBytes, sha256 } from "@vshard/crypto";
import {
  decodeTuple,
  encodeTuple,
  expectBytes,
  expectBytesWithin,
  expectUint,
  type FieldSpec,
  type FieldValue,
  fieldValueFromJson,
  fieldValueToWire,
  getRecordType,
  MAX_RECORD_BYTES,
  type RecordValue,
  recordFail,
  recordTypeIndex,
  type WorkerChainSchema,
} from "@vshard/types";

/**
 * Where a worker chain's records live (ns SchemaRecord): id = u8(type index) || sha256(encoded key value) for a type
 * with a `key` (a later record with the same key replaces it: an update), u8(type index) || tx hash for a keyless
 * type (each tx adds one). The encoded key value is the canonical encoding of the one-field tuple [key field's wire
 * value], so that keys of every field type hash without ambiguity.
 */

/** The stored value of a schema record: the record's canonical bytes, the tx that wrote it and that tx's height. */
export interface SchemaRecordValue {
  record: Uint8Array;
  txHash: Uint8Array;
  height: number;
}

/** Canonical bytes of a stored schema record: [record bytes, txHash, height]. */
export function encodeSchemaRecordValue(v: SchemaRecordValue): Uint8Array {
  return encodeTuple([v.record, v.txHash, v.height]);
}

/** Decodes a stored schema record; malformed bytes throw `CodecError`. */
export function decodeSchemaRecordValue(bytes: Uint8Array): SchemaRecordValue {
  const [record, txHash, height] = decodeTuple(bytes, 3, "schemaRecord");
  return {
    record: expectBytesWithin(record, "schemaRecord.record", 1, MAX_RECORD_BYTES),
    txHash: expectBytes(txHash, "schemaRecord.txHash", 32),
    height: expectUint(height, "schemaRecord.height"),
  };
}

function keyedId(typeIndex: number, field: FieldSpec, value: FieldValue): Uint8Array {
  return concatBytes(Uint8Array.of(typeIndex), sha256(encodeTuple([fieldValueToWire(field, value)])));
}

/**
 * The id of record `record` (decoded) of type number `typeIndex`, written by tx `txHash`: keyed by its key field's
 * value, or by the tx hash for a keyless type.
 */
export function schemaRecordId(
  schema: WorkerChainSchema,
  typeIndex: number,
  record: RecordValue,
  txHash: Uint8Array,
): Uint8Array {
  const type = schema.recordTypes[typeIndex];
  if (type === undefined) throw new RangeError(`schema '${schema.name}' has no record type ${typeIndex}`);
  const field = type.key === undefined ? undefined : type.fields.find((f) => f.name === type.key);
  if (!field) return concatBytes(Uint8Array.of(typeIndex), txHash);
  const value = record[field.name];
  if (value === null || value === undefined) throw new RangeError(`record has no key field '${field.name}'`);
  return keyedId(typeIndex, field, value);
}

/** Lower-case hex of a 32-byte hash. */
const TX_HASH_HEX = /^[0-9a-f]{64}$/;

/**
 * The id of the record of type `typeName` whose key, in its JSON form, is `keyJson` (for a keyless type: the hex
 * hash of the tx that wrote it). An unknown type or a key that is not a valid value of the key field throws
 * `SchemaError` (`SCHEMA_ERROR_RECORD`, path `key`).
 */
export function schemaRecordIdForKey(
  schema: WorkerChainSchema,
  typeName: string,
  keyJson: unknown,
): Uint8Array {
  const type = getRecordType(schema, typeName);
  const index = recordTypeIndex(schema, typeName);
  const field = type.key === undefined ? undefined : type.fields.find((f) => f.name === type.key);
  if (!field) {
    if (typeof keyJson !== "string" || !TX_HASH_HEX.test(keyJson))
      recordFail(
        type.name,
        "key",
        `'${type.name}' has no key field: its records are looked up by the hash of the tx that wrote them (64 hex digits)`,
      );
    return concatBytes(Uint8Array.of(index), hexToBytes(keyJson));
  }
  const value = fieldValueFromJson(field, keyJson, (reason) => recordFail(type.name, "key", reason));
  return keyedId(index, field, value);
}
