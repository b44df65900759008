import { concatBytes, sha256 } from "@vshard/crypto";
import {
  decodeTuple,
  encodeTuple,
  expectBytes,
  expectUint,
  RecordNamespace,
  type ShardRef,
} from "@vshard/types";
import type { RecordState } from "../execution/recordState.ts";
import { u16be, u32be } from "../registry/registryIds.ts";

/** How a shard consumed a receipt: credited it, forwarded it (main chain as router) or refunded it back. */
export enum ReceiptUse {
  Credited = 0,
  Forwarded = 1,
  Refunded = 2,
}

/** A consumed receipt (ns SpentReceipt): the block that consumed it, the receive tx and what it did. */
export interface SpentReceiptEntry {
  height: number;
  txHash: Uint8Array;
  use: ReceiptUse;
}

/** Id of a spent receipt (ns SpentReceipt): u32be(source chainId) || u16be(source shard) || receipt id. */
export function spentReceiptRecordId(source: ShardRef, id: Uint8Array): Uint8Array {
  return concatBytes(u32be(source.chainId), u16be(source.shard), id);
}

export function encodeSpentReceiptEntry(e: SpentReceiptEntry): Uint8Array {
  return encodeTuple([e.height, e.txHash, e.use]);
}

export function decodeSpentReceiptEntry(bytes: Uint8Array): SpentReceiptEntry {
  const [height, txHash, use] = decodeTuple(bytes, 3, "spentReceipt");
  return {
    height: expectUint(height, "spentReceipt.height"),
    txHash: expectBytes(txHash, "spentReceipt.txHash", 32),
    use: expectUint(use, "spentReceipt.use", ReceiptUse.Refunded) as ReceiptUse,
  };
}

/** The running totals a shard keeps of its receipts (ns ReceiptTotal), amounts in base units. */
export enum ReceiptTotal {
  /** Sum of the amounts of every receipt this shard put in its outboxes. */
  Sent = "sent",
  /** Sum of the amounts of every receipt this shard consumed (credited, forwarded or refunded). */
  Consumed = "consumed",
}

/** Id of a receipt total's record: the utf8 name. */
export function receiptTotalRecordId(total: ReceiptTotal): Uint8Array {
  return new TextEncoder().encode(total);
}

/** Bytes of a total: 16-byte big-endian (a total may pass 2^64 over a chain's life). */
const TOTAL_BYTES = 16;

export function encodeReceiptTotal(value: bigint): Uint8Array {
  const out = new Uint8Array(TOTAL_BYTES);
  let v = value;
  for (let i = TOTAL_BYTES - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function decodeReceiptTotal(bytes: Uint8Array | null): bigint {
  if (bytes === null) return 0n;
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** Adds `amount` to one of the shard's receipt totals in `records`. */
export function addToReceiptTotal(records: RecordState, total: ReceiptTotal, amount: bigint): void {
  const id = receiptTotalRecordId(total);
  const now = decodeReceiptTotal(records.read(RecordNamespace.ReceiptTotal, id));
  records.write(RecordNamespace.ReceiptTotal, id, encodeReceiptTotal(now + amount));
}

const REFUND_DOMAIN = new TextEncoder().encode("vshard/refund");

/** The id of the refund receipt of receipt `id`: apart from every tx hash, and from refunds of other receipts. */
export function refundReceiptId(id: Uint8Array): Uint8Array {
  return sha256(REFUND_DOMAIN, id);
}
