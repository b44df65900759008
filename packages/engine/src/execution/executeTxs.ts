import { bytesToHex } from "@vshard/crypto";
import { type Account, EMPTY_ACCOUNT, MAX_AMOUNT, type Receipt, type SignedTx, TxKind } from "@vshard/types";
import { applyCrossTransfer, applyReceive, type CrossShardScope } from "../crossShard/crossShardTxs.ts";
import { receiptSourcesFromRecords } from "../crossShard/receiptSourcesFromRecords.ts";
import { TxError } from "../errors.ts";
import { applyChainTx } from "../registry/applyRegistryTx.ts";
import { isChainTx } from "../registry/chainTxRules.ts";
import type { ExecutionContext } from "../registry/interface.ts";
import { type RecordMap, RecordState, type RecordWrites } from "./recordState.ts";
import { applySmallbank, TX_OK, type TxOutcome } from "./smallbank.ts";
import {
  type AccountStore,
  applyStakingTx,
  BURN_ADDRESS_HEX,
  evidenceOffender,
  isStakingTx,
} from "./staking.ts";

/** A transaction with what is derived from it once (hash, sender address), so no step computes it twice. */
export interface PreparedTx {
  stx: SignedTx;
  hash: Uint8Array;
  hashHex: string;
  senderAddress: Uint8Array;
  senderHex: string;
  size: number;
}

/** Accounts by address hex: the part of the state a block reads and writes. */
export type AccountMap = Map<string, Account>;

/** What executing a list of transactions did. */
export interface ExecutionResult {
  /** Transactions applied, in order. */
  applied: PreparedTx[];
  /** Transactions skipped, with the reason (only when `skipInvalid`). */
  rejected: Array<{ tx: PreparedTx; error: TxError }>;
  /** Every account written, by address hex, with its final value. */
  changed: AccountMap;
  /** Every record written, by state-key hex (`recordKeyHex`), with its namespace, id and final value bytes. */
  records: RecordWrites;
  /** What each applied tx did, in the order of `applied` (an aborted tx is still applied: fee and nonce). */
  outcomes: TxOutcome[];
  /** Fees paid to the proposer. */
  fees: bigint;
  /** The block's outbox: the receipts its cross transfers (and the main chain's forwards and refunds) made, in order. */
  receipts: Receipt[];
}

/**
 * The addresses (hex) whose accounts executing `txs` may read, as far as the txs alone tell: the proposer, every
 * sender, every transfer's receiver, every candidate a vote names, every evidence's offender and the burn address.
 * Registry and record kinds touch their sender's account only (a register-validator's self-vote is its sender).
 * The candidates that existing stakes already vote for come from `stakingFollowUpAddresses`.
 */
export function touchedAddresses(txs: PreparedTx[], proposerHex: string): Set<string> {
  const out = new Set<string>([proposerHex]);
  for (const t of txs) {
    out.add(t.senderHex);
    const tx = t.stx.tx;
    if (tx.kind === TxKind.Transfer) out.add(bytesToHex(tx.payload.to));
    else if (tx.kind === TxKind.Receive) out.add(bytesToHex(tx.payload.receipt.to));
    else if (tx.kind === TxKind.Vote) for (const c of tx.payload.candidates) out.add(bytesToHex(c));
    else if (tx.kind === TxKind.Evidence) {
      out.add(bytesToHex(evidenceOffender(tx.payload)));
      out.add(BURN_ADDRESS_HEX);
    }
  }
  return out;
}

/**
 * The second round of reads a block with staking txs needs (hex, not in `accounts` yet): the candidates that the
 * senders of stake, unstake, vote and register-validator txs, and the offenders of evidence txs, voted for before the
 * block. Votes cast inside the block name candidates `touchedAddresses` already has. Empty for a block without
 * staking txs.
 */
export function stakingFollowUpAddresses(txs: PreparedTx[], accounts: AccountMap): string[] {
  const out = new Set<string>();
  const addVotesOf = (hex: string) => {
    for (const c of accounts.get(hex)?.staking?.votes ?? []) {
      const candidate = bytesToHex(c);
      if (!accounts.has(candidate)) out.add(candidate);
    }
  };
  for (const t of txs) {
    const tx = t.stx.tx;
    if (
      tx.kind === TxKind.Stake ||
      tx.kind === TxKind.Unstake ||
      tx.kind === TxKind.Vote ||
      tx.kind === TxKind.RegisterValidator
    )
      addVotesOf(t.senderHex);
    else if (tx.kind === TxKind.Evidence) addVotesOf(bytesToHex(evidenceOffender(tx.payload)));
  }
  return [...out];
}

/**
 * Applies transactions in order to `accounts` and `records` (pure: reads the maps, returns new values; the maps are
 * not mutated). Every tx needs nonce = account nonce and balance >= fee (a transfer or a stake: fee + amount); the
 * sender's nonce rises by one and the fee goes to the proposer. A noop does nothing else; a Smallbank op may abort,
 * which changes no record but still includes the tx; staking kinds follow `applyStakingTx`; registry and record
 * kinds follow `applyChainTx` with `opts.context` (the block height and the chain's role; without it they are
 * refused as on a chain of neither role); cross transfers and receives follow `applyCrossTransfer` and `applyReceive`
 * (a receive has no nonce and no fee; receipts go to the result's outbox). `accounts` must hold every account of `touchedAddresses` and
 * `stakingFollowUpAddresses` that exists, `records` every record of `touchedRecords` that exists. With `skipInvalid`
 * (block building) a failing tx is skipped and reported; without it (block validation) the first failure throws its
 * `TxError`.
 */
export function executeTxs(
  txs: PreparedTx[],
  accounts: AccountMap,
  proposerHex: string,
  opts: { skipInvalid: boolean; context?: ExecutionContext },
  records: RecordMap = new Map(),
): ExecutionResult {
  const changed: AccountMap = new Map();
  const read = (hex: string): Account => changed.get(hex) ?? accounts.get(hex) ?? EMPTY_ACCOUNT;
  const store: AccountStore = { read, write: (hex, account) => changed.set(hex, account) };
  const recordState = new RecordState(records);
  const applied: PreparedTx[] = [];
  const outcomes: TxOutcome[] = [];
  const rejected: ExecutionResult["rejected"] = [];
  let fees = 0n;
  const ctx = opts.context;
  const crossShard: CrossShardScope = {
    store,
    records: recordState,
    sources: ctx?.main ? receiptSourcesFromRecords(recordState) : ctx?.sources,
    height: ctx?.height ?? 0,
    outbox: [],
  };
  for (const t of txs) {
    const tx = t.stx.tx;
    const fail = (code: TxError["code"], message: string) => {
      const error = new TxError({ code, txHash: t.hashHex }, message);
      if (!opts.skipInvalid) throw error;
      rejected.push({ tx: t, error });
    };
    if (tx.kind === TxKind.Receive) {
      // No nonce and no fee: the receipt is what is checked, and it is consumed once.
      const failure = applyReceive(t, crossShard);
      if (failure !== null) fail(failure.code, failure.message);
      else {
        applied.push(t);
        outcomes.push(TX_OK);
      }
      continue;
    }
    const sender = read(t.senderHex);
    if (tx.nonce !== sender.nonce) {
      fail("TX_ERROR_NONCE_MISMATCH", `nonce ${tx.nonce} does not match the account nonce ${sender.nonce}`);
      continue;
    }
    if (isStakingTx(tx) || isChainTx(tx) || tx.kind === TxKind.CrossTransfer) {
      const failure = isStakingTx(tx)
        ? applyStakingTx(tx, t.senderHex, store)
        : tx.kind === TxKind.CrossTransfer
          ? applyCrossTransfer(t, crossShard)
          : applyChainTx(t, store, recordState, ctx);
      if (failure !== null) {
        fail(failure.code, failure.message);
        continue;
      }
      fees += tx.fee;
      applied.push(t);
      outcomes.push(TX_OK);
      continue;
    }
    const amount = tx.kind === TxKind.Transfer ? tx.payload.amount : 0n;
    const cost = tx.fee + amount;
    if (sender.balance < cost) {
      const what = tx.kind === TxKind.Transfer ? "fee + amount" : "the fee";
      fail("TX_ERROR_INSUFFICIENT_BALANCE", `balance ${sender.balance} is less than ${what} = ${cost}`);
      continue;
    }
    changed.set(t.senderHex, { ...sender, balance: sender.balance - cost, nonce: sender.nonce + 1 });
    let outcome = TX_OK;
    if (tx.kind === TxKind.Transfer) {
      const toHex = bytesToHex(tx.payload.to);
      const receiver = read(toHex);
      if (receiver.balance + amount > MAX_AMOUNT) {
        changed.set(t.senderHex, sender);
        fail("TX_ERROR_BALANCE_OVERFLOW", "the receiver's balance would exceed 2^64-1");
        continue;
      }
      changed.set(toHex, { ...receiver, balance: receiver.balance + amount });
    } else if (tx.kind === TxKind.Smallbank)
      outcome = applySmallbank(tx.payload, t.senderAddress, recordState);
    fees += tx.fee;
    applied.push(t);
    outcomes.push(outcome);
  }
  if (fees > 0n) {
    const proposer = read(proposerHex);
    changed.set(proposerHex, { ...proposer, balance: proposer.balance + fees });
  }
  const receipts = crossShard.outbox;
  return { applied, rejected, changed, records: recordState.changed, outcomes, fees, receipts };
}
