import { LedgerError } from "@vshard/types";

/** Why the bft plugin cannot be built as configured, or cannot start on what it stored. */
export type BftErrorCode =
  | "BFT_ERROR_BAD_OPTION"
  | "BFT_ERROR_BAD_COMMITTEE"
  | "BFT_ERROR_NO_CHANNEL"
  | "BFT_ERROR_MISSING_KEY"
  | "BFT_ERROR_BAD_STORED_DATA";

/** A bft configuration error; `field` names the parameter, member, key or stored record at fault. */
export class BftError extends LedgerError<{ code: BftErrorCode; field: string }> {}
