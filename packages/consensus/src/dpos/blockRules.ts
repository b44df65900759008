import { bytesEqual, bytesToHex, ed25519Verify } from "@vshard/crypto";
import { type Header, headerHash } from "@vshard/types";
import type { TreeBlock } from "./blockTree.ts";
import { epochOfHeight, producerOfSlot, type SlotClock, slotOf } from "./schedule.ts";

/** What a block is judged against: its parent in the fork tree, the tree's root, the clock, its epoch's schedule. */
export interface PlacementContext {
  parent: { height: number; slot: number };
  rootHeight: number;
  now: number;
  slots: SlotClock;
  opts: { epochLength: number; maxForkDepth: number };
  /** The producers of the block's epoch on its parent's branch, in slot order. */
  schedule: readonly Uint8Array[];
}

/**
 * Why a block may not extend its parent under dpos rules, or null: height parent + 1 within the tree's depth, the
 * epoch of its height, a slot after its parent's and not in the future (one slot of clock drift allowed) whose producer
 * is its proposer, and a certificate that is the proposer's ed25519 signature over the header hash. Pure.
 */
export function placementProblem(h: Header, ctx: PlacementContext): string | null {
  const { parent, opts } = ctx;
  if (h.height !== parent.height + 1) return `height ${h.height} is not its parent's + 1`;
  if (h.height > ctx.rootHeight + opts.maxForkDepth) return "beyond the fork tree's depth";
  const epoch = epochOfHeight(h.height, opts.epochLength);
  if (h.epoch !== epoch) return `epoch ${h.epoch}, expected ${epoch}`;
  const slot = slotOf(ctx.slots, h.time);
  if (slot <= parent.slot) return `slot ${slot} is not after its parent's ${parent.slot}`;
  if (slot > slotOf(ctx.slots, ctx.now) + 1) return `slot ${slot} is in the future`;
  const producer = producerOfSlot(ctx.schedule, slot);
  if (!producer || !bytesEqual(producer, h.proposer))
    return `the proposer is not the producer of slot ${slot}`;
  if (!ed25519Verify(h.certificate, headerHash(h), h.proposer))
    return "the certificate is not the proposer's signature";
  return null;
}

/** The fork-tree entry of a block: its place, its producer, and what the caller keeps with it. */
export function treeBlockOf<T>(hash: string, h: Header, slot: number, data: T): TreeBlock<T> {
  const parent = bytesToHex(h.parentHash);
  return { hash, parent, height: h.height, slot, producer: bytesToHex(h.proposer), data };
}
