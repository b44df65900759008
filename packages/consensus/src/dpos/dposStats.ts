import { bytesToHex } from "@vshard/crypto";
import type { ConsensusStatus } from "@vshard/engine";
import type { AddOutcome, BlockTree, TreeBlock, TreeRoot } from "./blockTree.ts";

/**
 * Slots a block may still arrive for after its slot ended before the slot counts as missed: one slot, for gossip and
 * execution (a block is produced at its slot's start and travels well within a slot, see `defaultDposOptions`).
 */
export const MISSED_SLOT_GRACE = 1;

/**
 * Monotonic totals of a dpos node since it was created (a type, not an interface, so that it is a `Record`):
 * - `blocksProduced`: blocks this node signed and added to its fork tree (two a slot under the doubleProduce fault);
 * - `blocksReceived`: blocks from peers (gossip or sync) that passed the dpos rules and execution and joined the tree;
 * - `blocksRefused`: blocks from peers that did not decode, broke the dpos rules or failed execution;
 * - `forkSwitches`: times the best head moved to a block that does not extend the previous best head;
 * - `missedSlots`: slots with no block on the best branch, judged once, {@link MISSED_SLOT_GRACE} slot after they
 *   end, from the slot after the node started. As far as this node can tell: a block it has not received counts as
 *   missed, and so does a slot without a producer or with nothing to include when empty blocks are off;
 * - `evidence`: double productions seen by this node.
 */
export type DposCounters = {
  blocksProduced: number;
  blocksReceived: number;
  blocksRefused: number;
  forkSwitches: number;
  missedSlots: number;
  evidence: number;
};

/** The status of a dpos node: the next height, its epoch and producers, and its counters. */
export interface DposStatus extends ConsensusStatus {
  epoch: number;
  producers: string[];
  counters: DposCounters;
}

/**
 * Keeps the counters of a {@link DposStatus}: the plugin adds blocks to its fork tree through it, reports each block
 * a peer sent and each slot that starts, and the last schedule it looked up.
 */
export class DposStats {
  private readonly counts = { blocksProduced: 0, blocksReceived: 0, blocksRefused: 0, forkSwitches: 0 };
  private missedSlots = 0;
  /** The last slot judged for {@link DposCounters.missedSlots}. */
  private judgedUpTo = Number.POSITIVE_INFINITY;
  private producers: { epoch: number; keys: string[] } = { epoch: 0, keys: [] };

  /** The node (re)starts in `slot`: slots from the next one on are judged. */
  started(slot: number): void {
    this.judgedUpTo = slot;
  }

  /** Adds a block this node produced to the tree. */
  addProduced<T>(tree: BlockTree<T>, block: TreeBlock<T>): AddOutcome {
    const outcome = this.add(tree, block);
    if (outcome.added) this.counts.blocksProduced++;
    return outcome;
  }

  /** Adds a block to the tree, counting a fork switch when it becomes a best head that does not extend the last. */
  add<T>(tree: BlockTree<T>, block: TreeBlock<T>): AddOutcome {
    const before = tree.best().hash;
    const outcome = tree.add(block);
    if (outcome.added && outcome.bestChanged && block.parent !== before) this.counts.forkSwitches++;
    return outcome;
  }

  /** Counts a block from a peer as received (`accepted`) or refused; returns `accepted`. */
  received(accepted: boolean): boolean {
    if (accepted) this.counts.blocksReceived++;
    else this.counts.blocksRefused++;
    return accepted;
  }

  /** Records the producers of `epoch` (the last schedule looked up for the best branch). */
  schedule(epoch: number, producers: readonly Uint8Array[]): void {
    this.producers = { epoch, keys: producers.map(bytesToHex) };
  }

  /** Slot `slot` started: judges the slots that ended {@link MISSED_SLOT_GRACE} slot ago and are not judged yet. */
  slotStarted<T>(tree: BlockTree<T>, slot: number): void {
    const last = slot - 1 - MISSED_SLOT_GRACE;
    if (last <= this.judgedUpTo) return;
    // One walk down the best branch collects the judged slots that have a block (slots grow along a branch).
    const filled = new Set<number>();
    let b: TreeBlock<T> | TreeRoot = tree.best();
    while (b.slot > this.judgedUpTo) {
      if (b.slot <= last) filled.add(b.slot);
      if (!("parent" in b)) break;
      b = tree.get(b.parent) ?? tree.root();
    }
    this.missedSlots += last - this.judgedUpTo - filled.size;
    this.judgedUpTo = last;
  }

  /** The status of a node deciding `height`, having seen `evidence` double productions. */
  status(height: number, evidence: number): DposStatus {
    return {
      plugin: "dpos",
      height,
      epoch: this.producers.epoch,
      producers: [...this.producers.keys],
      counters: { ...this.counts, missedSlots: this.missedSlots, evidence },
    };
  }
}
