/**
 * A bounded cache in two generations: entries go into the young map; when it holds half the capacity it becomes
 * the old map and the previous old one is dropped; a hit in the old map moves the entry back to the young one.
 * Recently used entries stay, like an LRU, without the delete-and-reinsert an exact LRU needs on every hit (a block
 * hits the state caches tens of thousands of times).
 */
export class GenerationalCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  private readonly generationSize: number;

  constructor(capacity: number) {
    this.generationSize = Math.max(0, Math.floor(capacity / 2));
  }

  get(key: string): V | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit;
    const old = this.old.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: V): void {
    if (this.generationSize === 0) return;
    this.young.set(key, value);
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  /** Entries held (both generations; an entry may be counted twice while it moves). */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
