import type { Account } from "@vshard/types";
import { IndexedHeap } from "./indexedHeap.ts";
import {
  type BlockSelectionLimits,
  type MempoolAddResult,
  type MempoolEntry,
  outranks,
} from "./interface.ts";
import { MempoolError, type MempoolErrorCode } from "./mempoolError.ts";
import type { MempoolOptions } from "./options.ts";
import { selectRuns } from "./selectForBlock.ts";
import { cheaperTail, type PoolItem, SenderQueue } from "./senderQueue.ts";

function checkOptions(opts: MempoolOptions): void {
  const positive = ["maxTxs", "maxBytes", "maxPerSender"] as const;
  for (const k of positive)
    if (!Number.isSafeInteger(opts[k]) || opts[k] < 1)
      throw new RangeError(`mempool ${k} must be a positive integer`);
  for (const k of ["maxNonceGap", "replaceFeeBumpPercent"] as const)
    if (!Number.isSafeInteger(opts[k]) || opts[k] < 0)
      throw new RangeError(`mempool ${k} must be a non-negative integer`);
}

/**
 * Pending transactions of one shard: pure, synchronous, no I/O (the engine passes account state in).
 * Per sender, txs are kept in nonce order with their running cost, so that every held tx is payable from the
 * balance last seen, cumulatively with the sender's lower nonces. A heap of senders keyed by the fee of their
 * highest-nonce tx gives the eviction victim in O(log senders); a sender's lower nonces are never evicted before
 * its higher ones, so eviction never opens a gap in a run. Adds and removals are O(log n) plus, for a sender, a
 * splice within its own queue (at most maxPerSender).
 */
export class Mempool {
  private readonly byHash = new Map<string, PoolItem>();
  private readonly senders = new Map<string, SenderQueue>();
  private readonly evictionHeap = new IndexedHeap<SenderQueue>(cheaperTail);
  private heldBytes = 0;
  private nextSeq = 0;

  constructor(readonly opts: MempoolOptions) {
    checkOptions(opts);
  }

  /**
   * Admits `entry` given its sender's committed `account`, or throws `MempoolError` with the precise reason and
   * leaves the pool unchanged. A tx with the nonce of a pending one replaces it when its fee is high enough. When
   * the pool is full (count or bytes), it evicts the highest-nonce tx of the sender whose highest-nonce tx pays the
   * lowest fee, as long as that fee is below the new tx's. Admission also drops the sender's txs that `account`
   * shows are stale (nonce below its nonce) or can no longer be paid once this tx is in; and when the sender is at
   * maxPerSender, a tx below its highest nonce takes the place of that highest one.
   */
  add(entry: MempoolEntry, account: Account): MempoolAddResult {
    const { hashHex, senderHex, nonce, fee } = entry;
    const fail = (code: MempoolErrorCode, message: string): never => {
      throw new MempoolError({ code, hashHex, senderHex, nonce }, message);
    };
    if (this.byHash.has(hashHex)) fail("MEMPOOL_ERROR_DUPLICATE", `tx ${hashHex} is already in the mempool`);
    if (nonce < account.nonce)
      fail("MEMPOOL_ERROR_NONCE_TOO_LOW", `nonce ${nonce} is below the sender's next nonce ${account.nonce}`);
    const highest = account.nonce + this.opts.maxNonceGap;
    if (nonce > highest)
      fail(
        "MEMPOOL_ERROR_NONCE_GAP",
        `nonce ${nonce} is too far ahead of the sender's next nonce ${account.nonce} (at most ${this.opts.maxNonceGap} ahead: nonce ${highest})`,
      );
    const queue = this.senders.get(senderHex);
    const items = queue?.items ?? [];
    const live = queue ? queue.lowerBound(account.nonce) : 0; // items before `live` are stale
    const at = queue ? queue.lowerBound(nonce) : 0;
    const old = items[at]?.entry.nonce === nonce ? items[at] : undefined;
    let displaceTail = false;
    if (old !== undefined) {
      const bump = BigInt(100 + this.opts.replaceFeeBumpPercent);
      if (fee * 100n < old.entry.fee * bump) {
        const needed = (old.entry.fee * bump + 99n) / 100n;
        fail(
          "MEMPOOL_ERROR_REPLACEMENT_UNDERPRICED",
          `fee ${fee} does not replace the pending tx with nonce ${nonce} and fee ${old.entry.fee}: a replacement must pay at least ${needed} (+${this.opts.replaceFeeBumpPercent}%)`,
        );
      }
    } else if (items.length - live >= this.opts.maxPerSender) {
      if (nonce > items[items.length - 1].entry.nonce)
        fail(
          "MEMPOOL_ERROR_SENDER_FULL",
          `the sender already has ${items.length - live} pending txs (the limit is ${this.opts.maxPerSender}), all with nonces below ${nonce}`,
        );
      displaceTail = true;
    }
    let before = 0n; // cost of the sender's live txs with lower nonces
    if (live === 0 && at === items.length) before = queue?.totalCost ?? 0n;
    else for (let i = live; i < at; i++) before += items[i].entry.cost;
    const needed = before + entry.cost;
    if (account.balance < needed)
      fail(
        "MEMPOOL_ERROR_INSUFFICIENT_BALANCE",
        `balance ${account.balance} cannot pay ${needed}: cost ${entry.cost} of this tx plus ${before} for the sender's ${at - live} pending txs with lower nonces`,
      );
    if (entry.size > this.opts.maxBytes)
      fail(
        "MEMPOOL_ERROR_FULL",
        `tx of ${entry.size} bytes cannot fit in a mempool of ${this.opts.maxBytes} bytes`,
      );

    // From here on every step is undone if the pool cannot make room.
    const removed: PoolItem[] = [];
    const drop = (item: PoolItem) => {
      this.removeItem(item);
      removed.push(item);
    };
    for (const stale of items.slice(0, live)) drop(stale);
    if (old !== undefined) this.removeItem(old);
    if (displaceTail) drop(items[items.length - 1]);
    const item: PoolItem = { entry, seq: this.nextSeq++ };
    this.insertItem(item);
    this.dropUnpayable(this.senders.get(senderHex) as SenderQueue, account.balance, drop);
    while (this.byHash.size > this.opts.maxTxs || this.heldBytes > this.opts.maxBytes) {
      const victimQueue = this.evictionHeap.peek() as SenderQueue;
      const victim = victimQueue.tail;
      if (victim === item || !outranks(entry, victim.entry)) {
        const cheapest =
          victim === item ? this.evictionHeap.peekOther(victimQueue)?.tail.entry.fee : victim.entry.fee;
        this.removeItem(item);
        for (let i = removed.length - 1; i >= 0; i--) this.insertItem(removed[i]);
        if (old !== undefined) this.insertItem(old);
        fail(
          "MEMPOOL_ERROR_FULL",
          `mempool full (${this.byHash.size} of ${this.opts.maxTxs} txs, ${this.heldBytes} of ${this.opts.maxBytes} bytes): fee ${fee} is not above ${cheapest === undefined ? "the fee of any tx it could evict" : `the cheapest evictable fee ${cheapest}`}`,
        );
      }
      drop(victim);
    }
    return { ...(old !== undefined && { replaced: old.entry }), evicted: removed.map((r) => r.entry) };
  }

  /** Whether a tx is pending. */
  has(hashHex: string): boolean {
    return this.byHash.has(hashHex);
  }

  /** A pending tx by hash. */
  get(hashHex: string): MempoolEntry | undefined {
    return this.byHash.get(hashHex)?.entry;
  }

  /** Number of pending txs. */
  size(): number {
    return this.byHash.size;
  }

  /** Sum of the encoded sizes of the pending txs. */
  bytes(): number {
    return this.heldBytes;
  }

  /**
   * Executable txs for a block: for each sender only a consecutive nonce run starting at its account nonce,
   * senders interleaved by fee (highest next fee first, then arrival order), within maxTxs/maxBytes. Does not
   * remove them.
   */
  selectForBlock(limits: BlockSelectionLimits, accountNonce: (senderHex: string) => number): MempoolEntry[] {
    return selectRuns(this.senders.values(), limits, accountNonce);
  }

  /**
   * After a block commits: drops the included txs and any tx whose nonce is below its sender's new nonce, and
   * re-checks balances of the affected senders (drop txs that can no longer be paid); returns what it removed.
   */
  onBlockCommitted(includedHashHexes: string[], newAccounts: Map<string, Account>): MempoolEntry[] {
    const removed: MempoolEntry[] = [];
    const drop = (item: PoolItem) => {
      this.removeItem(item);
      removed.push(item.entry);
    };
    for (const hex of includedHashHexes) {
      const item = this.byHash.get(hex);
      if (item !== undefined) drop(item);
    }
    for (const [senderHex, account] of newAccounts) {
      const queue = this.senders.get(senderHex);
      if (queue === undefined) continue;
      for (const stale of queue.items.slice(0, queue.lowerBound(account.nonce))) drop(stale);
      if (queue.items.length > 0) this.dropUnpayable(queue, account.balance, drop);
    }
    return removed;
  }

  /** Removes one pending tx (its sender's higher nonces stay, waiting for the gap to be filled). */
  remove(hashHex: string): boolean {
    const item = this.byHash.get(hashHex);
    if (item === undefined) return false;
    this.removeItem(item);
    return true;
  }

  /** A sender's pending txs in nonce order. */
  pendingOf(senderHex: string): MempoolEntry[] {
    return this.senders.get(senderHex)?.items.map((i) => i.entry) ?? [];
  }

  /** Drops, highest nonce first, every tx whose cumulative cost (with all lower nonces) exceeds `balance`. */
  private dropUnpayable(queue: SenderQueue, balance: bigint, drop: (item: PoolItem) => void): void {
    if (queue.totalCost <= balance) return;
    let sum = 0n;
    let cut = 0;
    while (cut < queue.items.length && sum + queue.items[cut].entry.cost <= balance)
      sum += queue.items[cut++].entry.cost;
    for (let i = queue.items.length - 1; i >= cut; i--) drop(queue.items[i]);
  }

  private insertItem(item: PoolItem): void {
    const { senderHex, hashHex, size } = item.entry;
    let queue = this.senders.get(senderHex);
    if (queue === undefined) {
      queue = new SenderQueue(senderHex);
      this.senders.set(senderHex, queue);
    }
    const index = queue.insert(item);
    this.byHash.set(hashHex, item);
    this.heldBytes += size;
    if (queue.items.length === 1) this.evictionHeap.push(queue);
    else if (index === queue.items.length - 1) this.evictionHeap.update(queue);
  }

  private removeItem(item: PoolItem): void {
    const { senderHex, hashHex, size, nonce } = item.entry;
    const queue = this.senders.get(senderHex) as SenderQueue;
    const index = queue.indexOf(nonce);
    const wasTail = index === queue.items.length - 1;
    queue.removeAt(index);
    this.byHash.delete(hashHex);
    this.heldBytes -= size;
    if (queue.items.length === 0) {
      this.evictionHeap.remove(queue);
      this.senders.delete(senderHex);
    } else if (wasTail) this.evictionHeap.update(queue);
  }
}
