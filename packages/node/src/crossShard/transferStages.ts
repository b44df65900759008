import { bytesEqual, hexToBytes } from "@vshard/crypto";
import { MAIN_CHAIN_ID, MAIN_SHARD, ReceiptUse, refundReceiptId } from "@vshard/engine";
import { type Receipt, type ShardRef, TxKind } from "@vshard/types";
import { ApiError } from "../api/apiError.ts";
import { type ReceiptJson, receiptToJson } from "../api/crossShardTxJson.ts";
import type { NetworkView } from "../api/networkView.ts";
import { deliveryOf, mainOf } from "./receiptDelivery.ts";
import { receiptKeyOf } from "./receiptKey.ts";

/** A stage a cross-shard transfer reached, with when (block time, or when a receive was first admitted here). */
export interface TransferStage {
  stage: "debited" | "anchored" | "routed" | "relayed" | "credited" | "refunded";
  at: number;
  chainId: number;
  shard: number;
  /** The block of the stage (absent for "relayed": a relay handing the receive to a node). */
  height?: number;
}

/** A cross-shard transfer as it stands. */
export interface TransferView {
  hash: string;
  receipt: ReceiptJson;
  route: "direct" | "router";
  status: TransferStage["stage"];
  stages: TransferStage[];
}

/** Most hops a receipt takes: source → router → destination (or back to the source, refunded). */
const MAX_HOPS = 2;

/**
 * The stages of the cross transfer `hashHex` from this node's data: debited in its source block; anchored (the main
 * height that notarised that block); routed (consumed by the main chain, which forwards or refunds it); relayed
 * (first admitted here as a receive); credited or refunded (the block that consumed it). 404 `TRANSFER_NOT_FOUND`
 * while the tx is not in a committed block, 409 `NOT_A_CROSS_TRANSFER` for another kind.
 */
export async function transferStages(network: NetworkView, hashHex: string): Promise<TransferView> {
  const main = mainOf(network);
  const status = await main.chain.getTx(hashHex);
  if (!status || status.status === "pending" || status.status === "rejected")
    throw new ApiError(
      404,
      "TRANSFER_NOT_FOUND",
      status
        ? `tx ${hashHex} is ${status.status}${status.status === "rejected" ? ` (${status.message})` : ""}: no transfer yet`
        : `no committed tx ${hashHex} is known to this node`,
    );
  if (status.stx.tx.kind !== TxKind.CrossTransfer)
    throw new ApiError(
      409,
      "NOT_A_CROSS_TRANSFER",
      `tx ${hashHex} is not a cross-transfer (kind ${status.stx.tx.kind})`,
    );
  const header = (await main.chain.getBlock(status.blockHash))?.header;
  const source = header && network.shard(header.chainId, header.shard);
  const id = hexToBytes(hashHex);
  const receipt = source && (await source.chain.getOutbox(status.height)).find((r) => bytesEqual(r.id, id));
  if (!header || !receipt)
    throw new ApiError(
      404,
      "TRANSFER_NOT_FOUND",
      `the block of tx ${hashHex} or its receipt is not stored here`,
    );
  const stages: TransferStage[] = [
    { stage: "debited", at: header.time, ...where(header), height: status.height },
  ];
  let route: TransferView["route"] = "direct";
  let hop: { receipt: Receipt; height: number } | null = { receipt, height: status.height };
  for (let i = 0; i < MAX_HOPS && hop; i++) {
    const next = await followHop(network, hop, id, stages);
    if (next) route = "router";
    hop = next;
  }
  return {
    hash: hashHex,
    receipt: receiptToJson(receipt),
    route,
    status: stages[stages.length - 1].stage,
    stages,
  };
}

const where = (ref: ShardRef) => ({ chainId: ref.chainId, shard: ref.shard });

async function blockTime(network: NetworkView, ref: ShardRef, height: number): Promise<number | null> {
  const block = await network.shard(ref.chainId, ref.shard)?.chain.getBlock(height);
  return block?.header.time ?? null;
}

/**
 * Adds the stages of one hop of `receipt` (block `height` of its source) and returns the next hop when the main chain
 * routed it on (the forwarded or refund receipt, in main block `height`), else null.
 */
async function followHop(
  network: NetworkView,
  { receipt, height }: { receipt: Receipt; height: number },
  transferId: Uint8Array,
  stages: TransferStage[],
): Promise<{ receipt: Receipt; height: number } | null> {
  const d = await deliveryOf(network, receipt, height);
  if (d.anchoredAt === null || d.deliverTo === null) return null;
  if (receipt.source.chainId !== MAIN_CHAIN_ID) {
    const at = await blockTime(network, MAIN_SHARD, d.anchoredAt);
    if (at !== null) stages.push({ stage: "anchored", at, ...where(MAIN_SHARD), height: d.anchoredAt });
  }
  const relayedAt = network
    .shard(d.deliverTo.chainId, d.deliverTo.shard)
    ?.receives?.relayedAt(receiptKeyOf(receipt));
  if (relayedAt !== undefined) stages.push({ stage: "relayed", at: relayedAt, ...where(d.deliverTo) });
  if (!d.consumed) return null;
  const at = (await blockTime(network, d.deliverTo, d.consumed.height)) ?? 0;
  const consumedHere = { at, ...where(d.deliverTo), height: d.consumed.height };
  if (d.consumed.use === ReceiptUse.Credited) {
    // A receipt under another id than the transfer's is its refund.
    stages.push({ stage: bytesEqual(receipt.id, transferId) ? "credited" : "refunded", ...consumedHere });
    return null;
  }
  stages.push({ stage: "routed", ...consumedHere });
  const emitted = (await mainOf(network).chain.getOutbox(d.consumed.height)).find((r) =>
    bytesEqual(r.id, d.consumed?.use === ReceiptUse.Refunded ? refundReceiptId(receipt.id) : receipt.id),
  );
  return emitted ? { receipt: emitted, height: d.consumed.height } : null;
}
