/**
 * Base of every typed error in vshard: a string `code` (e.g. `CODEC_ERROR_TRUNCATED`) that the API
 * maps to an HTTP status, a readable message, and structured context for logs.
 */
export class LedgerError<T extends { code: string } = { code: string }> extends Error {
  readonly type: T;
  constructor(type: T, message: string) {
    super(message);
    this.type = type;
    this.name = new.target.name;
  }
  get code(): T["code"] {
    return this.type.code;
  }
}

export type CodecErrorCode =
  | "CODEC_ERROR_MALFORMED"
  | "CODEC_ERROR_WRONG_SHAPE"
  | "CODEC_ERROR_WRONG_TYPE"
  | "CODEC_ERROR_OUT_OF_RANGE"
  | "CODEC_ERROR_NOT_CANONICAL";

/** A byte string that is not the canonical encoding of the expected value. */
export class CodecError extends LedgerError<{ code: CodecErrorCode; what: string }> {}

export type AddressErrorCode = "ADDRESS_ERROR_FORMAT" | "ADDRESS_ERROR_CHECKSUM" | "ADDRESS_ERROR_SHARD";

/** A text address that does not parse; the message says what is wrong. */
export class AddressError extends LedgerError<{ code: AddressErrorCode; input: string }> {}
