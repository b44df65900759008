import { LedgerError } from "@vshard/types";

/** Why a state-tree operation failed. */
export type StateErrorCode =
  /** The reader has no node under a hash that the tree references. */
  | "STATE_ERROR_MISSING_NODE"
  /** A stored node does not decode, does not hash to its address, or breaks the tree's shape. */
  | "STATE_ERROR_CORRUPT_NODE"
  /** A proof (usually its JSON form) is not well formed. */
  | "STATE_ERROR_BAD_PROOF"
  /** A root, key or value hash passed in is not 32 bytes. */
  | "STATE_ERROR_BAD_INPUT";

/** A state-tree failure; `hashHex` names the node at fault when there is one. */
export class StateError extends LedgerError<{ code: StateErrorCode; hashHex?: string }> {}
