import type { HeapItem } from "./indexedHeap.ts";
import { type MempoolEntry, outranks } from "./interface.ts";

/** An entry in the pool with its arrival number (lower = earlier). */
export interface PoolItem {
  entry: MempoolEntry;
  seq: number;
}

/** One sender's pending txs in nonce order, with running totals; a heap item of the pool's eviction heap. */
export class SenderQueue implements HeapItem {
  readonly items: PoolItem[] = [];
  /** Sum of `cost` over `items`. */
  totalCost = 0n;
  heapIndex = -1;

  constructor(readonly senderHex: string) {}

  /** The highest-nonce item (the queue is never empty while in the pool). */
  get tail(): PoolItem {
    return this.items[this.items.length - 1];
  }

  /** Index of the first item whose nonce is >= `nonce` (items.length when none). */
  lowerBound(nonce: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid].entry.nonce < nonce) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the item with exactly `nonce`, or -1. */
  indexOf(nonce: number): number {
    const i = this.lowerBound(nonce);
    return i < this.items.length && this.items[i].entry.nonce === nonce ? i : -1;
  }

  /** Inserts an item whose nonce is not held yet; returns its index. */
  insert(item: PoolItem): number {
    const n = this.items.length;
    const i =
      n > 0 && this.items[n - 1].entry.nonce < item.entry.nonce ? n : this.lowerBound(item.entry.nonce);
    if (i === n) this.items.push(item);
    else this.items.splice(i, 0, item);
    this.totalCost += item.entry.cost;
    return i;
  }

  /** Removes the item at `index`. */
  removeAt(index: number): PoolItem {
    const [item] = this.items.splice(index, 1);
    this.totalCost -= item.entry.cost;
    return item;
  }
}

/**
 * Eviction order: the sender whose highest-nonce tx ranks lowest (priority, then fee) first; on a tie, the newer tx
 * first.
 */
export function cheaperTail(a: SenderQueue, b: SenderQueue): boolean {
  const ta = a.tail;
  const tb = b.tail;
  if (outranks(tb.entry, ta.entry)) return true;
  if (outranks(ta.entry, tb.entry)) return false;
  return ta.seq > tb.seq;
}
