import { compareBytes } from "@vshard/crypto";
import { ADDRESS_LENGTH } from "./address.ts";
import {
  amountToWire,
  decodeTuple,
  decodeValue,
  encodeTuple,
  expectAmount,
  expectArray,
  expectBytes,
  expectUint,
} from "./codec.ts";
import { CodecError } from "./errors.ts";

/**
 * Most candidates one account may vote for. 30: comfortably above the 21 producers a dpos epoch elects by default, so
 * a voter can back a full slate and some reserves, while a vote tx stays small (30 × 20 bytes).
 */
export const MAX_VOTES = 30;

/** An account's part in delegated proof of stake. */
export interface Staking {
  /** Own stake locked from the balance (the self-bond that makes a candidate eligible, and a voter's weight). */
  stake: bigint;
  /** Candidate addresses this account votes for (approval voting; each gets the full stake), sorted, unique. */
  votes: Uint8Array[];
  /** Whether the account is a block-producer candidate. */
  candidate: boolean;
  /** Sum of the stakes of the accounts voting for this candidate (itself included if it votes for itself). */
  votesReceived: bigint;
}

/** The state of one sub-account in its shard. `staking` is absent for an account that never staked nor voted. */
export interface Account {
  balance: bigint;
  nonce: number;
  staking?: Staking;
}

/** The staking state of an account that has none: what an absent `staking` means. */
export const EMPTY_STAKING: Readonly<Staking> = Object.freeze({
  stake: 0n,
  votes: Object.freeze([]) as unknown as Uint8Array[],
  candidate: false,
  votesReceived: 0n,
});

/**
 * Where slashed stake goes: an address no key controls (20 zero bytes), credited as balance so that
 * Σ balance + Σ stake stays the total supply. Never write into this array.
 */
export const BURN_ADDRESS: Uint8Array = new Uint8Array(ADDRESS_LENGTH);

/** The state of an account never seen. */
export const EMPTY_ACCOUNT: Readonly<Account> = Object.freeze({ balance: 0n, nonce: 0 });

/** Whether a staking state is the default one (no stake, no votes, not a candidate, no votes received). */
export function isDefaultStaking(s: Staking | undefined): boolean {
  return (
    s === undefined || (s.stake === 0n && s.votes.length === 0 && !s.candidate && s.votesReceived === 0n)
  );
}

/** Whether a vote list is strictly increasing in byte order (so sorted and without duplicates). */
export function isStrictlyIncreasing(addresses: Uint8Array[]): boolean {
  for (let i = 1; i < addresses.length; i++)
    if (compareBytes(addresses[i - 1], addresses[i]) >= 0) return false;
  return true;
}

/**
 * Canonical bytes: [balance, nonce] for an account without staking (or with the default staking), else
 * [balance, nonce, stake, votes, candidate (0|1), votesReceived].
 */
export function encodeAccount(account: Account): Uint8Array {
  const s = account.staking;
  if (s === undefined || isDefaultStaking(s))
    return encodeTuple([amountToWire(account.balance), account.nonce]);
  return encodeTuple([
    amountToWire(account.balance),
    account.nonce,
    amountToWire(s.stake),
    s.votes,
    s.candidate ? 1 : 0,
    amountToWire(s.votesReceived),
  ]);
}

/** msgpack fixarray headers of the two canonical account tuples. */
const FIXARRAY_2 = 0x92;
const FIXARRAY_6 = 0x96;

function tupleLengthOf(bytes: Uint8Array): number {
  if (bytes instanceof Uint8Array && bytes.length > 0) {
    if (bytes[0] === FIXARRAY_2) return 2;
    if (bytes[0] === FIXARRAY_6) return 6;
  }
  // Not a canonical header: decode once to report the real fault (the canonical check of decodeTuple follows).
  const value = decodeValue(bytes, "account");
  return Array.isArray(value) && value.length === 6 ? 6 : 2;
}

function notCanonical(what: string, message: string): never {
  throw new CodecError({ code: "CODEC_ERROR_NOT_CANONICAL", what }, `${what}: ${message}`);
}

/** Decodes an account (either form); malformed or non-canonical bytes throw `CodecError`. */
export function decodeAccount(bytes: Uint8Array): Account {
  const fields = decodeTuple(bytes, tupleLengthOf(bytes), "account");
  const account: Account = {
    balance: expectAmount(fields[0], "account.balance"),
    nonce: expectUint(fields[1], "account.nonce"),
  };
  if (fields.length === 2) return account;
  const votes = expectArray(fields[3], "account.votes", (v, what) => expectBytes(v, what, ADDRESS_LENGTH));
  if (votes.length > MAX_VOTES)
    throw new CodecError(
      { code: "CODEC_ERROR_OUT_OF_RANGE", what: "account.votes" },
      `account.votes: ${votes.length} votes, at most ${MAX_VOTES}`,
    );
  if (!isStrictlyIncreasing(votes)) notCanonical("account.votes", "not sorted in strictly increasing order");
  const staking: Staking = {
    stake: expectAmount(fields[2], "account.stake"),
    votes,
    candidate: expectUint(fields[4], "account.candidate", 1) === 1,
    votesReceived: expectAmount(fields[5], "account.votesReceived"),
  };
  if (isDefaultStaking(staking))
    notCanonical("account", "default staking state written as 6 fields (the canonical form has 2)");
  account.staking = staking;
  return account;
}
