import { ADDRESS_LENGTH } from "./address.ts";
import { amountToWire, expectAmount, expectArray, expectBytes, expectTuple } from "./codec.ts";
import { CodecError } from "./errors.ts";
import { type Header, headerFromTuple, headerToTuple } from "./header.ts";

/** Locks `amount` of the sender's balance as stake (the candidates it votes for gain it in their tallies). */
export interface StakePayload {
  amount: bigint;
}

/**
 * Unlocks `amount` of the sender's stake back into its balance at once (no unbonding delay yet: a stake can leave in
 * the block after a misbehaviour, before evidence lands; a delay comes with validator registration).
 */
export interface UnstakePayload {
  amount: bigint;
}

/**
 * Replaces the sender's votes: every candidate named gets the sender's full stake (approval voting). Addresses in
 * strictly increasing byte order (sorted, unique), at most `MAX_VOTES`; an empty list withdraws every vote.
 */
export interface VotePayload {
  candidates: Uint8Array[];
}

/**
 * Proof of double production: two different headers of the same chain, shard and height, both signed by the same
 * proposer (each `certificate` an ed25519 signature by `proposer` over `headerHash`). Slashes the proposer's stake.
 */
export interface EvidencePayload {
  first: Header;
  second: Header;
}

/** Canonical tuple of a stake or unstake payload: [amount]. */
export function amountPayloadToTuple(p: StakePayload | UnstakePayload): unknown[] {
  return [amountToWire(p.amount)];
}

/** Reads a stake or unstake payload from its decoded tuple. */
export function amountPayloadFromTuple(value: unknown, what: string): StakePayload {
  const [amount] = expectTuple(value, 1, what);
  return { amount: expectAmount(amount, `${what}.amount`) };
}

/** Canonical tuple of a vote payload: [[candidate address, ...]] (order as given: the stateless checks want it sorted). */
export function votePayloadToTuple(p: VotePayload): unknown[] {
  return [p.candidates];
}

/** Reads a vote payload from its decoded tuple; every candidate is a 20-byte address. */
export function votePayloadFromTuple(value: unknown, what: string): VotePayload {
  const [candidates] = expectTuple(value, 1, what);
  return {
    candidates: expectArray(candidates, `${what}.candidates`, (v, w) => expectBytes(v, w, ADDRESS_LENGTH)),
  };
}

/** Canonical tuple of an evidence payload: [first header tuple, second header tuple]. */
export function evidencePayloadToTuple(p: EvidencePayload): unknown[] {
  return [headerToTuple(p.first), headerToTuple(p.second)];
}

/** Reads an evidence payload from its decoded tuple. */
export function evidencePayloadFromTuple(value: unknown, what: string): EvidencePayload {
  const [first, second] = expectTuple(value, 2, what);
  return { first: headerAt(first, `${what}.first`), second: headerAt(second, `${what}.second`) };
}

/** A header field of a payload; its errors name the field (`tx.payload.second.height: ...`). */
function headerAt(value: unknown, what: string): Header {
  try {
    return headerFromTuple(value);
  } catch (err) {
    if (!(err instanceof CodecError)) throw err;
    const rename = (text: string) => (text.startsWith("header") ? what + text.slice("header".length) : text);
    throw new CodecError({ ...err.type, what: rename(err.type.what) }, rename(err.message));
  }
}
