import { bytesToHex } from "@vshard/crypto";
import {
  addressToText,
  MAX_AMOUNT,
  type Receipt,
  RecordNamespace,
  type ShardRef,
  sameShard,
  TxKind,
  type TxOfKind,
  verifyReceiptProof,
} from "@vshard/types";
import type { PreparedTx } from "../execution/executeTxs.ts";
import type { RecordState } from "../execution/recordState.ts";
import type { AccountStore } from "../execution/staking.ts";
import type { TxFailure } from "../registry/interface.ts";
import { MAIN_CHAIN_ID } from "../registry/options.ts";
import type { ReceiptSources } from "./interface.ts";
import {
  addToReceiptTotal,
  decodeSpentReceiptEntry,
  encodeSpentReceiptEntry,
  ReceiptTotal,
  ReceiptUse,
  refundReceiptId,
  spentReceiptRecordId,
} from "./receiptRecords.ts";
import { MAIN_SHARD, receiptDeliveryPoint, routerAction } from "./receiptRouting.ts";

/** What cross-shard execution reads and writes: accounts, records, the block's outbox and the receipt sources. */
export interface CrossShardScope {
  store: AccountStore;
  records: RecordState;
  /** Absent: this node cannot check receipts (receives are refused). */
  sources: ReceiptSources | undefined;
  /** Height of the block being executed. */
  height: number;
  /** The block's outbox so far: executed cross transfers (and the main chain's forwards and refunds) append to it. */
  outbox: Receipt[];
}

const refuse = (code: TxFailure["code"], message: string): TxFailure => ({ code, message });
const where = (ref: ShardRef) => `chain ${ref.chainId} shard ${ref.shard}`;

/**
 * A cross transfer: the destination must be another shard (on the main chain: a registered worker chain's shard, as
 * its registry says now); the sender pays fee + amount and its nonce rises; a receipt (id = the tx hash) joins the
 * outbox and the shard's sent total.
 */
export function applyCrossTransfer(t: PreparedTx, scope: CrossShardScope): TxFailure | null {
  const tx = t.stx.tx as TxOfKind<TxKind.CrossTransfer>;
  const here = { chainId: tx.chainId, shard: tx.shard };
  const { to, destination, amount } = tx.payload;
  if (sameShard(destination, here))
    return refuse(
      "TX_ERROR_BAD_DESTINATION",
      `payload.destination: ${where(here)} is this shard; use a transfer`,
    );
  if (tx.chainId === MAIN_CHAIN_ID) {
    if (destination.chainId === MAIN_CHAIN_ID)
      return refuse("TX_ERROR_BAD_DESTINATION", "payload.destination: the main chain has one shard, 0");
    if (scope.sources?.shardAddedAt(destination) == null)
      return refuse("TX_ERROR_UNKNOWN_SHARD", `payload.destination: ${where(destination)} is not registered`);
  }
  const sender = scope.store.read(t.senderHex);
  const cost = tx.fee + amount;
  if (sender.balance < cost)
    return refuse(
      "TX_ERROR_INSUFFICIENT_BALANCE",
      `balance ${sender.balance} is less than fee + amount = ${cost}`,
    );
  scope.store.write(t.senderHex, { ...sender, balance: sender.balance - cost, nonce: sender.nonce + 1 });
  scope.outbox.push({ id: t.hash, from: t.senderAddress, to, amount, source: here, destination });
  addToReceiptTotal(scope.records, ReceiptTotal.Sent, amount);
  return null;
}

/** What consuming a receipt does, once every check passed. */
interface ReceivePlan {
  use: ReceiptUse;
  /** The receipt consumed. */
  receipt: Receipt;
  /** The receipt the main chain sends on (forwarded, or the refund back to the sender). */
  emit?: Receipt;
}

/**
 * The checks of a receive, in order: a source other than this shard; the source block notarised (anchored on the
 * main chain, or a committed main-chain block); the merkle proof against its receipt root (count included); this
 * shard the receipt's delivery point (`receiptDeliveryPoint`); the receipt not consumed here yet. Then what it does:
 * a credit here, or on the main chain as router a forward or a refund (`routerAction`). Reads only.
 */
export function planReceive(t: PreparedTx, scope: CrossShardScope): ReceivePlan | TxFailure {
  const tx = t.stx.tx as TxOfKind<TxKind.Receive>;
  const here = { chainId: tx.chainId, shard: tx.shard };
  const { receipt, sourceHeight, proof } = tx.payload;
  const { source, destination } = receipt;
  const { sources } = scope;
  if (!sources) return refuse("TX_ERROR_RECEIPT_NOT_ANCHORED", "this node cannot check receipt sources");
  if (sameShard(source, here)) return refuse("TX_ERROR_RECEIPT_ROUTE", "the receipt comes from this shard");
  const block = sources.notarised(source, sourceHeight);
  if (block === null)
    return refuse(
      "TX_ERROR_RECEIPT_NOT_ANCHORED",
      source.chainId === MAIN_CHAIN_ID
        ? `main-chain block ${sourceHeight} is not committed here`
        : `block ${sourceHeight} of ${where(source)} is not anchored on the main chain`,
    );
  if (!verifyReceiptProof(block.receiptRoot, receipt, proof))
    return refuse(
      "TX_ERROR_BAD_RECEIPT_PROOF",
      `payload.proof: the receipt is not entry ${proof.index} of ${proof.leafCount} in the outbox of block ${sourceHeight} of ${where(source)}`,
    );
  const addedAt = destination.chainId === MAIN_CHAIN_ID ? null : sources.shardAddedAt(destination);
  const point = receiptDeliveryPoint(receipt, block.anchoredAt, addedAt);
  if (!sameShard(point, here))
    return refuse(
      "TX_ERROR_RECEIPT_ROUTE",
      `a receipt from ${where(source)} to ${where(destination)} is consumed by ${where(point)}` +
        (sameShard(point, MAIN_SHARD) ? " (the main chain routes it)" : ""),
    );
  const spent = scope.records.read(RecordNamespace.SpentReceipt, spentReceiptRecordId(source, receipt.id));
  if (spent !== null)
    return refuse(
      "TX_ERROR_RECEIPT_SPENT",
      `receipt ${bytesToHex(receipt.id)} from ${where(source)} was consumed at height ${decodeSpentReceiptEntry(spent).height}`,
    );
  const action = sameShard(here, destination) ? "credit" : routerAction(receipt, addedAt);
  if (action === "credit") {
    const to = scope.store.read(bytesToHex(receipt.to));
    if (to.balance + receipt.amount > MAX_AMOUNT)
      return refuse(
        "TX_ERROR_BALANCE_OVERFLOW",
        `the balance of ${addressToText(receipt.to)} would exceed 2^64-1`,
      );
    return { use: ReceiptUse.Credited, receipt };
  }
  if (action === "forward")
    return { use: ReceiptUse.Forwarded, receipt, emit: { ...receipt, source: MAIN_SHARD } };
  const refund: Receipt = {
    id: refundReceiptId(receipt.id),
    from: receipt.to,
    to: receipt.from,
    amount: receipt.amount,
    source: MAIN_SHARD,
    destination: source,
  };
  return { use: ReceiptUse.Refunded, receipt, emit: refund };
}

/**
 * A receive: `planReceive`, then the receipt is marked spent (per source shard) and added to the consumed total, and
 * the amount credited or the forward or refund appended to the outbox. No nonce, no fee: the receipt is what is
 * checked, and it is consumed once.
 */
export function applyReceive(t: PreparedTx, scope: CrossShardScope): TxFailure | null {
  const plan = planReceive(t, scope);
  if ("code" in plan) return plan;
  const { receipt } = plan;
  const entry = encodeSpentReceiptEntry({ height: scope.height, txHash: t.hash, use: plan.use });
  scope.records.write(RecordNamespace.SpentReceipt, spentReceiptRecordId(receipt.source, receipt.id), entry);
  addToReceiptTotal(scope.records, ReceiptTotal.Consumed, receipt.amount);
  if (plan.emit) {
    scope.outbox.push(plan.emit);
    addToReceiptTotal(scope.records, ReceiptTotal.Sent, plan.emit.amount);
  } else {
    const toHex = bytesToHex(receipt.to);
    const to = scope.store.read(toHex);
    scope.store.write(toHex, { ...to, balance: to.balance + receipt.amount });
  }
  return null;
}

/** Whether a tx is one of the cross-shard kinds. */
export function isCrossShardTx(kind: TxKind): kind is TxKind.CrossTransfer | TxKind.Receive {
  return kind === TxKind.CrossTransfer || kind === TxKind.Receive;
}
