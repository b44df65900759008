import {
  anchoredHeaderRecordId,
  chainRecordId,
  decodeAnchoredHeaderEntry,
  decodeChainEntry,
  decodeSpentReceiptEntry,
  MAIN_CHAIN_ID,
  receiptDeliveryPoint,
  type SpentReceiptEntry,
  spentReceiptRecordId,
} from "@vshard/engine";
import { type Receipt, RecordNamespace, type ShardRef } from "@vshard/types";
import { ApiError } from "../api/apiError.ts";
import type { HostedShard, NetworkView } from "../api/networkView.ts";

/** Where a receipt stands: when its source block was notarised, which shard consumes it, and whether it did. */
export interface ReceiptDelivery {
  /** Main height that anchored the source block (a main-chain block: its own height once final); null: not yet. */
  anchoredAt: number | null;
  /** The shard that consumes it (`receiptDeliveryPoint`); null while the source block is not notarised. */
  deliverTo: ShardRef | null;
  /** Its spent entry there; null: not consumed yet, or that shard is not hosted here (`known` false). */
  consumed: SpentReceiptEntry | null;
  /** Whether this node hosts the shard that consumes it (else `consumed` is unknown). */
  known: boolean;
}

/** The main chain a network node runs (500 if missing: a bug of the node). */
export function mainOf(network: NetworkView): HostedShard {
  const main = network.shard(MAIN_CHAIN_ID, 0);
  if (!main) throw new ApiError(500, "API_ERROR_NO_MAIN_CHAIN", "this network node runs no main chain");
  return main;
}

/** Main height at which a worker shard was added, from the main chain's committed registry (null: no such shard). */
export async function shardAddedAtOf(network: NetworkView, ref: ShardRef): Promise<number | null> {
  if (ref.chainId === MAIN_CHAIN_ID) return ref.shard === 0 ? 0 : null;
  const [bytes] = await mainOf(network).chain.getRecordValues([
    { namespace: RecordNamespace.Chain, id: chainRecordId(ref.chainId) },
  ]);
  return bytes ? (decodeChainEntry(bytes).shardsAddedAt[ref.shard] ?? null) : null;
}

/** The main height that notarised block `height` of `source`, or null. */
export async function anchoredAtOf(
  network: NetworkView,
  source: ShardRef,
  height: number,
): Promise<number | null> {
  const main = mainOf(network);
  if (source.chainId === MAIN_CHAIN_ID) return height <= main.chain.finalizedHeight() ? height : null;
  const id = anchoredHeaderRecordId(source.chainId, source.shard, height);
  const [bytes] = await main.chain.getRecordValues([{ namespace: RecordNamespace.AnchoredHeader, id }]);
  return bytes ? decodeAnchoredHeaderEntry(bytes).anchoredAt : null;
}

/** The spent entry of a receipt at `at`, if this node hosts that shard. */
export async function consumedAt(
  network: NetworkView,
  at: ShardRef,
  receipt: Receipt,
): Promise<{ known: boolean; entry: SpentReceiptEntry | null }> {
  const hosted = network.shard(at.chainId, at.shard);
  if (!hosted) return { known: false, entry: null };
  const id = spentReceiptRecordId(receipt.source, receipt.id);
  const [bytes] = await hosted.chain.getRecordValues([{ namespace: RecordNamespace.SpentReceipt, id }]);
  return { known: true, entry: bytes ? decodeSpentReceiptEntry(bytes) : null };
}

/** Where receipt `receipt` of block `sourceHeight` stands, as this node sees it. */
export async function deliveryOf(
  network: NetworkView,
  receipt: Receipt,
  sourceHeight: number,
): Promise<ReceiptDelivery> {
  const anchoredAt = await anchoredAtOf(network, receipt.source, sourceHeight);
  if (anchoredAt === null) return { anchoredAt, deliverTo: null, consumed: null, known: false };
  const addedAt =
    receipt.destination.chainId === MAIN_CHAIN_ID ? null : await shardAddedAtOf(network, receipt.destination);
  const deliverTo = receiptDeliveryPoint(receipt, anchoredAt, addedAt);
  const { known, entry } = await consumedAt(network, deliverTo, receipt);
  return { anchoredAt, deliverTo, consumed: entry, known };
}

/**
 * Where every receipt of one source block stands (what `deliveryOf` gives each, read in a few batched reads: the anchor
 * once, each destination's addition once, the spent entries per consuming shard in one read).
 */
export async function deliveriesOf(
  network: NetworkView,
  receipts: Receipt[],
  sourceHeight: number,
): Promise<ReceiptDelivery[]> {
  if (receipts.length === 0) return [];
  const anchoredAt = await anchoredAtOf(network, receipts[0].source, sourceHeight);
  if (anchoredAt === null)
    return receipts.map(() => ({ anchoredAt, deliverTo: null, consumed: null, known: false }));
  const added = new Map<string, Promise<number | null>>();
  const addedAt = (ref: ShardRef) => {
    const key = `${ref.chainId}/${ref.shard}`;
    if (!added.has(key)) added.set(key, shardAddedAtOf(network, ref));
    return added.get(key) as Promise<number | null>;
  };
  const points = await Promise.all(
    receipts.map(async (r) =>
      receiptDeliveryPoint(
        r,
        anchoredAt,
        r.destination.chainId === MAIN_CHAIN_ID ? null : await addedAt(r.destination),
      ),
    ),
  );
  const out: ReceiptDelivery[] = points.map((deliverTo) => ({
    anchoredAt,
    deliverTo,
    consumed: null,
    known: false,
  }));
  const byPoint = new Map<string, number[]>();
  points.forEach((p, i) => {
    const key = `${p.chainId}/${p.shard}`;
    byPoint.set(key, [...(byPoint.get(key) ?? []), i]);
  });
  await Promise.all(
    [...byPoint.values()].map(async (indices) => {
      const at = points[indices[0]];
      const hosted = network.shard(at.chainId, at.shard);
      if (!hosted) return;
      const values = await hosted.chain.getRecordValues(
        indices.map((i) => ({
          namespace: RecordNamespace.SpentReceipt,
          id: spentReceiptRecordId(receipts[i].source, receipts[i].id),
        })),
      );
      indices.forEach((i, k) => {
        out[i].known = true;
        const bytes = values[k];
        out[i].consumed = bytes ? decodeSpentReceiptEntry(bytes) : null;
      });
    }),
  );
  return out;
}
