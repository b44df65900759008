import {
  anchoredHeaderRecordId,
  chainRecordId,
  decodeAnchoredHeaderEntry,
  decodeChainEntry,
  MAIN_CHAIN_ID,
  type NotarisedBlock,
  type ReceiptSourceLoader,
  type ReceiptSourceQuery,
  type ShardChain,
} from "@vshard/engine";
import type { LedgerDb } from "@vshard/storage";
import { RecordNamespace, type ShardRef } from "@vshard/types";

/** Most answers kept: notarised blocks and shard additions never change, so they are cached until this many. */
const MAX_CACHED = 100_000;

const blockKey = (ref: ShardRef, height: number) => `${ref.chainId}/${ref.shard}/${height}`;
const shardKey = (ref: ShardRef) => `${ref.chainId}/${ref.shard}`;

/**
 * A worker shard's view of the main chain for its receives, read from the node's own copy of the main chain
 * (committed = final there): anchored headers and the main chain's own blocks as notarised sources, the registry's
 * shard additions. Positive answers never change and are cached; a missing source block is waited for, up to
 * `waitMs`, one main-chain commit at a time.
 */
export function mainChainReceiptSources(main: ShardChain, db: LedgerDb): ReceiptSourceLoader {
  const blocks = new Map<string, NotarisedBlock>();
  const shards = new Map<string, number>();
  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    if (map.size >= MAX_CACHED) map.clear();
    map.set(key, value);
  };

  async function readBlock(source: ShardRef, height: number): Promise<void> {
    if (blocks.has(blockKey(source, height))) return;
    if (source.chainId === MAIN_CHAIN_ID) {
      if (source.shard !== 0 || height > main.head().height) return;
      const header = await db.getHeaderByHeight(MAIN_CHAIN_ID, 0, height);
      if (header)
        remember(blocks, blockKey(source, height), { receiptRoot: header.receiptRoot, anchoredAt: height });
      return;
    }
    const id = anchoredHeaderRecordId(source.chainId, source.shard, height);
    const [bytes] = await db.getRecords(MAIN_CHAIN_ID, 0, [
      { namespace: RecordNamespace.AnchoredHeader, id },
    ]);
    if (!bytes) return;
    const entry = decodeAnchoredHeaderEntry(bytes);
    remember(blocks, blockKey(source, height), {
      receiptRoot: entry.receiptRoot,
      anchoredAt: entry.anchoredAt,
    });
  }

  async function readShard(ref: ShardRef): Promise<void> {
    if (shards.has(shardKey(ref))) return;
    if (ref.chainId === MAIN_CHAIN_ID) {
      if (ref.shard === 0) remember(shards, shardKey(ref), 0);
      return;
    }
    const id = chainRecordId(ref.chainId);
    const [bytes] = await db.getRecords(MAIN_CHAIN_ID, 0, [{ namespace: RecordNamespace.Chain, id }]);
    const addedAt = bytes ? decodeChainEntry(bytes).shardsAddedAt[ref.shard] : undefined;
    if (addedAt !== undefined) remember(shards, shardKey(ref), addedAt);
  }

  const missing = (query: ReceiptSourceQuery) =>
    query.blocks.filter(({ source, height }) => !blocks.has(blockKey(source, height)));

  return async (query, { waitMs }) => {
    await Promise.all([
      ...query.blocks.map(({ source, height }) => readBlock(source, height)),
      ...query.shards.map(readShard),
    ]);
    const deadline = Date.now() + waitMs;
    while (missing(query).length > 0 && Date.now() < deadline) {
      await nextCommit(main, deadline - Date.now());
      await Promise.all(missing(query).map(({ source, height }) => readBlock(source, height)));
    }
    return {
      notarised: (source, height) => blocks.get(blockKey(source, height)) ?? null,
      shardAddedAt: (ref) => shards.get(shardKey(ref)) ?? null,
    };
  };
}

/** Resolves at the main chain's next commit, or after `ms`. */
function nextCommit(main: ShardChain, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    const unsubscribe = main.subscribe((e) => {
      if (e.type === "block") done();
    });
    function done() {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    }
  });
}
