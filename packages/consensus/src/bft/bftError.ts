import { LedgerError } from "@vshard/types";

/** Why the bft plugin cannot be built as configured. */
export type BftErrorCode =
  | "BFT_ERROR_BAD_OPTION"
  | "BFT_ERROR_BAD_COMMITTEE"
  | "BFT_ERROR_NO_CHANNEL"
  | "BFT_ERROR_MISSING_KEY";

/** A bft configuration error; `field` names the parameter, member or key at fault. */
export class BftError extends LedgerError<{ code: BftErrorCode; field: string }> {}
