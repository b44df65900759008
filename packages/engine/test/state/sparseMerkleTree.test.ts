import { bytesToHex, sha256 } from "@vshard/crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  EMPTY_STATE_ROOT,
  SparseMerkleTree,
  type StateUpdate,
  stateInternalHash,
  stateLeafHash,
  verifyStateProof,
} from "../../src/state/index.ts";
import { MemoryNodeStore } from "./memoryNodeStore.ts";

const enc = new TextEncoder();
const keyOf = (i: number) => sha256(enc.encode(`key-${i}`));
const valueHashOf = (v: number) => sha256(enc.encode(`value-${v}`));

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3] ^= 0x80 >> (bit & 7);
  return out;
}

/** Random keys plus keys that share long prefixes with one base key, so that paths reach depth 256. */
const BASE = sha256(enc.encode("base"));
const UNIVERSE: Uint8Array[] = [
  ...Array.from({ length: 16 }, (_, i) => keyOf(i)),
  BASE,
  flipBit(BASE, 255),
  flipBit(BASE, 254),
  flipBit(flipBit(BASE, 254), 255),
  flipBit(BASE, 200),
  flipBit(BASE, 9),
  flipBit(BASE, 0),
];

async function fromScratch(
  model: Map<string, { key: Uint8Array; valueHash: Uint8Array }>,
): Promise<Uint8Array> {
  const tree = new SparseMerkleTree(new MemoryNodeStore());
  return (await tree.update(EMPTY_STATE_ROOT, [...model.values()])).root;
}

describe("SparseMerkleTree shape", () => {
  it("keeps the empty root for an empty batch and for deletes of absent keys", async () => {
    const store = new MemoryNodeStore();
    const tree = new SparseMerkleTree(store);
    expect(await tree.update(EMPTY_STATE_ROOT, [])).toEqual({ root: EMPTY_STATE_ROOT, newNodes: [] });
    const r = await tree.update(EMPTY_STATE_ROOT, [{ key: keyOf(1), valueHash: null }]);
    expect(r.root).toEqual(EMPTY_STATE_ROOT);
    expect(r.newNodes).toEqual([]);
  });

  it("stores a lone key as a leaf at the root, two keys under one internal node", async () => {
    const store = new MemoryNodeStore();
    const tree = new SparseMerkleTree(store);
    const a = new Uint8Array(32); // first bit 0
    const b = new Uint8Array(32).fill(0xff); // first bit 1
    const one = await tree.update(EMPTY_STATE_ROOT, [{ key: a, valueHash: valueHashOf(1) }]);
    expect(one.root).toEqual(stateLeafHash(a, valueHashOf(1)));
    expect(one.newNodes).toHaveLength(1);
    const two = await tree.update(store.persist(one), [{ key: b, valueHash: valueHashOf(2) }]);
    expect(two.root).toEqual(
      stateInternalHash(stateLeafHash(a, valueHashOf(1)), stateLeafHash(b, valueHashOf(2))),
    );
    // Deleting one lifts the other leaf back to the root.
    const back = await tree.update(store.persist(two), [{ key: b, valueHash: null }]);
    expect(back.root).toEqual(one.root);
  });

  it("places keys that differ only in their last bit at depth 256", async () => {
    const store = new MemoryNodeStore();
    const tree = new SparseMerkleTree(store);
    const a = BASE;
    const b = flipBit(BASE, 255);
    const root = store.persist(
      await tree.update(EMPTY_STATE_ROOT, [
        { key: a, valueHash: valueHashOf(1) },
        { key: b, valueHash: valueHashOf(2) },
      ]),
    );
    const proof = await tree.prove(root, b);
    expect(proof.siblings).toHaveLength(256);
    expect(verifyStateProof(root, b, valueHashOf(2), proof)).toBe(true);
    expect(await tree.get(root, a)).toEqual(valueHashOf(1));
    expect(await tree.get(root, flipBit(BASE, 254))).toBeNull();
  });

  it("lets the last update of a key in a batch win", async () => {
    const tree = new SparseMerkleTree(new MemoryNodeStore());
    const k = keyOf(7);
    const r1 = await tree.update(EMPTY_STATE_ROOT, [
      { key: k, valueHash: valueHashOf(1) },
      { key: k, valueHash: null },
      { key: k, valueHash: valueHashOf(3) },
    ]);
    expect(r1.root).toEqual(stateLeafHash(k, valueHashOf(3)));
    const r2 = await tree.update(EMPTY_STATE_ROOT, [
      { key: k, valueHash: valueHashOf(3) },
      { key: k, valueHash: null },
    ]);
    expect(r2.root).toEqual(EMPTY_STATE_ROOT);
  });

  it("keeps every earlier root readable (nodes are immutable)", async () => {
    const store = new MemoryNodeStore();
    const tree = new SparseMerkleTree(store);
    const r1 = store.persist(
      await tree.update(
        EMPTY_STATE_ROOT,
        [0, 1, 2].map((i) => ({ key: keyOf(i), valueHash: valueHashOf(i) })),
      ),
    );
    const r2 = store.persist(await tree.update(r1, [{ key: keyOf(1), valueHash: valueHashOf(9) }]));
    expect(await tree.get(r1, keyOf(1))).toEqual(valueHashOf(1));
    expect(await tree.get(r2, keyOf(1))).toEqual(valueHashOf(9));
  });
});

describe("SparseMerkleTree properties", () => {
  const batchArb = fc.array(
    fc.record({ k: fc.nat(UNIVERSE.length - 1), v: fc.option(fc.nat(4), { nil: null }) }),
    { maxLength: 12 },
  );

  it("gives the root of the final key set whatever the history, and proves every key", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { maxLength: 8 }), async (batches) => {
        const store = new MemoryNodeStore();
        const tree = new SparseMerkleTree(store);
        const model = new Map<string, { key: Uint8Array; valueHash: Uint8Array }>();
        let root = EMPTY_STATE_ROOT;
        for (const batch of batches) {
          const updates: StateUpdate[] = batch.map(({ k, v }) => ({
            key: UNIVERSE[k],
            valueHash: v === null ? null : valueHashOf(v),
          }));
          root = store.persist(await tree.update(root, updates));
          for (const u of updates) {
            const hex = bytesToHex(u.key);
            if (u.valueHash === null) model.delete(hex);
            else model.set(hex, { key: u.key, valueHash: u.valueHash });
          }
          expect(bytesToHex(root)).toBe(bytesToHex(await fromScratch(model)));
          // A fresh tree (empty cache) reads only persisted nodes.
          const reader = new SparseMerkleTree(store, { cacheSize: 0 });
          for (const key of UNIVERSE) {
            const proof = await reader.prove(root, key);
            const present = model.get(bytesToHex(key));
            if (present) {
              expect(verifyStateProof(root, key, present.valueHash, proof)).toBe(true);
              expect(verifyStateProof(root, key, valueHashOf(99), proof)).toBe(false);
              expect(verifyStateProof(root, key, null, proof)).toBe(false);
            } else {
              expect(verifyStateProof(root, key, null, proof)).toBe(true);
              expect(verifyStateProof(root, key, valueHashOf(0), proof)).toBe(false);
            }
          }
        }
        const cleared = await tree.update(
          root,
          UNIVERSE.map((key) => ({ key, valueHash: null })),
        );
        expect(cleared.root).toEqual(EMPTY_STATE_ROOT);
        expect(cleared.newNodes).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it("does not depend on the order of the updates in a batch", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .uniqueArray(fc.nat(UNIVERSE.length - 1), { minLength: 1 })
          .chain((ks) => fc.tuple(fc.constant(ks), fc.shuffledSubarray(ks, { minLength: ks.length }))),
        async ([ks, shuffled]) => {
          const tree = new SparseMerkleTree(new MemoryNodeStore());
          const ups = (order: number[]) =>
            order.map((k) => ({ key: UNIVERSE[k], valueHash: valueHashOf(k) }));
          const a = await tree.update(EMPTY_STATE_ROOT, ups(ks));
          const b = await tree.update(EMPTY_STATE_ROOT, ups(shuffled));
          expect(a.root).toEqual(b.root);
        },
      ),
    );
  });
});

describe("SparseMerkleTree cost", () => {
  it("reads and writes O(log n) nodes for a one-key update in a 10,000-key tree", async () => {
    const n = 10_000;
    const store = new MemoryNodeStore();
    const root = store.persist(
      await new SparseMerkleTree(store).update(
        EMPTY_STATE_ROOT,
        Array.from({ length: n }, (_, i) => ({ key: keyOf(i), valueHash: valueHashOf(i) })),
      ),
    );
    const bound = 3 * Math.ceil(Math.log2(n)); // 42; the expected path length is about 14
    const cases: StateUpdate[] = [
      { key: keyOf(123), valueHash: valueHashOf(7) }, // change
      { key: keyOf(n + 5), valueHash: valueHashOf(7) }, // insert
      { key: keyOf(4567), valueHash: null }, // delete
    ];
    for (const u of cases) {
      store.reads = 0;
      const r = await new SparseMerkleTree(store).update(root, [u]);
      expect(store.reads).toBeGreaterThan(0);
      expect(store.reads).toBeLessThanOrEqual(bound);
      expect(r.newNodes.length).toBeLessThanOrEqual(bound);
      store.reads = 0;
      await new SparseMerkleTree(store).prove(root, u.key);
      expect(store.reads).toBeLessThanOrEqual(bound);
    }
  });
});
