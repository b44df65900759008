import { RecordNamespace, type ShardRef } from "@vshard/types";
import type { RecordState } from "../execution/recordState.ts";
import { MAIN_CHAIN_ID } from "../registry/options.ts";
import { decodeAnchoredHeaderEntry, decodeChainEntry } from "../registry/registryEntries.ts";
import { anchoredHeaderRecordId, chainRecordId } from "../registry/registryIds.ts";
import type { ReceiptSources } from "./interface.ts";

/**
 * The main chain's own view of receipt sources, read from its state as of the block being executed (so every node
 * executing the block agrees): anchored headers and the registry's shards. The records read are the ones
 * `crossShardRecordsTouched` declares.
 */
export function receiptSourcesFromRecords(records: RecordState): ReceiptSources {
  return {
    notarised(source: ShardRef, height: number) {
      if (source.chainId === MAIN_CHAIN_ID) return null;
      const bytes = records.read(
        RecordNamespace.AnchoredHeader,
        anchoredHeaderRecordId(source.chainId, source.shard, height),
      );
      if (bytes === null) return null;
      const entry = decodeAnchoredHeaderEntry(bytes);
      return { receiptRoot: entry.receiptRoot, anchoredAt: entry.anchoredAt };
    },
    shardAddedAt(ref: ShardRef) {
      if (ref.chainId === MAIN_CHAIN_ID) return ref.shard === 0 ? 0 : null;
      const bytes = records.read(RecordNamespace.Chain, chainRecordId(ref.chainId));
      return bytes === null ? null : (decodeChainEntry(bytes).shardsAddedAt[ref.shard] ?? null);
    },
  };
}
