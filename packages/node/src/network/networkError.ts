import { LedgerError } from "@vshard/types";

/** Why the simulator or the simulated network refused a call. */
export type NetworkErrorCode =
  /** A numeric option out of range (negative latency, a loss rate above 1, a NaN delay). */
  | "NETWORK_ERROR_BAD_OPTION"
  /** `join` with the id of a peer that is live. */
  | "NETWORK_ERROR_PEER_LIVE"
  /** `crash` of a peer that never joined. */
  | "NETWORK_ERROR_UNKNOWN_PEER"
  /** A peer listed in two groups of one partition. */
  | "NETWORK_ERROR_BAD_PARTITION"
  /** A `run*` call while another one is still running (they would interleave events). */
  | "NETWORK_ERROR_REENTRANT_RUN"
  /** Too many events at one virtual instant: something reschedules itself with no delay forever. */
  | "NETWORK_ERROR_LIVELOCK"
  /** A direct message from a peer that is not a well-formed frame (libp2p transport). */
  | "NETWORK_ERROR_BAD_FRAME"
  /** The libp2p endpoint could not start (a listen address taken or malformed, a bad bootstrap address). */
  | "NETWORK_ERROR_P2P_START";

/** An error of the network layer; `detail` names the option, peer or instant at fault. */
export class NetworkError extends LedgerError<{ code: NetworkErrorCode; detail: string }> {}

/** Throws `NETWORK_ERROR_BAD_OPTION` unless `value` is a finite number in [min, max]. */
export function assertInRange(
  field: string,
  value: number,
  min: number,
  max = Number.POSITIVE_INFINITY,
): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    const range = max === Number.POSITIVE_INFINITY ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new NetworkError(
      { code: "NETWORK_ERROR_BAD_OPTION", detail: field },
      `${field} must be a finite number ${range}, got ${value}`,
    );
  }
}
