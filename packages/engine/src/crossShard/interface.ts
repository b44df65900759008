import type { ShardRef } from "@vshard/types";

/** A source block as the main chain notarised it: its receipt root, and the main height it was anchored at. */
export interface NotarisedBlock {
  receiptRoot: Uint8Array;
  /** Main height of the anchor (for a main-chain block: its own height, final once committed). */
  anchoredAt: number;
}

/**
 * What receive execution knows of other shards, read before execution (execution itself is synchronous and pure):
 * notarised source blocks and when the shards of the registry were added. Every answer must be the same on every
 * node that gives one; a node may know less (not anchored yet), never something else: anchors and shard additions are
 * never undone.
 */
export interface ReceiptSources {
  /** Block `height` of `source` if notarised (anchored on the main chain, or a committed main-chain block), else null. */
  notarised(source: ShardRef, height: number): NotarisedBlock | null;
  /** Main height at which shard `ref` was added to its worker chain; null: no such shard (yet). */
  shardAddedAt(ref: ShardRef): number | null;
}

/** The notarised blocks and shards a block's (or a tx's) receive and cross-transfer checks will ask about. */
export interface ReceiptSourceQuery {
  blocks: Array<{ source: ShardRef; height: number }>;
  shards: ShardRef[];
}

/**
 * Reads `ReceiptSources` for a query (a worker shard's node reads its main chain). `waitMs`: how long to wait for a
 * notarised block this node does not know yet (validating another node's block: its main chain may lag); 0 answers at
 * once.
 */
export type ReceiptSourceLoader = (
  query: ReceiptSourceQuery,
  opts: { waitMs: number },
) => Promise<ReceiptSources>;
