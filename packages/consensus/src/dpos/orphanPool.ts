interface Orphan<T> {
  hash: string;
  parent: string;
  height: number;
  item: T;
}

/**
 * Blocks that arrived before their parent, kept (at most `capacity`, the oldest dropped first) until the parent is
 * added. Pure.
 */
export class OrphanPool<T> {
  /** By hash, in arrival order (a Map iterates in insertion order). */
  private readonly byHash = new Map<string, Orphan<T>>();

  constructor(private readonly capacity: number) {}

  size(): number {
    return this.byHash.size;
  }

  has(hash: string): boolean {
    return this.byHash.has(hash);
  }

  /** Keeps a block; returns false if it was already kept. Drops the oldest when full. */
  add(hash: string, parent: string, height: number, item: T): boolean {
    if (this.byHash.has(hash)) return false;
    while (this.byHash.size >= this.capacity) {
      const oldest = this.byHash.keys().next().value as string;
      this.byHash.delete(oldest);
    }
    this.byHash.set(hash, { hash, parent, height, item });
    return true;
  }

  /** Removes and returns the blocks waiting for `parent`, in arrival order. */
  takeChildren(parent: string): T[] {
    const out: T[] = [];
    for (const o of this.byHash.values())
      if (o.parent === parent) {
        this.byHash.delete(o.hash);
        out.push(o.item);
      }
    return out;
  }

  /** Drops every block at or below `height` (they can no longer join the chain above the last irreversible block). */
  dropUpTo(height: number): void {
    for (const o of this.byHash.values()) if (o.height <= height) this.byHash.delete(o.hash);
  }
}
