import { LedgerError } from "@vshard/types";

export type StorageErrorCode =
  /** Another process (or another open handle in this one) holds the database folder. */
  | "STORAGE_ERROR_LOCKED"
  /** The database could not be opened for another reason (permissions, bad path, corrupt files). */
  | "STORAGE_ERROR_OPEN"
  /** The store was used after `close()`. */
  | "STORAGE_ERROR_CLOSED"
  /** A stored value does not decode: the key is named in the message. */
  | "STORAGE_ERROR_CORRUPT"
  /** A commit was rejected before anything was written (inconsistent input). */
  | "STORAGE_ERROR_BAD_COMMIT"
  /** Any other read or write failure of the underlying store. */
  | "STORAGE_ERROR_IO";

/** A storage failure; `path` names the database folder and `key` the record at fault when known. */
export class StorageError extends LedgerError<{ code: StorageErrorCode; path?: string; key?: string }> {
  constructor(
    type: { code: StorageErrorCode; path?: string; key?: string },
    message: string,
    cause?: unknown,
  ) {
    super(type, message);
    if (cause !== undefined) this.cause = cause;
  }
}

/** True when `err` is a `StorageError` with the given code. */
export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}
