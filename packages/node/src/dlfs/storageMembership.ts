/** The registered storage nodes of a network (peer ids), as every DLFS reader, writer and repairer sees them. */
export interface StorageMembership {
  members(): readonly string[];
  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/**
 * A membership list held in the process: the network's configured storage nodes, from which one is removed when it
 * leaves (its chunks are then repaired onto the others) and to which one is added when it joins.
 */
export class StorageDirectory implements StorageMembership {
  private ids: string[];
  private readonly listeners = new Set<() => void>();

  constructor(ids: readonly string[]) {
    this.ids = [...new Set(ids)];
  }

  members(): readonly string[] {
    return this.ids;
  }

  add(id: string): void {
    if (this.ids.includes(id)) return;
    this.ids = [...this.ids, id];
    this.changed();
  }

  remove(id: string): void {
    if (!this.ids.includes(id)) return;
    this.ids = this.ids.filter((m) => m !== id);
    this.changed();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
