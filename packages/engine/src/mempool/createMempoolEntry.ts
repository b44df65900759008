import type { SignedTx } from "@vshard/types";
import { TxKind } from "@vshard/types";
import type { PreparedTx } from "../execution/executeTxs.ts";
import type { MempoolEntry } from "./interface.ts";

/**
 * What a tx takes from its sender's balance if executed: its fee, plus the amount a transfer (local or cross-shard)
 * moves or a stake locks, or the deposit a validator registration locks.
 */
export function txCost(stx: SignedTx): bigint {
  const tx = stx.tx;
  if (tx.kind === TxKind.Transfer || tx.kind === TxKind.CrossTransfer || tx.kind === TxKind.Stake)
    return tx.fee + tx.payload.amount;
  if (tx.kind === TxKind.RegisterValidator) return tx.fee + tx.payload.deposit;
  return tx.fee;
}

/** The priority of receives: above every paying tx (`MempoolEntry.priority`). */
export const RECEIVE_PRIORITY = 1;

/** The mempool entry of a prepared tx (hash, sender and size derived once, by `prepareTx`). */
export function mempoolEntryOf(t: PreparedTx): MempoolEntry {
  return {
    hash: t.hash,
    hashHex: t.hashHex,
    stx: t.stx,
    senderAddress: t.senderAddress,
    senderHex: t.senderHex,
    nonce: t.stx.tx.nonce,
    fee: t.stx.tx.fee,
    cost: txCost(t.stx),
    size: t.size,
    ...(t.stx.tx.kind === TxKind.Receive ? { priority: RECEIVE_PRIORITY } : {}),
  };
}
