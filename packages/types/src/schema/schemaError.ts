import { LedgerError } from "../errors.ts";

/**
 * Why a schema, a record or a schema update is refused: `SCHEMA_ERROR_INVALID` (the schema itself),
 * `SCHEMA_ERROR_RECORD` (a record payload against its record type), `SCHEMA_ERROR_UPDATE` (a new version against the
 * one in force).
 */
export type SchemaErrorCode = "SCHEMA_ERROR_INVALID" | "SCHEMA_ERROR_RECORD" | "SCHEMA_ERROR_UPDATE";

/**
 * A refused schema, record or update. `path` names the value at fault (`$.shards[2].consensus.params.producers`
 * in a schema, `payload.hoursRented` in a record) and `reason` says what is wrong with it.
 */
export class SchemaError extends LedgerError<{
  code: SchemaErrorCode;
  path: string;
  reason: string;
  recordType?: string;
}> {
  /** Where the fault is. */
  get path(): string {
    return this.type.path;
  }
  /** What is wrong there. */
  get reason(): string {
    return this.type.reason;
  }
}

/** Throws `SCHEMA_ERROR_INVALID` with the message `schema $.path: reason`. */
export function schemaFail(path: string, reason: string): never {
  throw new SchemaError({ code: "SCHEMA_ERROR_INVALID", path, reason }, `schema ${path}: ${reason}`);
}

/** Throws `SCHEMA_ERROR_RECORD` with the message `record 'type' payload.field: reason`. */
export function recordFail(recordType: string, path: string, reason: string): never {
  throw new SchemaError(
    { code: "SCHEMA_ERROR_RECORD", path, reason, recordType },
    `record '${recordType}' ${path}: ${reason}`,
  );
}

/** Throws `SCHEMA_ERROR_UPDATE` with the message `schema update $.path: reason`. */
export function updateFail(path: string, reason: string): never {
  throw new SchemaError({ code: "SCHEMA_ERROR_UPDATE", path, reason }, `schema update ${path}: ${reason}`);
}
