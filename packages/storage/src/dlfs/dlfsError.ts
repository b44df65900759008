import { LedgerError } from "@vshard/types";

export type DlfsErrorCode =
  /** Bytes that are not a CIDv1 with the raw codec and a sha2-256 multihash. */
  | "DLFS_ERROR_BAD_CID"
  /** Content whose sha2-256 digest is not the one its CID names. */
  | "DLFS_ERROR_CID_MISMATCH"
  /** A manifest that does not decode, or whose fields disagree with each other. */
  | "DLFS_ERROR_BAD_MANIFEST"
  /** Chunks that verify one by one but do not unpack to the body the manifest describes. */
  | "DLFS_ERROR_BODY_MISMATCH"
  /** No replica answered with content that verifies. */
  | "DLFS_ERROR_UNAVAILABLE"
  /** A CAR file that is malformed, holds a block that does not match its CID, or lacks a block it needs. */
  | "DLFS_ERROR_BAD_CAR";

/** A DLFS failure; `cid` names the object at fault when there is one (base32 text form). */
export class DlfsError extends LedgerError<{ code: DlfsErrorCode; cid?: string }> {}

/** True when `err` is a `DlfsError` with the given code. */
export function isDlfsError(err: unknown, code?: DlfsErrorCode): err is DlfsError {
  return err instanceof DlfsError && (code === undefined || err.code === code);
}
