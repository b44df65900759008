import type { AssembledBlock, ConsensusApp } from "@vshard/engine";
import type { BlockTree, TreeBlock } from "./blockTree.ts";
import { irreversibilityQuorum } from "./options.ts";
import { epochOfHeight, isElectionHeight } from "./schedule.ts";
import type { ScheduleBook } from "./scheduleBook.ts";

/**
 * Finds the highest irreversible block of the best branch (each block judged by the quorum of its epoch's schedule)
 * and commits it and every uncommitted block below it, in order: after each commit the tree's root moves up and the
 * branches without it are pruned; an election block's schedule is elected from the committed state and stored.
 * Returns the new irreversible block, or null when there is none. The caller marks it final.
 */
export async function commitIrreversible(
  tree: BlockTree<AssembledBlock>,
  modules: { app: ConsensusApp; schedules: ScheduleBook; epochLength: number },
): Promise<TreeBlock<AssembledBlock> | null> {
  const { app, schedules, epochLength } = modules;
  const path = tree.bestPath();
  if (path.length === 0) return null;
  const quorum = new Map<number, number>();
  for (const b of path) {
    const epoch = epochOfHeight(b.height, epochLength);
    if (!quorum.has(epoch))
      quorum.set(epoch, irreversibilityQuorum((await schedules.scheduleFor(epoch, path)).length));
  }
  const target = tree.irreversible((h) => quorum.get(epochOfHeight(h, epochLength)) ?? 1);
  if (!target) return null;
  for (const b of tree.path(target.hash)) {
    await app.commitBlock(b.data);
    const pruned = tree.advanceRoot(b.hash);
    schedules.forget([b.hash, ...pruned.map((x) => x.hash)], b.height);
    if (isElectionHeight(b.height, epochLength)) await schedules.electCommitted(b.height / epochLength);
  }
  return target;
}
