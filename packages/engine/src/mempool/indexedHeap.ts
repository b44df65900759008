/** An item that knows its position in one `IndexedHeap` (-1 when in none). */
export interface HeapItem {
  heapIndex: number;
}

/**
 * A binary heap whose items track their own position, so that an item whose key changed can be re-sifted, or an
 * item removed, in O(log n). `before(a, b)` is true when `a` must come out before `b`.
 */
export class IndexedHeap<T extends HeapItem> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  /** Builds a heap of `items` in O(n). */
  static from<T extends HeapItem>(items: T[], before: (a: T, b: T) => boolean): IndexedHeap<T> {
    const heap = new IndexedHeap(before);
    heap.items.push(...items);
    items.forEach((item, i) => {
      item.heapIndex = i;
    });
    for (let i = (items.length >> 1) - 1; i >= 0; i--) heap.down(i);
    return heap;
  }

  /** Number of items held. */
  get size(): number {
    return this.items.length;
  }

  /** The first item, without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** The first item other than `item` (which must be the first or not in the heap). */
  peekOther(item: T): T | undefined {
    if (this.items[0] !== item) return this.items[0];
    const [a, b] = [this.items[1], this.items[2]];
    if (a === undefined || b === undefined) return a ?? b;
    return this.before(a, b) ? a : b;
  }

  push(item: T): void {
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.up(item.heapIndex);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Removes `item` if it is in the heap. */
  remove(item: T): void {
    const i = item.heapIndex;
    if (i < 0 || this.items[i] !== item) return;
    const last = this.items.pop() as T;
    item.heapIndex = -1;
    if (last === item) return;
    this.items[i] = last;
    last.heapIndex = i;
    this.update(last);
  }

  /** Restores the order after `item`'s key changed. */
  update(item: T): void {
    this.up(item.heapIndex);
    this.down(item.heapIndex);
  }

  private up(index: number): void {
    let i = index;
    const item = this.items[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(item, this.items[parent])) break;
      this.place(this.items[parent], i);
      i = parent;
    }
    this.place(item, i);
  }

  private down(index: number): void {
    let i = index;
    const item = this.items[i];
    const n = this.items.length;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.before(this.items[child + 1], this.items[child])) child++;
      if (!this.before(this.items[child], item)) break;
      this.place(this.items[child], i);
      i = child;
    }
    this.place(item, i);
  }

  private place(item: T, i: number): void {
    this.items[i] = item;
    item.heapIndex = i;
  }
}
