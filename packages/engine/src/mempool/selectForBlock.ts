import { type HeapItem, IndexedHeap } from "./indexedHeap.ts";
import { type BlockSelectionLimits, type MempoolEntry, outranks } from "./interface.ts";
import type { PoolItem, SenderQueue } from "./senderQueue.ts";

interface Cursor extends HeapItem {
  queue: SenderQueue;
  index: number;
}

function itemAt(c: Cursor): PoolItem {
  return c.queue.items[c.index];
}

/** Highest priority, then highest fee first, then earliest arrival. */
function betterNext(a: Cursor, b: Cursor): boolean {
  const x = itemAt(a);
  const y = itemAt(b);
  if (outranks(x.entry, y.entry)) return true;
  if (outranks(y.entry, x.entry)) return false;
  return x.seq < y.seq;
}

/**
 * Picks executable txs for a block: for each sender the consecutive nonce run that starts at its account nonce,
 * senders interleaved by the priority and fee of their next tx (then arrival). A tx that does not fit the remaining bytes ends
 * its sender's run (its successors cannot execute without it) while smaller txs of other senders may still fit.
 * Cost: O(senders) to find the runs, O(log senders) per tx taken.
 */
export function selectRuns(
  senders: Iterable<SenderQueue>,
  limits: BlockSelectionLimits,
  accountNonce: (senderHex: string) => number,
): MempoolEntry[] {
  const out: MempoolEntry[] = [];
  if (limits.maxTxs <= 0 || limits.maxBytes <= 0) return out;
  const cursors: Cursor[] = [];
  for (const queue of senders) {
    const index = queue.indexOf(accountNonce(queue.senderHex));
    if (index >= 0) cursors.push({ queue, index, heapIndex: -1 });
  }
  const heap = IndexedHeap.from(cursors, betterNext);
  let bytes = 0;
  while (out.length < limits.maxTxs) {
    const c = heap.peek();
    if (c === undefined) break;
    const { entry } = itemAt(c);
    if (bytes + entry.size > limits.maxBytes) {
      heap.pop();
      continue;
    }
    out.push(entry);
    bytes += entry.size;
    const next = c.queue.items[c.index + 1];
    if (next !== undefined && next.entry.nonce === entry.nonce + 1) {
      c.index++;
      heap.update(c);
    } else heap.pop();
  }
  return out;
}
