import { bytesEqual, bytesToHex, ed25519Verify } from "@vshard/crypto";
import {
  type Account,
  addressFromPublicKey,
  addressToText,
  BURN_ADDRESS,
  EMPTY_STAKING,
  type EvidencePayload,
  type Header,
  headerHash,
  isDefaultStaking,
  isStrictlyIncreasing,
  MAX_VOTES,
  type Staking,
  type Tx,
  TxKind,
  type TxOfKind,
} from "@vshard/types";
import type { TxErrorCode } from "../errors.ts";

/** The kinds that change staking state. */
export type StakingTx = TxOfKind<TxKind.Stake | TxKind.Unstake | TxKind.Vote | TxKind.Evidence>;

/** Whether a tx is one of the staking kinds (stake, unstake, vote, evidence). */
export function isStakingTx(tx: Tx): tx is StakingTx {
  return (
    tx.kind === TxKind.Stake ||
    tx.kind === TxKind.Unstake ||
    tx.kind === TxKind.Vote ||
    tx.kind === TxKind.Evidence
  );
}

/** Why a staking tx is refused: a `TxError` code and a message naming what is at fault. */
export interface StakingFailure {
  code: TxErrorCode;
  message: string;
}

/** Accounts as execution sees them, by address hex: a read sees every earlier write. */
export interface AccountStore {
  read(hex: string): Account;
  write(hex: string, account: Account): void;
}

/** Hex of `BURN_ADDRESS`. */
export const BURN_ADDRESS_HEX = bytesToHex(BURN_ADDRESS);

/** An account's staking state, the default one when it has none. */
export function stakingOf(account: Account): Staking {
  return account.staking ?? EMPTY_STAKING;
}

/** The account with this staking state; a default state is left out (the encoding is the same, `{}` is tidier). */
export function withStaking(account: Account, staking: Staking): Account {
  const out: Account = { ...account, staking };
  if (isDefaultStaking(staking)) delete out.staking;
  return out;
}

/** The account slashed by an evidence payload: the address of the proposer that signed both headers. */
export function evidenceOffender(p: EvidencePayload): Uint8Array {
  return addressFromPublicKey(p.first.proposer);
}

/**
 * What is wrong with a staking tx before any state is read (null: nothing): a positive amount for stake and unstake,
 * a sorted list of at most `MAX_VOTES` candidates for a vote, a valid double-production proof for evidence (this
 * checks its two ed25519 signatures: evidence is rare).
 */
export function stakingTxProblem(tx: StakingTx): StakingFailure | null {
  switch (tx.kind) {
    case TxKind.Stake:
    case TxKind.Unstake:
      if (tx.payload.amount === 0n)
        return { code: "TX_ERROR_ZERO_AMOUNT", message: "payload.amount: must be positive" };
      return null;
    case TxKind.Vote: {
      const c = tx.payload.candidates;
      if (c.length > MAX_VOTES)
        return {
          code: "TX_ERROR_BAD_PAYLOAD",
          message: `payload.candidates: ${c.length} candidates, at most ${MAX_VOTES}`,
        };
      if (!isStrictlyIncreasing(c)) {
        const i = c.findIndex((_, k) => k > 0 && !isStrictlyIncreasing([c[k - 1], c[k]]));
        return {
          code: "TX_ERROR_BAD_PAYLOAD",
          message: `payload.candidates[${i}]: not after payload.candidates[${i - 1}] (candidates must be sorted and unique)`,
        };
      }
      return null;
    }
    case TxKind.Evidence: {
      const problem = evidenceProblem(tx.payload, tx.chainId, tx.shard);
      return problem === null ? null : { code: "TX_ERROR_BAD_EVIDENCE", message: problem };
    }
  }
}

/**
 * What keeps an evidence payload from proving double production on this chain and shard, or null: both headers of
 * the chain and shard, at one height, by one proposer, different blocks, each certificate the proposer's ed25519
 * signature over the header hash.
 */
export function evidenceProblem(p: EvidencePayload, chainId: number, shard: number): string | null {
  const { first, second } = p;
  for (const [name, h] of [
    ["first", first],
    ["second", second],
  ] as const) {
    if (h.chainId !== chainId) return `payload.${name}.chainId: ${h.chainId} is not this chain ${chainId}`;
    if (h.shard !== shard) return `payload.${name}.shard: ${h.shard} is not this shard ${shard}`;
  }
  if (first.height !== second.height)
    return `payload.second.height: ${second.height} differs from payload.first.height ${first.height}`;
  if (!bytesEqual(first.proposer, second.proposer))
    return "payload.second.proposer: differs from payload.first.proposer";
  const firstHash = headerHash(first);
  const secondHash = headerHash(second);
  if (bytesEqual(firstHash, secondHash)) return "payload.second: the same block as payload.first";
  if (!signedByProposer(first, firstHash))
    return "payload.first.certificate: not the proposer's ed25519 signature over the header hash";
  if (!signedByProposer(second, secondHash))
    return "payload.second.certificate: not the proposer's ed25519 signature over the header hash";
  return null;
}

function signedByProposer(h: Header, hash: Uint8Array): boolean {
  return ed25519Verify(h.certificate, hash, h.proposer);
}

/**
 * Adds `delta` to the votes received by each of `votes`. A tally never goes negative while every account a block
 * touches is loaded; a negative one means a missing load (an engine bug), so it throws rather than write it.
 */
function adjustTallies(store: AccountStore, votes: Uint8Array[], delta: bigint): void {
  if (delta === 0n) return;
  for (const candidate of votes) {
    const hex = bytesToHex(candidate);
    const account = store.read(hex);
    const s = stakingOf(account);
    const votesReceived = s.votesReceived + delta;
    if (votesReceived < 0n)
      throw new Error(
        `votes received by ${addressToText(candidate)} would go negative: was its account loaded?`,
      );
    store.write(hex, withStaking(account, { ...s, votesReceived }));
  }
}

/**
 * Bonds `amount` more of an account's balance as stake and makes it a block-producer candidate (a validator's
 * registration deposit), leaving it as a genesis validator starts: when it voted for no one it now votes for itself
 * with its whole stake; otherwise the candidates it votes for gain `amount`. The caller has checked the balance.
 */
export function bondCandidate(store: AccountStore, hex: string, address: Uint8Array, amount: bigint): void {
  const account = store.read(hex);
  const s = stakingOf(account);
  const selfVote = s.votes.length === 0;
  const votes = selfVote ? [address] : s.votes;
  const balance = account.balance - amount;
  store.write(
    hex,
    withStaking({ ...account, balance }, { ...s, stake: s.stake + amount, candidate: true, votes }),
  );
  adjustTallies(store, votes, selfVote ? s.stake + amount : amount);
}

/** The sender after paying the fee (plus `debit`) and using its nonce. */
function charged(sender: Account, fee: bigint, debit: bigint): Account {
  return { ...sender, balance: sender.balance - fee - debit, nonce: sender.nonce + 1 };
}

function insufficient(balance: bigint, what: string, cost: bigint): StakingFailure {
  return {
    code: "TX_ERROR_INSUFFICIENT_BALANCE",
    message: `balance ${balance} is less than ${what} = ${cost}`,
  };
}

/**
 * Applies a staking tx whose nonce matches (pure apart from `store`): charges the fee (to be paid to the proposer by
 * the caller), bumps the nonce, then
 * - stake: balance -= amount, stake += amount, each voted candidate's tally += amount;
 * - unstake: stake -= amount (at most the stake), balance += amount, tallies -= amount (no unbonding delay yet);
 * - vote: each candidate must have `candidate: true`; the sender's stake leaves its old votes' tallies and joins
 *   the new ones;
 * - evidence: the offender's whole stake goes to `BURN_ADDRESS` as balance, its votes' tallies lose it (an offender
 *   without stake is refused, which makes a repeated evidence harmless).
 * Every check comes before the first write: a refused tx writes nothing. Credits cannot overflow: each is bounded by
 * the total supply, which genesis caps at 2^64-1.
 */
export function applyStakingTx(tx: StakingTx, senderHex: string, store: AccountStore): StakingFailure | null {
  const problem = stakingTxProblem(tx);
  if (problem !== null) return problem;
  const sender = store.read(senderHex);
  const s = stakingOf(sender);
  switch (tx.kind) {
    case TxKind.Stake: {
      const { amount } = tx.payload;
      if (sender.balance < tx.fee + amount)
        return insufficient(sender.balance, "fee + amount", tx.fee + amount);
      store.write(senderHex, withStaking(charged(sender, tx.fee, amount), { ...s, stake: s.stake + amount }));
      adjustTallies(store, s.votes, amount);
      return null;
    }
    case TxKind.Unstake: {
      const { amount } = tx.payload;
      if (s.stake < amount)
        return {
          code: "TX_ERROR_INSUFFICIENT_STAKE",
          message: `stake ${s.stake} is less than amount ${amount}`,
        };
      if (sender.balance < tx.fee) return insufficient(sender.balance, "the fee", tx.fee);
      store.write(
        senderHex,
        withStaking(charged(sender, tx.fee, -amount), { ...s, stake: s.stake - amount }),
      );
      adjustTallies(store, s.votes, -amount);
      return null;
    }
    case TxKind.Vote: {
      const { candidates } = tx.payload;
      if (sender.balance < tx.fee) return insufficient(sender.balance, "the fee", tx.fee);
      for (const c of candidates)
        if (!stakingOf(store.read(bytesToHex(c))).candidate)
          return {
            code: "TX_ERROR_NOT_A_CANDIDATE",
            message: `payload.candidates: ${addressToText(c)} is not a block-producer candidate`,
          };
      store.write(senderHex, withStaking(charged(sender, tx.fee, 0n), { ...s, votes: candidates.slice() }));
      adjustTallies(store, s.votes, -s.stake);
      adjustTallies(store, candidates, s.stake);
      return null;
    }
    case TxKind.Evidence:
      return applyEvidence(tx, senderHex, store);
  }
}

function applyEvidence(
  tx: TxOfKind<TxKind.Evidence>,
  senderHex: string,
  store: AccountStore,
): StakingFailure | null {
  const sender = store.read(senderHex);
  const offender = evidenceOffender(tx.payload);
  const offenderHex = bytesToHex(offender);
  const slashed = stakingOf(store.read(offenderHex)).stake;
  if (slashed === 0n)
    return {
      code: "TX_ERROR_NOTHING_TO_SLASH",
      message: `${addressToText(offender)} has no stake to slash (already slashed, or never staked)`,
    };
  if (sender.balance < tx.fee) return insufficient(sender.balance, "the fee", tx.fee);
  store.write(senderHex, charged(sender, tx.fee, 0n));
  // Read again: the sender may be the offender.
  const account = store.read(offenderHex);
  const s = stakingOf(account);
  store.write(offenderHex, withStaking(account, { ...s, stake: 0n }));
  adjustTallies(store, s.votes, -slashed);
  const burn = store.read(BURN_ADDRESS_HEX);
  store.write(BURN_ADDRESS_HEX, { ...burn, balance: burn.balance + slashed });
  return null;
}
