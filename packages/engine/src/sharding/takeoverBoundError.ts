/** The input fields of the takeover-bound functions, as named in their input objects. */
export type TakeoverField =
  | "validators"
  | "byzantine"
  | "byzantineFraction"
  | "committeeSize"
  | "shards"
  | "max";

/** Why a takeover-bound computation is refused. */
export type TakeoverBoundErrorCode = "TAKEOVER_ERROR_INVALID_INPUT" | "TAKEOVER_ERROR_TOO_COSTLY";

/**
 * A takeover-bound input out of range (a `RangeError`, as for any numeric argument out of its domain), with a code,
 * the field at fault and the reason alone, so that a CLI can name its own flag instead of the field.
 * The message is `field: reason`.
 */
export class TakeoverBoundError extends RangeError {
  readonly code: TakeoverBoundErrorCode;
  readonly field: TakeoverField;
  readonly reason: string;
  constructor(code: TakeoverBoundErrorCode, field: TakeoverField, reason: string) {
    super(`${field}: ${reason}`);
    this.name = "TakeoverBoundError";
    this.code = code;
    this.field = field;
    this.reason = reason;
  }
}
