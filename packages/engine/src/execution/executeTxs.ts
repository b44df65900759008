import { bytesToHex } from "@vshard/crypto";
import { type Account, EMPTY_ACCOUNT, MAX_AMOUNT, type SignedTx, TxKind } from "@vshard/types";
import { TxError } from "../errors.ts";

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
  /** Fees paid to the proposer. */
  fees: bigint;
}

/** The addresses (hex) whose accounts executing `txs` may read. */
export function touchedAddresses(txs: PreparedTx[], proposerHex: string): Set<string> {
  const out = new Set<string>([proposerHex]);
  for (const t of txs) {
    out.add(t.senderHex);
    if (t.stx.tx.kind === TxKind.Transfer) out.add(bytesToHex(t.stx.tx.payload.to));
  }
  return out;
}

/**
 * Applies transactions in order to `accounts` (pure: reads the map, returns new values; the map is not mutated).
 * A transfer needs nonce = account nonce and balance >= fee + amount; the sender's nonce rises by one, the fee goes
 * to the proposer. With `skipInvalid` (block building) a failing tx is skipped and reported; without it (block
 * validation) the first failure throws its `TxError`.
 */
export function executeTxs(
  txs: PreparedTx[],
  accounts: AccountMap,
  proposerHex: string,
  opts: { skipInvalid: boolean },
): ExecutionResult {
  const changed: AccountMap = new Map();
  const read = (hex: string): Account => changed.get(hex) ?? accounts.get(hex) ?? EMPTY_ACCOUNT;
  const applied: PreparedTx[] = [];
  const rejected: ExecutionResult["rejected"] = [];
  let fees = 0n;
  for (const t of txs) {
    const tx = t.stx.tx;
    const sender = read(t.senderHex);
    const fail = (code: TxError["code"], message: string) => {
      const error = new TxError({ code, txHash: t.hashHex }, message);
      if (!opts.skipInvalid) throw error;
      rejected.push({ tx: t, error });
    };
    if (tx.nonce !== sender.nonce) {
      fail("TX_ERROR_NONCE_MISMATCH", `nonce ${tx.nonce} does not match the account nonce ${sender.nonce}`);
      continue;
    }
    const amount = tx.payload.amount;
    const cost = tx.fee + amount;
    if (sender.balance < cost) {
      fail("TX_ERROR_INSUFFICIENT_BALANCE", `balance ${sender.balance} is less than fee + amount = ${cost}`);
      continue;
    }
    const toHex = bytesToHex(tx.payload.to);
    changed.set(t.senderHex, { balance: sender.balance - cost, nonce: sender.nonce + 1 });
    const receiver = read(toHex);
    if (receiver.balance + amount > MAX_AMOUNT) {
      changed.set(t.senderHex, sender);
      fail("TX_ERROR_BALANCE_OVERFLOW", "the receiver's balance would exceed 2^64-1");
      continue;
    }
    changed.set(toHex, { balance: receiver.balance + amount, nonce: receiver.nonce });
    fees += tx.fee;
    applied.push(t);
  }
  if (fees > 0n) {
    const proposer = read(proposerHex);
    changed.set(proposerHex, { balance: proposer.balance + fees, nonce: proposer.nonce });
  }
  return { applied, rejected, changed, fees };
}
