import { LedgerError } from "@vshard/types";

/** An error an API handler throws: it becomes `{code, message}` with `status`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/**
 * HTTP status of each ledger error code: malformed input 400, well-formed but refused by the ledger's rules 422,
 * conflicts with what the node already holds 409, a node that is full or busy 503 (retry later).
 */
const STATUS_BY_CODE: Record<string, number> = {
  TX_ERROR_ALREADY_INCLUDED: 409,
  MEMPOOL_ERROR_DUPLICATE: 409,
  MEMPOOL_ERROR_REPLACEMENT_UNDERPRICED: 409,
  TX_ERROR_NODE_BUSY: 503,
  MEMPOOL_ERROR_FULL: 503,
  MEMPOOL_ERROR_SENDER_FULL: 429,
  DLFS_ERROR_UNAVAILABLE: 503,
};

const STATUS_BY_PREFIX: Array<[string, number]> = [
  ["CODEC_ERROR_", 400],
  ["ADDRESS_ERROR_", 400],
  ["STATE_ERROR_", 400],
  ["TX_ERROR_", 422],
  ["MEMPOOL_ERROR_", 422],
  ["BLOCK_ERROR_", 422],
  ["DLFS_ERROR_", 422],
];

/** The status for a ledger error code. */
export function statusOfCode(code: string): number {
  if (STATUS_BY_CODE[code] !== undefined) return STATUS_BY_CODE[code];
  for (const [prefix, status] of STATUS_BY_PREFIX) if (code.startsWith(prefix)) return status;
  return 400;
}

/** Converts a typed ledger error to an ApiError; anything else is returned unchanged. */
export function toApiError(err: unknown): unknown {
  if (err instanceof LedgerError) return new ApiError(statusOfCode(err.code), err.code, err.message);
  return err;
}
