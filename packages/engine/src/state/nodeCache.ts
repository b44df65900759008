import type { StateNode } from "./stateNode.ts";

/**
 * A bounded cache of decoded state nodes in two generations: entries go into the young map; when it holds half
 * the capacity it becomes the old map and the previous old one is dropped; a hit in the old map moves the entry
 * back to the young one. Recently used nodes stay, like an LRU, without the delete-and-reinsert an exact LRU
 * needs on every hit (the walk of one block hits the cache tens of thousands of times).
 */
export class NodeCache {
  private young = new Map<string, StateNode>();
  private old = new Map<string, StateNode>();
  private readonly generationSize: number;

  constructor(capacity: number) {
    this.generationSize = Math.max(0, Math.floor(capacity / 2));
  }

  get(hex: string): StateNode | undefined {
    const hit = this.young.get(hex);
    if (hit !== undefined) return hit;
    const old = this.old.get(hex);
    if (old !== undefined) this.set(hex, old);
    return old;
  }

  set(hex: string, node: StateNode): void {
    if (this.generationSize === 0) return;
    this.young.set(hex, node);
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  /** Entries held (both generations; a node may be counted twice while it moves). */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
