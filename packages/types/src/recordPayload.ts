import { expectTuple, expectUint } from "./codec.ts";
import { expectBytesWithin } from "./mainChainPayloads.ts";
import { MAX_RECORD_BYTES, MAX_RECORD_TYPES } from "./schema/schemaTypes.ts";

/**
 * A worker chain's own transaction: one record of the chain's record type number `recordType` (its index in the
 * schema's `recordTypes`), `record` being `encodeRecord(schema, name, value)`. The codec checks bounds only: the
 * engine decodes the record against the schema in force and validates it.
 */
export interface RecordPayload {
  /** 0..MAX_RECORD_TYPES-1. */
  recordType: number;
  /** The canonical encoding of the record, 1..MAX_RECORD_BYTES bytes. */
  record: Uint8Array;
}

/** Canonical tuple of a record payload: [recordType, record bytes]. */
export function recordPayloadToTuple(p: RecordPayload): unknown[] {
  return [p.recordType, p.record];
}

/** Reads a record payload from its decoded tuple. */
export function recordPayloadFromTuple(value: unknown, what: string): RecordPayload {
  const [recordType, record] = expectTuple(value, 2, what);
  return {
    recordType: expectUint(recordType, `${what}.recordType`, MAX_RECORD_TYPES - 1),
    record: expectBytesWithin(record, `${what}.record`, 1, MAX_RECORD_BYTES),
  };
}
