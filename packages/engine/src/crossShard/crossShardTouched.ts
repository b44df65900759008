import { RecordNamespace, type RecordRef, TxKind } from "@vshard/types";
import type { PreparedTx } from "../execution/executeTxs.ts";
import { MAIN_CHAIN_ID } from "../registry/options.ts";
import { anchoredHeaderRecordId, chainRecordId } from "../registry/registryIds.ts";
import type { ReceiptSourceQuery } from "./interface.ts";
import { ReceiptTotal, receiptTotalRecordId, spentReceiptRecordId } from "./receiptRecords.ts";

const total = (t: ReceiptTotal): RecordRef => ({
  namespace: RecordNamespace.ReceiptTotal,
  id: receiptTotalRecordId(t),
});
const chainRecord = (chainId: number): RecordRef[] =>
  chainId === MAIN_CHAIN_ID ? [] : [{ namespace: RecordNamespace.Chain, id: chainRecordId(chainId) }];

/**
 * The records a cross-shard tx may read: the receipt totals, a receive's spent-receipt entry, and what the main chain
 * reads of its registry (the anchored source header, the destination chain); on a worker shard the registry ones are
 * absent and read as such.
 */
export function crossShardRecordsTouched(t: PreparedTx): RecordRef[] {
  const tx = t.stx.tx;
  if (tx.kind === TxKind.CrossTransfer)
    return [total(ReceiptTotal.Sent), ...chainRecord(tx.payload.destination.chainId)];
  if (tx.kind !== TxKind.Receive) return [];
  const { receipt, sourceHeight } = tx.payload;
  const { source, destination } = receipt;
  const refs: RecordRef[] = [
    total(ReceiptTotal.Sent),
    total(ReceiptTotal.Consumed),
    { namespace: RecordNamespace.SpentReceipt, id: spentReceiptRecordId(source, receipt.id) },
    ...chainRecord(destination.chainId),
  ];
  if (source.chainId !== MAIN_CHAIN_ID)
    refs.push({
      namespace: RecordNamespace.AnchoredHeader,
      id: anchoredHeaderRecordId(source.chainId, source.shard, sourceHeight),
    });
  return refs;
}

/** What a worker shard must learn from the main chain to execute these txs' receives (empty: nothing). */
export function receiptSourceQueryOf(txs: PreparedTx[]): ReceiptSourceQuery {
  const query: ReceiptSourceQuery = { blocks: [], shards: [] };
  for (const t of txs) {
    const tx = t.stx.tx;
    if (tx.kind === TxKind.Receive) {
      const { receipt, sourceHeight } = tx.payload;
      query.blocks.push({ source: receipt.source, height: sourceHeight });
      query.shards.push(receipt.destination);
    } else if (tx.kind === TxKind.CrossTransfer) query.shards.push(tx.payload.destination);
  }
  return query;
}
