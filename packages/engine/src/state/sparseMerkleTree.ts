import { bytesEqual, bytesToHex, compareBytes, HASH_LENGTH, sha256 } from "@vshard/crypto";
import { GenerationalCache } from "./generationalCache.ts";
import { StateError } from "./stateError.ts";
import {
  decodeStateNode,
  EMPTY_STATE_ROOT,
  encodeStateInternal,
  encodeStateLeaf,
  isEmptyStateHash,
  keyBit,
  STATE_KEY_BITS,
  type StateLeaf,
  type StateNode,
  sharesPrefix,
} from "./stateNode.ts";
import type { StateProof } from "./stateProof.ts";

/** Reads encoded nodes by hash from wherever the caller persists them; `null` when absent. */
export interface TreeNodeReader {
  get(hash: Uint8Array): Promise<Uint8Array | null>;
}

/** One change to the tree: set `key` to `valueHash`, or delete it when `valueHash` is null. */
export interface StateUpdate {
  key: Uint8Array;
  valueHash: Uint8Array | null;
}

/** What an update produces: the new root and the nodes the caller must persist (hash, encoded bytes). */
export interface StateUpdateResult {
  root: Uint8Array;
  newNodes: Array<[hash: Uint8Array, node: Uint8Array]>;
}

/** Options of a tree instance. */
export interface SparseMerkleTreeOptions {
  cacheSize: number;
}

/**
 * Decoded nodes kept in memory across calls, the nodes each update creates included (the next block reads them).
 * Why 262,144: about the whole tree of ~100k accounts (2.4 nodes per key), so a busy chain's updates rarely touch
 * the disk; at ~300 bytes per entry (decoded node plus hex key) that is ~80 MB. A disk read costs ~15 µs against
 * ~2 µs for the hash the update needs anyway (measured 2026-11-22). Nodes are content-addressed, so a cached
 * node never goes stale.
 */
export const DEFAULT_STATE_CACHE_SIZE = 262_144;

/** A subtree during an update: its hash and, when known, its shape (`unknown` until its node is read). */
type Sub =
  | { kind: "empty"; hash: Uint8Array }
  | { kind: "leaf"; hash: Uint8Array; leaf: StateLeaf }
  | { kind: "internal"; hash: Uint8Array }
  | { kind: "unknown"; hash: Uint8Array };

type Entry = { key: Uint8Array; valueHash: Uint8Array | null };
type NewNodes = Map<string, [Uint8Array, Uint8Array]>;

/** The result of a walk that met a node not in memory. */
const INCOMPLETE = Symbol("incomplete");
type Incomplete = typeof INCOMPLETE;

/** The state of one update: new nodes of the current pass, nodes it missed, nodes read for it so far. */
interface Pass {
  out: NewNodes;
  missing: Map<string, Uint8Array>;
  fetched: Map<string, StateNode>;
  /** Results of subtrees a pass completed, by node hash: later passes reuse them, not redo them. */
  done: Map<string, Sub>;
}

const EMPTY_SUB: Sub = { kind: "empty", hash: EMPTY_STATE_ROOT };

function checkHash(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== HASH_LENGTH)
    throw new StateError({ code: "STATE_ERROR_BAD_INPUT" }, `${what} must be ${HASH_LENGTH} bytes`);
}

function subOf(hash: Uint8Array): Sub {
  return isEmptyStateHash(hash) ? EMPTY_SUB : { kind: "unknown", hash };
}

/** First index in [lo, hi) whose key has bit `depth` set; keys are sorted and share their first `depth` bits. */
function splitIndex(entries: Entry[], depth: number, lo: number, hi: number): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (keyBit(entries[mid].key, depth) === 0) a = mid + 1;
    else b = mid;
  }
  return a;
}

/**
 * A compact sparse merkle tree over 256-bit keys (the compacted form of Diem's Jellyfish tree, binary): a subtree
 * holding one leaf is stored as that leaf at the highest level where it is alone, so a tree of n random keys is
 * about log2(n) deep and an update costs O(log n) reads and hashes per key touched. Nodes are content-addressed
 * and immutable; the caller persists the `newNodes` of each update, and every root stays readable as long as
 * its nodes are kept. The tree's shape depends only on its key set, never on the order of updates.
 */
export class SparseMerkleTree {
  private readonly cache: GenerationalCache<StateNode>;

  constructor(
    private readonly reader: TreeNodeReader,
    opts: Partial<SparseMerkleTreeOptions> = {},
  ) {
    this.cache = new GenerationalCache<StateNode>(opts.cacheSize ?? DEFAULT_STATE_CACHE_SIZE);
  }

  /**
   * Applies a batch of updates (valueHash null = delete) to the tree of `root`, reading only the nodes on the
   * paths touched, and returns the new root and the new nodes to persist. Updates of the same key: last wins.
   * Throws `StateError` (missing or corrupt node, bad input); errors of the reader pass through.
   *
   * The tree walk is synchronous over nodes in memory: a pass that meets nodes not in memory notes them all,
   * they are read in parallel, and the pass runs again. With a warm cache one pass does it, without a single
   * await per node (awaiting every node cost more than hashing it, measured 2026-11-22).
   */
  async update(root: Uint8Array, updates: StateUpdate[]): Promise<StateUpdateResult> {
    checkHash(root, "state root");
    const byKey = new Map<string, Entry>();
    for (const u of updates) {
      checkHash(u.key, "state key");
      if (u.valueHash !== null) checkHash(u.valueHash, "value hash");
      const hex = bytesToHex(u.key);
      byKey.delete(hex);
      byKey.set(hex, { key: u.key, valueHash: u.valueHash });
    }
    const entries = [...byKey.values()].sort((a, b) => compareBytes(a.key, b.key));
    const pass: Pass = { out: new Map(), missing: new Map(), fetched: new Map(), done: new Map() };
    for (;;) {
      const result = this.apply(subOf(root), 0, entries, 0, entries.length, pass);
      if (result !== INCOMPLETE) {
        // A fresh array for the empty root, so that no caller can alter the shared EMPTY_STATE_ROOT through it.
        const newRoot = result.kind === "empty" ? new Uint8Array(HASH_LENGTH) : result.hash;
        return { root: newRoot, newNodes: [...pass.out.values()] };
      }
      await this.fetch(pass);
    }
  }

  /** Inclusion proof of `key` when present, non-inclusion proof otherwise; `siblings` run from the root down. */
  async prove(root: Uint8Array, key: Uint8Array): Promise<StateProof> {
    checkHash(root, "state root");
    checkHash(key, "state key");
    const siblings: Uint8Array[] = [];
    let hash = root;
    for (let depth = 0; ; depth++) {
      if (isEmptyStateHash(hash)) return { key: key.slice(), leaf: null, siblings };
      const node = await this.load(hash);
      if (node.kind === "leaf") {
        if (!sharesPrefix(node.key, key, depth)) this.corrupt(hash, `leaf at depth ${depth} is off its path`);
        return { key: key.slice(), leaf: { key: node.key, valueHash: node.valueHash }, siblings };
      }
      if (depth >= STATE_KEY_BITS) this.corrupt(hash, `internal node at depth ${depth}`);
      const right = keyBit(key, depth) === 1;
      siblings.push(right ? node.left : node.right);
      hash = right ? node.right : node.left;
    }
  }

  /** The value hash stored under `key`, or null when absent. */
  async get(root: Uint8Array, key: Uint8Array): Promise<Uint8Array | null> {
    const { leaf } = await this.prove(root, key);
    return leaf !== null && bytesEqual(leaf.key, key) ? leaf.valueHash : null;
  }

  /** One pass of the walk; INCOMPLETE when some node it needs is not in memory yet (noted in `pass.missing`). */
  private apply(
    sub: Sub,
    depth: number,
    entries: Entry[],
    lo: number,
    hi: number,
    pass: Pass,
  ): Sub | Incomplete {
    if (lo === hi) return sub;
    if (sub.kind === "empty") {
      const inserts = entries.slice(lo, hi).filter((e) => e.valueHash !== null);
      return this.build(depth, inserts, 0, inserts.length, pass.out);
    }
    const hex = bytesToHex(sub.hash);
    const node = this.inMemory(hex, sub.hash, pass);
    if (node === undefined) return INCOMPLETE;
    if (node.kind === "leaf") {
      if (!sharesPrefix(node.key, entries[lo].key, depth))
        this.corrupt(sub.hash, `leaf at depth ${depth} is off its path`);
      // The leaf's key joins the updates unless one of them overrides it; deletes drop out.
      const leaf: Entry = { key: node.key, valueHash: node.valueHash };
      const merged: Entry[] = [];
      let placed = false;
      for (let i = lo; i < hi; i++) {
        const e = entries[i];
        if (!placed) {
          const c = compareBytes(leaf.key, e.key);
          if (c < 0) merged.push(leaf);
          placed = c <= 0;
        }
        if (e.valueHash !== null) merged.push(e);
      }
      if (!placed) merged.push(leaf);
      const built = this.build(depth, merged, 0, merged.length, pass.out);
      if (bytesEqual(built.hash, sub.hash)) pass.out.delete(hex);
      return built;
    }
    if (depth >= STATE_KEY_BITS) this.corrupt(sub.hash, `internal node at depth ${depth}`);
    // A node's position fixes the range of updates below it, so its hash alone identifies the subtree's result.
    const done = pass.done.get(hex);
    if (done !== undefined) return done;
    const mid = splitIndex(entries, depth, lo, hi);
    // Both sides are walked even when one is incomplete, so that one pass notes every missing node of its level.
    const left = this.apply(subOf(node.left), depth + 1, entries, lo, mid, pass);
    const right = this.apply(subOf(node.right), depth + 1, entries, mid, hi, pass);
    if (left === INCOMPLETE || right === INCOMPLETE) return INCOMPLETE;
    const result =
      bytesEqual(left.hash, node.left) && bytesEqual(right.hash, node.right)
        ? ({ kind: "internal", hash: sub.hash } as const)
        : this.combine(left, right, pass);
    if (result !== INCOMPLETE) pass.done.set(hex, result);
    return result;
  }

  /** Joins two updated children, lifting a lone leaf up so that the tree stays compact. */
  private combine(left: Sub, right: Sub, pass: Pass): Sub | Incomplete {
    if (left.kind === "empty" && right.kind === "empty") return EMPTY_SUB;
    if (left.kind === "empty" || right.kind === "empty") {
      const other = left.kind === "empty" ? right : left;
      if (other.kind === "leaf") return other;
      if (other.kind === "unknown") {
        const node = this.inMemory(bytesToHex(other.hash), other.hash, pass);
        if (node === undefined) return INCOMPLETE;
        if (node.kind === "leaf")
          return { kind: "leaf", hash: other.hash, leaf: { key: node.key, valueHash: node.valueHash } };
      }
    }
    return this.internal(left.hash, right.hash, pass.out);
  }

  /** Builds the subtree at `depth` of a sorted set of leaves (no deletes among them). */
  private build(depth: number, leaves: Entry[], lo: number, hi: number, out: NewNodes): Sub {
    if (lo === hi) return EMPTY_SUB;
    if (hi - lo === 1) {
      const leaf = { key: leaves[lo].key, valueHash: leaves[lo].valueHash as Uint8Array };
      const bytes = encodeStateLeaf(leaf.key, leaf.valueHash);
      const hash = sha256(bytes);
      const hex = bytesToHex(hash);
      out.set(hex, [hash, bytes]);
      this.remember(hex, { kind: "leaf", key: leaf.key, valueHash: leaf.valueHash });
      return { kind: "leaf", hash, leaf };
    }
    const mid = splitIndex(leaves, depth, lo, hi);
    const left = this.build(depth + 1, leaves, lo, mid, out);
    const right = this.build(depth + 1, leaves, mid, hi, out);
    return this.internal(left.hash, right.hash, out);
  }

  private internal(left: Uint8Array, right: Uint8Array, out: NewNodes): Sub {
    const bytes = encodeStateInternal(left, right);
    const hash = sha256(bytes);
    const hex = bytesToHex(hash);
    out.set(hex, [hash, bytes]);
    this.remember(hex, { kind: "internal", left, right });
    return { kind: "internal", hash };
  }

  /** A node from this update's reads or the cache; undefined (and noted as missing) when neither has it. */
  private inMemory(hex: string, hash: Uint8Array, pass: Pass): StateNode | undefined {
    const node = pass.fetched.get(hex) ?? this.cache.get(hex);
    if (node === undefined) pass.missing.set(hex, hash);
    return node;
  }

  /** Reads the nodes a pass missed, in parallel, into the pass (and the cache). */
  private async fetch(pass: Pass): Promise<void> {
    const wanted = [...pass.missing];
    pass.missing.clear();
    const nodes = await Promise.all(wanted.map(([, hash]) => this.read(hash)));
    wanted.forEach(([hex], i) => {
      pass.fetched.set(hex, nodes[i]);
    });
  }

  /** Reads and decodes one node from the reader. */
  private async read(hash: Uint8Array): Promise<StateNode> {
    const hex = bytesToHex(hash);
    const bytes = await this.reader.get(hash);
    if (bytes === null || bytes === undefined)
      throw new StateError(
        { code: "STATE_ERROR_MISSING_NODE", hashHex: hex },
        `state node ${hex} is missing`,
      );
    const node = decodeStateNode(hash, bytes);
    this.cache.set(hex, node);
    return node;
  }

  /** Reads a node through the cache. */
  private async load(hash: Uint8Array): Promise<StateNode> {
    return this.cache.get(bytesToHex(hash)) ?? (await this.read(hash));
  }

  private remember(hex: string, node: StateNode): void {
    this.cache.set(hex, node);
  }

  private corrupt(hash: Uint8Array, message: string): never {
    const hashHex = bytesToHex(hash);
    throw new StateError({ code: "STATE_ERROR_CORRUPT_NODE", hashHex }, `state node ${hashHex}: ${message}`);
  }
}
