import { ReceiptUse } from "@vshard/engine";
import { receiptProofs } from "@vshard/types";
import { receiptProofToJson, receiptToJson } from "../api/crossShardTxJson.ts";
import type { HostedShard, NetworkView } from "../api/networkView.ts";
import { deliveriesOf } from "./receiptDelivery.ts";

/** How a consumed receipt was used, in JSON. */
export const RECEIPT_USE_NAMES: Readonly<Record<ReceiptUse, "credited" | "forwarded" | "refunded">> = {
  [ReceiptUse.Credited]: "credited",
  [ReceiptUse.Forwarded]: "forwarded",
  [ReceiptUse.Refunded]: "refunded",
};

/**
 * A page of a chain shard's final outboxes from height `from`: each receipt with its proof, where it is delivered
 * (once its block is notarised) and whether it was consumed there: what relays scan. With `pendingOnly`, receipts
 * known consumed are left out, and blocks left with none (a relay's rescan of a backlog then carries only what is
 * left to do). `next` is where to go on.
 */
export async function outboxPage(
  network: NetworkView,
  source: HostedShard,
  from: number,
  limit: number,
  pendingOnly = false,
) {
  const { chainId, shard } = source.chain.opts;
  const finalHeight = source.chain.finalizedHeight();
  const raw = await source.chain.listOutboxes(from, limit);
  const final = raw.filter((b) => b.height <= finalHeight);
  const count = raw.reduce((n, b) => n + b.receipts.length, 0);
  const full = final.length === raw.length && count >= limit && final.length > 0;
  const next = full ? final[final.length - 1].height + 1 : Math.max(from, finalHeight + 1);
  const all = await Promise.all(
    final.map(async ({ height, receipts }) => {
      const deliveries = await deliveriesOf(network, receipts, height);
      const proofs = receiptProofs(receipts);
      return {
        height,
        anchoredAt: deliveries[0]?.anchoredAt ?? null,
        receipts: receipts.flatMap((receipt, index) => {
          const d = deliveries[index];
          if (pendingOnly && d.consumed) return [];
          const entry = {
            index,
            receipt: receiptToJson(receipt),
            proof: receiptProofToJson(proofs[index]),
            deliverTo: d.deliverTo,
            consumed: d.consumed
              ? { height: d.consumed.height, use: RECEIPT_USE_NAMES[d.consumed.use] }
              : null,
          };
          return [entry];
        }),
      };
    }),
  );
  const blocks = pendingOnly ? all.filter((b) => b.receipts.length > 0) : all;
  return { chainId, shard, finalHeight, next, blocks };
}
