import { bytesToHex, sha256 } from "@vshard/crypto";
import { describe, expect, it } from "vitest";
import { EMPTY_STATE_ROOT, SparseMerkleTree, StateError } from "../../src/state/index.ts";
import { MemoryNodeStore } from "./memoryNodeStore.ts";

const enc = new TextEncoder();
const keyOf = (i: number) => sha256(enc.encode(`key-${i}`));
const valueHashOf = (v: number) => sha256(enc.encode(`value-${v}`));

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StateError);
  expect((err as StateError).code).toBe(code);
}

describe("SparseMerkleTree errors", () => {
  async function twoKeyTree() {
    const store = new MemoryNodeStore();
    const root = store.persist(
      await new SparseMerkleTree(store).update(EMPTY_STATE_ROOT, [
        { key: keyOf(1), valueHash: valueHashOf(1) },
        { key: keyOf(2), valueHash: valueHashOf(2) },
      ]),
    );
    return { store, root };
  }

  it("reports a missing node", async () => {
    const { store, root } = await twoKeyTree();
    store.nodes.delete(bytesToHex(root));
    const tree = new SparseMerkleTree(store);
    await expectCode(tree.prove(root, keyOf(1)), "STATE_ERROR_MISSING_NODE");
    await expectCode(
      tree.update(root, [{ key: keyOf(3), valueHash: valueHashOf(3) }]),
      "STATE_ERROR_MISSING_NODE",
    );
  });

  it("reports corrupt nodes: wrong length, unknown tag, bytes that do not hash to the address", async () => {
    const { store, root } = await twoKeyTree();
    const hex = bytesToHex(root);
    const good = store.nodes.get(hex) as Uint8Array;
    const variants = [
      good.subarray(0, 64),
      Uint8Array.of(7, ...good.subarray(1)),
      Uint8Array.of(0, ...good.subarray(1)),
    ];
    for (const bad of variants) {
      store.nodes.set(hex, bad);
      const tree = new SparseMerkleTree(store);
      await expectCode(tree.prove(root, keyOf(1)), "STATE_ERROR_CORRUPT_NODE");
      await expectCode(tree.update(root, [{ key: keyOf(1), valueHash: null }]), "STATE_ERROR_CORRUPT_NODE");
    }
  });

  it("reports a leaf stored off its key's path", async () => {
    const store = new MemoryNodeStore();
    const left = new Uint8Array(32); // belongs on the left
    const stray = new Uint8Array(32); // a leaf whose key starts with bit 0, put on the right
    stray[31] = 1;
    const leafA = store.persist(
      await new SparseMerkleTree(store).update(EMPTY_STATE_ROOT, [{ key: left, valueHash: valueHashOf(1) }]),
    );
    const leafB = store.persist(
      await new SparseMerkleTree(store).update(EMPTY_STATE_ROOT, [{ key: stray, valueHash: valueHashOf(2) }]),
    );
    const bytes = Uint8Array.of(1, ...leafA, ...leafB);
    const root = sha256(bytes);
    store.nodes.set(bytesToHex(root), bytes);
    const probe = new Uint8Array(32).fill(0xff);
    await expectCode(new SparseMerkleTree(store).prove(root, probe), "STATE_ERROR_CORRUPT_NODE");
    await expectCode(
      new SparseMerkleTree(store).update(root, [{ key: probe, valueHash: valueHashOf(3) }]),
      "STATE_ERROR_CORRUPT_NODE",
    );
  });

  it("rejects roots, keys and value hashes that are not 32 bytes", async () => {
    const tree = new SparseMerkleTree(new MemoryNodeStore());
    await expectCode(tree.update(new Uint8Array(31), []), "STATE_ERROR_BAD_INPUT");
    await expectCode(
      tree.update(EMPTY_STATE_ROOT, [{ key: new Uint8Array(33), valueHash: null }]),
      "STATE_ERROR_BAD_INPUT",
    );
    await expectCode(
      tree.update(EMPTY_STATE_ROOT, [{ key: keyOf(1), valueHash: new Uint8Array(1) }]),
      "STATE_ERROR_BAD_INPUT",
    );
    await expectCode(tree.prove(EMPTY_STATE_ROOT, new Uint8Array(0)), "STATE_ERROR_BAD_INPUT");
  });
});
