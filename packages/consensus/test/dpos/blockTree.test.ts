import { describe, expect, it } from "vitest";
import { BlockTree, type TreeBlock } from "../../src/dpos/blockTree.ts";
import { irreversibilityQuorum } from "../../src/dpos/options.ts";
import { OrphanPool } from "../../src/dpos/orphanPool.ts";

const ROOT = { hash: "r", height: 10, slot: 100 };

/** A block `hash` on `parent` at `height`, made by `producer` in `slot`. */
function blk(
  hash: string,
  parent: string,
  height: number,
  producer: string,
  slot = height * 10,
): TreeBlock<null> {
  return { hash, parent, height, slot, producer, data: null };
}

/** A chain of blocks on the root, one per producer in order: b11 by producers[0], b12 by producers[1]... */
function chain(tree: BlockTree<null>, producers: string[], prefix = "b"): string[] {
  let parent = ROOT.hash;
  return producers.map((p, i) => {
    const hash = `${prefix}${ROOT.height + 1 + i}`;
    expect(tree.add(blk(hash, parent, ROOT.height + 1 + i, p))).toMatchObject({ added: true });
    parent = hash;
    return hash;
  });
}

describe("BlockTree fork choice", () => {
  it("starts at the root and follows the highest head", () => {
    const tree = new BlockTree<null>(ROOT, { maxDepth: 100 });
    expect(tree.best()).toEqual(ROOT);
    expect(tree.add(blk("a11", "r", 11, "A"))).toEqual({ added: true, bestChanged: true });
    expect(tree.add(blk("a12", "a11", 12, "B"))).toEqual({ added: true, bestChanged: true });
    expect(tree.best().hash).toBe("a12");
    expect(tree.bestPath().map((b) => b.hash)).toEqual(["a11", "a12"]);
  });

  it("keeps the first seen head on a tie and switches to a strictly higher branch", () => {
    const tree = new BlockTree<null>(ROOT, { maxDepth: 100 });
    tree.add(blk("a11", "r", 11, "A"));
    tree.add(blk("a12", "a11", 12, "B"));
    expect(tree.add(blk("b12", "a11", 12, "C"))).toEqual({ added: true, bestChanged: false });
    expect(tree.best().hash).toBe("a12");
    expect(tree.add(blk("b13", "b12", 13, "D"))).toEqual({ added: true, bestChanged: true });
    expect(tree.best().hash).toBe("b13");
    expect(tree.bestPath().map((b) => b.hash)).toEqual(["a11", "b12", "b13"]);
    expect(tree.bestAt(12)?.hash).toBe("b12");
    expect(tree.bestAt(10)).toBeUndefined();
    expect(tree.bestAt(14)).toBeUndefined();
  });

  it("refuses known blocks, unknown parents, wrong heights and blocks past the depth bound", () => {
    const tree = new BlockTree<null>(ROOT, { maxDepth: 2 });
    tree.add(blk("a11", "r", 11, "A"));
    expect(tree.add(blk("a11", "r", 11, "A"))).toEqual({ added: false, reason: "known" });
    expect(tree.add(blk("r", "x", 10, "A"))).toEqual({ added: false, reason: "known" });
    expect(tree.add(blk("x13", "x12", 13, "A"))).toEqual({ added: false, reason: "unknown-parent" });
    expect(tree.add(blk("a13", "a11", 13, "A"))).toEqual({ added: false, reason: "bad-height" });
    tree.add(blk("a12", "a11", 12, "B"));
    expect(tree.add(blk("a13", "a12", 13, "C"))).toEqual({ added: false, reason: "too-deep" });
    expect(tree.size()).toBe(2);
    expect(() => tree.path("nope")).toThrow(/not in the fork tree/);
  });
});

describe("BlockTree irreversibility", () => {
  it("N=4: a block is irreversible once 3 distinct producers made it and the blocks above", () => {
    expect(irreversibilityQuorum(4)).toBe(3);
    const tree = new BlockTree<null>(ROOT, { maxDepth: 100 });
    const q = () => irreversibilityQuorum(4);
    const [b11, b12] = chain(tree, ["A", "B"]);
    expect(tree.irreversible(q)).toBeNull();
    tree.add(blk("b13", b12, 13, "C"));
    expect(tree.irreversible(q)?.hash).toBe(b11);
    tree.add(blk("b14", "b13", 14, "D"));
    expect(tree.irreversible(q)?.hash).toBe(b12);
  });

  it("N=4: repeated producers do not count twice", () => {
    const tree = new BlockTree<null>(ROOT, { maxDepth: 100 });
    // A and B alternate (C and D offline): never 3 distinct producers.
    chain(tree, ["A", "B", "A", "B", "A", "B"]);
    expect(tree.irreversible(() => 3)).toBeNull();
    tree.add(blk("b17", "b16", 17, "C"));
    // Walking down from b17: C, B, A -> b15 (by A) is the highest with 3 distinct producers.
    expect(tree.irreversible(() => 3)?.hash).toBe("b15");
  });

  it("N=21: depth 15 with every producer present; missed slots delay it", () => {
    expect(irreversibilityQuorum(21)).toBe(15);
    const producers = Array.from({ length: 21 }, (_, i) => `P${i}`);
    const tree = new BlockTree<null>(ROOT, { maxDepth: 100 });
    const hashes = chain(tree, producers.slice(0, 14));
    expect(tree.irreversible(() => 15)).toBeNull();
    tree.add(blk("b25", hashes[13], 25, "P14"));
    expect(tree.irreversible(() => 15)?.hash).toBe(hashes[0]);
    // Only 14 distinct producers above b11 on another tree where P0 produces again instead of P14.
    const other = new BlockTree<null>(ROOT, { maxDepth: 100 });
    chain(other, [...producers.slice(0, 14), "P0"]);
    expect(other.irreversible(() => 15)).toBeNull();
  });

  it("only the best branch counts", () => {
    const tree = new BlockTree<null>(ROOT, { maxDepth: 100 });
    chain(tree, ["A", "B", "C", "D"]);
    // A side branch with three producers but lower than the best head is ignored.
    tree.add(blk("s11", "r", 11, "B"));
    tree.add(blk("s12", "s11", 12, "C"));
    expect(tree.irreversible(() => 3)?.hash).toBe("b12");
  });

  it("the quorum follows each block's epoch", () => {
    const tree = new BlockTree<null>(ROOT, { maxDepth: 100 });
    chain(tree, ["A", "B", "C"]);
    // Heights up to 11 need 3 producers, 12 and above need 4.
    const quorum = (h: number) => (h <= 11 ? 3 : 4);
    expect(tree.irreversible(quorum)?.hash).toBe("b11");
  });
});

describe("BlockTree pruning", () => {
  it("advancing the root drops every branch that does not contain it", () => {
    const tree = new BlockTree<null>(ROOT, { maxDepth: 100 });
    chain(tree, ["A", "B", "C"]);
    tree.add(blk("s11", "r", 11, "B"));
    tree.add(blk("s12", "s11", 12, "C"));
    tree.add(blk("t12", "b11", 12, "D"));
    tree.add(blk("t13", "t12", 13, "A"));
    const pruned = tree.advanceRoot("b11");
    expect(pruned.map((b) => b.hash).sort()).toEqual(["s11", "s12"]);
    expect(tree.root()).toEqual({ hash: "b11", height: 11, slot: 110 });
    expect(tree.has("b11")).toBe(true);
    expect(tree.get("b11")).toBeUndefined();
    expect(tree.best().hash).toBe("b13");
    expect(
      tree
        .advanceRoot("t12")
        .map((b) => b.hash)
        .sort(),
    ).toEqual(["b12", "b13"]);
    // The best head was pruned: the highest remaining block becomes best.
    expect(tree.best().hash).toBe("t13");
    expect(tree.bestPath().map((b) => b.hash)).toEqual(["t13"]);
    expect(tree.size()).toBe(1);
    // A block on a pruned branch now has an unknown parent.
    expect(tree.add(blk("s13", "s12", 13, "D"))).toEqual({ added: false, reason: "unknown-parent" });
  });

  it("the root moves only to a child of the root; the depth bound moves with it", () => {
    const tree = new BlockTree<null>(ROOT, { maxDepth: 2 });
    chain(tree, ["A", "B"]);
    expect(() => tree.advanceRoot("b12")).toThrow(/not a child/);
    expect(tree.add(blk("b13", "b12", 13, "C"))).toMatchObject({ added: false, reason: "too-deep" });
    tree.advanceRoot("b11");
    expect(tree.add(blk("b13", "b12", 13, "C"))).toMatchObject({ added: true });
    tree.advanceRoot("b12");
    tree.advanceRoot("b13");
    expect(tree.best()).toEqual({ hash: "b13", height: 13, slot: 130 });
    expect(tree.size()).toBe(0);
  });
});

describe("OrphanPool", () => {
  it("hands back the blocks waiting for a parent, in arrival order", () => {
    const pool = new OrphanPool<string>(10);
    expect(pool.add("c", "p", 12, "c")).toBe(true);
    expect(pool.add("c", "p", 12, "c")).toBe(false);
    pool.add("d", "q", 12, "d");
    pool.add("e", "p", 12, "e");
    expect(pool.takeChildren("p")).toEqual(["c", "e"]);
    expect(pool.takeChildren("p")).toEqual([]);
    expect(pool.has("d")).toBe(true);
    expect(pool.size()).toBe(1);
  });

  it("is bounded (the oldest goes first) and drops what falls below the last irreversible height", () => {
    const pool = new OrphanPool<number>(3);
    for (let i = 0; i < 5; i++) pool.add(`h${i}`, `p${i}`, 20 + i, i);
    expect(pool.size()).toBe(3);
    expect(pool.has("h0")).toBe(false);
    expect(pool.has("h1")).toBe(false);
    pool.dropUpTo(23);
    expect(pool.size()).toBe(1);
    expect(pool.takeChildren("p4")).toEqual([4]);
  });
});
