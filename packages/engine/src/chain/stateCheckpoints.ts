import { bytesEqual, bytesToHex } from "@vshard/crypto";
import type { LedgerDb, StateCheckpoint } from "@vshard/storage";
import { addressFromPublicKey, type RecordRef } from "@vshard/types";
import { touchedAddresses } from "../execution/executeTxs.ts";
import { recordKeyHex } from "../execution/recordStateKey.ts";
import { touchedRecords } from "../execution/touchedRecords.ts";
import type { SparseMerkleTree } from "../state/index.ts";
import { StateError } from "../state/index.ts";
import { isEmptyStateHash, STATE_INTERNAL_TAG } from "../state/stateNode.ts";
import { type StateLoaders, stateUpdatesOf } from "./assembleBlock.ts";
import { prepareTx } from "./prepareTx.ts";

/**
 * Blocks between state checkpoints. Each block rewrites the upper levels of the state tree; storing only the tree
 * of every 32nd block (plus the accounts of every block, which is what the tree is derived from) cuts the node
 * writes per transaction from ~7 to well under 1, and a restart rebuilds at most 31 blocks' worth of keys.
 */
export const STATE_CHECKPOINT_INTERVAL = 32;
/** A checkpoint comes early when this many unstored nodes wait in memory (~65 bytes each, plus their map entry). */
export const MAX_PENDING_STATE_NODES = 400_000;

/** State-tree nodes made since the last checkpoint, held in memory until a checkpoint stores the reachable ones. */
export class PendingStateNodes {
  private readonly nodes = new Map<string, [Uint8Array, Uint8Array]>();

  add(nodes: Array<[Uint8Array, Uint8Array]>): void {
    for (const node of nodes) this.nodes.set(bytesToHex(node[0]), node);
  }

  get(hash: Uint8Array): Uint8Array | null {
    return this.nodes.get(bytesToHex(hash))?.[1] ?? null;
  }

  get size(): number {
    return this.nodes.size;
  }

  /** The pending nodes the tree of `root` uses: a stored node's subtree is stored, so the walk stops there. */
  reachableFrom(root: Uint8Array): Array<[Uint8Array, Uint8Array]> {
    const out: Array<[Uint8Array, Uint8Array]> = [];
    const stack = [root];
    while (stack.length > 0) {
      const hash = stack.pop() as Uint8Array;
      if (isEmptyStateHash(hash)) continue;
      const node = this.nodes.get(bytesToHex(hash));
      if (!node) continue;
      out.push(node);
      const bytes = node[1];
      if (bytes[0] === STATE_INTERNAL_TAG) stack.push(bytes.subarray(1, 33), bytes.subarray(33, 65));
    }
    return out;
  }

  clear(): void {
    this.nodes.clear();
  }
}

/**
 * Rebuilds the state tree of the head from the last checkpoint after a restart: the keys the blocks since then wrote
 * (their stored write sets) get their committed values (accounts and records are stored with every block), and the
 * resulting root must be the head's state root, which then becomes the new checkpoint.
 */
export async function recoverStateTree(
  where: { chainId: number; shard: number },
  head: { height: number; stateRoot: Uint8Array },
  checkpoint: StateCheckpoint,
  modules: { db: LedgerDb; tree: SparseMerkleTree; loaders: StateLoaders },
): Promise<void> {
  const { db, tree, loaders } = modules;
  const accounts = new Set<string>();
  const records = new Map<string, RecordRef>();
  for (let height = checkpoint.height + 1; height <= head.height; height++) {
    const block = await db.getBlockByHeight(where.chainId, where.shard, height);
    if (!block)
      throw new StateError(
        { code: "STATE_ERROR_MISSING_NODE" },
        `state recovery: block ${height} is missing`,
      );
    const written = await db.getWriteSet(where.chainId, where.shard, height);
    if (written) {
      for (const address of written.accounts) accounts.add(bytesToHex(address));
      for (const ref of written.records) records.set(recordKeyHex(ref), ref);
      continue;
    }
    // A block stored before write sets were: what its txs declare they touch (misses state-derived record ids).
    const txs = block.txs.map(prepareTx);
    for (const hex of touchedAddresses(txs, bytesToHex(addressFromPublicKey(block.header.proposer))))
      accounts.add(hex);
    for (const [key, ref] of touchedRecords(txs)) records.set(key, ref);
  }
  const [accountValues, recordValues] = await Promise.all([
    loaders.loadAccounts([...accounts]),
    records.size > 0 ? loaders.loadRecords(records) : Promise.resolve(new Map()),
  ]);
  const { root, newNodes } = await tree.update(checkpoint.root, stateUpdatesOf(accountValues, recordValues));
  if (!bytesEqual(root, head.stateRoot))
    throw new StateError(
      { code: "STATE_ERROR_CORRUPT_NODE", hashHex: bytesToHex(root) },
      `state recovery: the accounts stored at height ${head.height} give root ${bytesToHex(root)}, the head says ${bytesToHex(head.stateRoot)}`,
    );
  await db.writeStateCheckpoint(where.chainId, where.shard, { height: head.height, root }, newNodes);
}
