/** A block in the fork tree: its place (hash, parent, height, slot), who produced it, and what the caller keeps. */
export interface TreeBlock<T> {
  /** Header hash, hex. */
  hash: string;
  parent: string;
  height: number;
  slot: number;
  /** Producer id (public key hex). */
  producer: string;
  data: T;
}

/** The tree's root: the last irreversible (committed) block. */
export interface TreeRoot {
  hash: string;
  height: number;
  slot: number;
}

/** What `BlockTree.add` did with a block. */
export type AddOutcome =
  /** Added; `bestChanged` says whether it is the new best head. */
  | { added: true; bestChanged: boolean }
  | { added: false; reason: "known" | "unknown-parent" | "too-deep" | "bad-height" };

interface Entry<T> {
  block: TreeBlock<T>;
  /** Insertion order: the first seen of two equal heads stays best. */
  seq: number;
  children: Set<string>;
}

/**
 * The blocks above the last irreversible block, as a tree rooted at it. Pure: fork choice (the highest head, the first
 * seen on a tie), irreversibility (enough distinct producers built on a block), pruning when the root advances. Every
 * branch contains the root, so the chain never leaves the last irreversible block.
 */
export class BlockTree<T> {
  private rootBlock: TreeRoot;
  private readonly entries = new Map<string, Entry<T>>();
  private readonly rootChildren = new Set<string>();
  private bestHash: string;
  private nextSeq = 0;

  /** `maxDepth`: most blocks above the root (a block higher than root + maxDepth is refused). */
  constructor(
    root: TreeRoot,
    private readonly opts: { maxDepth: number },
  ) {
    this.rootBlock = { ...root };
    this.bestHash = root.hash;
  }

  root(): TreeRoot {
    return this.rootBlock;
  }

  size(): number {
    return this.entries.size;
  }

  /** Whether `hash` is the root or a block of the tree. */
  has(hash: string): boolean {
    return hash === this.rootBlock.hash || this.entries.has(hash);
  }

  /** A block of the tree (not the root). */
  get(hash: string): TreeBlock<T> | undefined {
    return this.entries.get(hash)?.block;
  }

  /** The best head: the highest block, or the root while the tree is empty. */
  best(): TreeBlock<T> | TreeRoot {
    return this.entries.get(this.bestHash)?.block ?? this.rootBlock;
  }

  /** Adds a block whose parent is the root or in the tree; the new best head when it is strictly higher. */
  add(block: TreeBlock<T>): AddOutcome {
    if (this.has(block.hash)) return { added: false, reason: "known" };
    const parent = this.entries.get(block.parent);
    const parentHeight = block.parent === this.rootBlock.hash ? this.rootBlock.height : parent?.block.height;
    if (parentHeight === undefined) return { added: false, reason: "unknown-parent" };
    if (block.height !== parentHeight + 1) return { added: false, reason: "bad-height" };
    if (block.height > this.rootBlock.height + this.opts.maxDepth)
      return { added: false, reason: "too-deep" };
    this.entries.set(block.hash, { block, seq: this.nextSeq++, children: new Set() });
    (parent ? parent.children : this.rootChildren).add(block.hash);
    const bestChanged = block.height > this.best().height;
    if (bestChanged) this.bestHash = block.hash;
    return { added: true, bestChanged };
  }

  /** The blocks from just above the root up to `hash`, oldest first (empty for the root; throws if unknown). */
  path(hash: string): TreeBlock<T>[] {
    const out: TreeBlock<T>[] = [];
    let at = hash;
    while (at !== this.rootBlock.hash) {
      const e = this.entries.get(at);
      if (!e) throw new Error(`block ${at} is not in the fork tree`);
      out.push(e.block);
      at = e.block.parent;
    }
    return out.reverse();
  }

  /** The best branch above the root, oldest first. */
  bestPath(): TreeBlock<T>[] {
    return this.path(this.bestHash);
  }

  /** The block at `height` on the best branch (above the root), if there is one. */
  bestAt(height: number): TreeBlock<T> | undefined {
    const best = this.best();
    if (height <= this.rootBlock.height || height > best.height) return undefined;
    let e = this.entries.get(this.bestHash);
    while (e && e.block.height > height) e = this.entries.get(e.block.parent);
    return e?.block;
  }

  /**
   * The highest irreversible block of the best branch: walking down from the best head, the first block B such that B
   * and the blocks above it were made by at least `quorumAt(B.height)` distinct producers. Null if none.
   */
  irreversible(quorumAt: (height: number) => number): TreeBlock<T> | null {
    const producers = new Set<string>();
    let e = this.entries.get(this.bestHash);
    while (e) {
      producers.add(e.block.producer);
      if (producers.size >= quorumAt(e.block.height)) return e.block;
      e = this.entries.get(e.block.parent);
    }
    return null;
  }

  /**
   * Makes a child of the root the new root (it was committed) and prunes every block that does not descend from it.
   * Returns the pruned blocks.
   */
  advanceRoot(hash: string): TreeBlock<T>[] {
    const e = this.entries.get(hash);
    if (!e || !this.rootChildren.has(hash))
      throw new Error(`block ${hash} is not a child of the fork tree's root`);
    const pruned: TreeBlock<T>[] = [];
    const drop = (h: string) => {
      const d = this.entries.get(h);
      if (!d) return;
      this.entries.delete(h);
      pruned.push(d.block);
      for (const c of d.children) drop(c);
    };
    for (const sibling of this.rootChildren) if (sibling !== hash) drop(sibling);
    this.entries.delete(hash);
    this.rootChildren.clear();
    for (const c of e.children) this.rootChildren.add(c);
    this.rootBlock = { hash, height: e.block.height, slot: e.block.slot };
    if (!this.entries.has(this.bestHash)) this.bestHash = this.highest();
    return pruned;
  }

  /** The highest block (the earliest added among equals), or the root. */
  private highest(): string {
    let best: Entry<T> | undefined;
    for (const e of this.entries.values())
      if (
        !best ||
        e.block.height > best.block.height ||
        (e.block.height === best.block.height && e.seq < best.seq)
      )
        best = e;
    return best?.block.hash ?? this.rootBlock.hash;
  }
}
