import { LedgerError } from "@vshard/types";

/** Why a transaction is refused, at admission or at execution. */
export type TxErrorCode =
  | "TX_ERROR_BAD_SIGNATURE"
  | "TX_ERROR_WRONG_CHAIN"
  | "TX_ERROR_WRONG_SHARD"
  | "TX_ERROR_UNSUPPORTED_KIND"
  | "TX_ERROR_FEE_TOO_LOW"
  | "TX_ERROR_ZERO_AMOUNT"
  | "TX_ERROR_BAD_PAYLOAD"
  | "TX_ERROR_TOO_LARGE"
  | "TX_ERROR_NONCE_MISMATCH"
  | "TX_ERROR_INSUFFICIENT_BALANCE"
  | "TX_ERROR_BALANCE_OVERFLOW"
  | "TX_ERROR_ALREADY_INCLUDED"
  | "TX_ERROR_NODE_BUSY"
  | "TX_ERROR_INSUFFICIENT_STAKE"
  | "TX_ERROR_NOT_A_CANDIDATE"
  | "TX_ERROR_BAD_EVIDENCE"
  | "TX_ERROR_NOTHING_TO_SLASH"
  | "TX_ERROR_VALIDATOR_REGISTERED"
  | "TX_ERROR_VRF_KEY_TAKEN"
  | "TX_ERROR_BAD_VRF_KEY"
  | "TX_ERROR_BAD_PROOF_OF_POSSESSION"
  | "TX_ERROR_DEPOSIT_TOO_LOW"
  | "TX_ERROR_BAD_SCHEMA"
  | "TX_ERROR_CHAIN_NAME_TAKEN"
  | "TX_ERROR_UNKNOWN_CHAIN"
  | "TX_ERROR_NOT_CHAIN_OWNER"
  | "TX_ERROR_BAD_SCHEMA_UPDATE"
  | "TX_ERROR_UNKNOWN_SHARD"
  | "TX_ERROR_ALREADY_ANCHORED"
  | "TX_ERROR_BAD_CERTIFICATE"
  | "TX_ERROR_NOT_A_VALIDATOR"
  | "TX_ERROR_OUTSIDE_EPOCH_WINDOW"
  | "TX_ERROR_DUPLICATE_EPOCH_PROOF"
  | "TX_ERROR_BAD_RECORD"
  | "TX_ERROR_BAD_DESTINATION"
  | "TX_ERROR_RECEIPT_NOT_ANCHORED"
  | "TX_ERROR_BAD_RECEIPT_PROOF"
  | "TX_ERROR_RECEIPT_ROUTE"
  | "TX_ERROR_RECEIPT_SPENT"
  | "TX_ERROR_RECEIPT_PENDING";

/** A transaction refused, with the reason in `code` and the numbers in the message. */
export class TxError extends LedgerError<{ code: TxErrorCode; txHash?: string }> {}

/** Why a proposed or received block is refused. */
export type BlockErrorCode =
  | "BLOCK_ERROR_WRONG_CHAIN"
  | "BLOCK_ERROR_WRONG_HEIGHT"
  | "BLOCK_ERROR_WRONG_PARENT"
  | "BLOCK_ERROR_TOO_MANY_TXS"
  | "BLOCK_ERROR_TOO_LARGE"
  | "BLOCK_ERROR_BAD_TX_ROOT"
  | "BLOCK_ERROR_BAD_BODY_CID"
  | "BLOCK_ERROR_BAD_SIGNATURE"
  | "BLOCK_ERROR_INVALID_TX"
  | "BLOCK_ERROR_BAD_STATE_ROOT"
  | "BLOCK_ERROR_BAD_RECEIPT_ROOT"
  | "BLOCK_ERROR_BAD_CERTIFICATE"
  | "BLOCK_ERROR_TIME";

/** A block that does not follow the chain's rules. */
export class BlockError extends LedgerError<{ code: BlockErrorCode; height?: number }> {}

/** Why a genesis file is refused. */
export class GenesisError extends LedgerError<{ code: "GENESIS_ERROR_INVALID"; path: string }> {}
