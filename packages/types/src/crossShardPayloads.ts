import { ADDRESS_LENGTH } from "./address.ts";
import { amountToWire, expectAmount, expectArray, expectBytes, expectTuple, expectUint } from "./codec.ts";
import { CodecError } from "./errors.ts";
import type { ReceiptProof } from "./outbox.ts";
import {
  type Receipt,
  receiptFromTuple,
  receiptToTuple,
  type ShardRef,
  shardRefFromTuple,
  shardRefToTuple,
} from "./receipt.ts";

/**
 * Moves `amount` from the sender's sub-account in this shard to `to` in another shard of this or another chain: the
 * source shard debits it and appends a receipt to its block's outbox; the destination credits it from that receipt.
 */
export interface CrossTransferPayload {
  to: Uint8Array;
  destination: ShardRef;
  amount: bigint;
}

/**
 * Credits a receipt from another shard's outbox: the receipt, the height of the source block that holds it and its
 * merkle proof against that block's receipt root. Anyone (a relay) may send it; the receipt, not the sender, is what
 * is checked, and it is credited once.
 */
export interface ReceivePayload {
  receipt: Receipt;
  sourceHeight: number;
  proof: ReceiptProof;
}

/** Most siblings a receipt proof may carry: a tree of 2^64 leaves is deeper than any outbox. */
export const MAX_PROOF_SIBLINGS = 64;

export function crossTransferPayloadToTuple(p: CrossTransferPayload): unknown[] {
  return [p.to, shardRefToTuple(p.destination), amountToWire(p.amount)];
}

export function crossTransferPayloadFromTuple(value: unknown, what: string): CrossTransferPayload {
  const [to, destination, amount] = expectTuple(value, 3, what);
  return {
    to: expectBytes(to, `${what}.to`, ADDRESS_LENGTH),
    destination: shardRefFromTuple(destination, `${what}.destination`),
    amount: expectAmount(amount, `${what}.amount`),
  };
}

export function receivePayloadToTuple(p: ReceivePayload): unknown[] {
  return [receiptToTuple(p.receipt), p.sourceHeight, [p.proof.index, p.proof.leafCount, p.proof.siblings]];
}

export function receivePayloadFromTuple(value: unknown, what: string): ReceivePayload {
  const [receipt, sourceHeight, proof] = expectTuple(value, 3, what);
  const [index, leafCount, siblings] = expectTuple(proof, 3, `${what}.proof`);
  const list = expectArray(siblings, `${what}.proof.siblings`, (v, w) => expectBytes(v, w, 32));
  if (list.length > MAX_PROOF_SIBLINGS)
    throw new CodecError(
      { code: "CODEC_ERROR_OUT_OF_RANGE", what: `${what}.proof.siblings` },
      `${what}.proof.siblings: ${list.length} siblings, at most ${MAX_PROOF_SIBLINGS}`,
    );
  return {
    receipt: receiptFromTuple(receipt, `${what}.receipt`),
    sourceHeight: expectUint(sourceHeight, `${what}.sourceHeight`),
    proof: {
      index: expectUint(index, `${what}.proof.index`),
      leafCount: expectUint(leafCount, `${what}.proof.leafCount`),
      siblings: list,
    },
  };
}
