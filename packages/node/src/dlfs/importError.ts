import { LedgerError } from "@vshard/types";

export type ImportErrorCode =
  /** A block at or below the head that differs from the committed one, or a first new block on another parent. */
  | "IMPORT_ERROR_CONFLICT"
  /** Blocks that are not consecutive, or whose first new block does not sit at head + 1. */
  | "IMPORT_ERROR_GAP"
  /** A new block whose certificate the chain's consensus plugin does not accept. */
  | "IMPORT_ERROR_BAD_CERTIFICATE"
  /** A new block the chain refuses (another chain shard, a broken parent link, or re-execution that disagrees). */
  | "IMPORT_ERROR_INVALID_BLOCK"
  /** The node follows the chain over the network (its plugin would not see imported commits). */
  | "IMPORT_ERROR_NODE_ONLINE";

/**
 * A block import refused. `height` is the block at fault; `applied` how many blocks of the same import were
 * committed before it (they stay: each was certified and re-executed to its header).
 */
export class ImportError extends LedgerError<{ code: ImportErrorCode; height: number; applied: number }> {}
