import { sha256 } from "@vshard/crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  EMPTY_STATE_ROOT,
  SparseMerkleTree,
  StateError,
  type StateProof,
  stateInternalHash,
  stateLeafHash,
  stateProofFromJson,
  stateProofToJson,
  verifyStateProof,
} from "../../src/state/index.ts";
import { MemoryNodeStore } from "./memoryNodeStore.ts";

const enc = new TextEncoder();
const keyOf = (i: number) => sha256(enc.encode(`proof-key-${i}`));
const valueHashOf = (v: number) => sha256(enc.encode(`proof-value-${v}`));
const N = 40;

async function fixture() {
  const store = new MemoryNodeStore();
  const tree = new SparseMerkleTree(store);
  // Even keys present, odd keys absent.
  const present = Array.from({ length: N }, (_, i) => i).filter((i) => i % 2 === 0);
  const root = store.persist(
    await tree.update(
      EMPTY_STATE_ROOT,
      present.map((i) => ({ key: keyOf(i), valueHash: valueHashOf(i) })),
    ),
  );
  const other = store.persist(await tree.update(root, [{ key: keyOf(0), valueHash: valueHashOf(1000) }]));
  return { tree, root, other };
}

function tamperings(proof: StateProof): StateProof[] {
  const out: StateProof[] = [];
  proof.siblings.forEach((_, i) => {
    const siblings = proof.siblings.slice();
    const s = siblings[i].slice();
    s[i % 32] ^= 1;
    siblings[i] = s;
    out.push({ ...proof, siblings });
  });
  if (proof.siblings.length > 0) {
    out.push({ ...proof, siblings: proof.siblings.slice(1) });
    out.push({ ...proof, siblings: proof.siblings.slice(0, -1) });
  }
  out.push({ ...proof, siblings: [...proof.siblings, new Uint8Array(32)] });
  out.push({ ...proof, siblings: [new Uint8Array(32), ...proof.siblings] });
  if (proof.leaf) {
    const valueHash = proof.leaf.valueHash.slice();
    valueHash[0] ^= 0x80;
    out.push({ ...proof, leaf: { key: proof.leaf.key, valueHash } });
    out.push({ ...proof, leaf: null });
  } else {
    out.push({ ...proof, leaf: { key: keyOf(1), valueHash: valueHashOf(1) } });
  }
  return out;
}

describe("state proofs", () => {
  it("prove inclusion of present keys and absence of others, against their root only", async () => {
    const { tree, root, other } = await fixture();
    for (let i = 0; i < N; i++) {
      const key = keyOf(i);
      const proof = await tree.prove(root, key);
      if (i % 2 === 0) {
        expect(proof.leaf?.key).toEqual(key);
        expect(verifyStateProof(root, key, valueHashOf(i), proof)).toBe(true);
        expect(verifyStateProof(root, key, valueHashOf(i + 1), proof)).toBe(false);
        expect(verifyStateProof(root, key, null, proof)).toBe(false);
        expect(verifyStateProof(other, key, valueHashOf(i), proof)).toBe(false);
      } else {
        expect(verifyStateProof(root, key, null, proof)).toBe(true);
        expect(verifyStateProof(root, key, valueHashOf(i), proof)).toBe(false);
        expect(verifyStateProof(other, key, null, proof)).toBe(false);
      }
      // A proof is about its own key.
      expect(verifyStateProof(root, keyOf(i + 1), i % 2 === 0 ? null : valueHashOf(i), proof)).toBe(false);
    }
  });

  it("proves absence in the empty tree with no siblings", async () => {
    const proof = await new SparseMerkleTree(new MemoryNodeStore()).prove(EMPTY_STATE_ROOT, keyOf(1));
    expect(proof).toEqual({ key: keyOf(1), leaf: null, siblings: [] });
    expect(verifyStateProof(EMPTY_STATE_ROOT, keyOf(1), null, proof)).toBe(true);
    expect(verifyStateProof(EMPTY_STATE_ROOT, keyOf(1), valueHashOf(1), proof)).toBe(false);
  });

  it("fail once tampered with", async () => {
    const { tree, root } = await fixture();
    for (let i = 0; i < N; i++) {
      const key = keyOf(i);
      const value = i % 2 === 0 ? valueHashOf(i) : null;
      const proof = await tree.prove(root, key);
      for (const bad of tamperings(proof)) expect(verifyStateProof(root, key, value, bad)).toBe(false);
    }
  });

  it("rejects a non-inclusion proof whose leaf is off the key's path", () => {
    // A crafted root with a leaf of key X (first bit 1) under the left branch: a key K (first bit 0) must not
    // use it as proof of absence, though the hashes line up.
    const x = new Uint8Array(32).fill(0xff);
    const k = new Uint8Array(32);
    const root = stateInternalHash(stateLeafHash(x, valueHashOf(1)), EMPTY_STATE_ROOT);
    const proof = { key: k, leaf: { key: x, valueHash: valueHashOf(1) }, siblings: [EMPTY_STATE_ROOT] };
    expect(verifyStateProof(root, k, null, proof)).toBe(false);
    // The same leaf on the right path proves absence for a key starting with bit 1.
    const k1 = new Uint8Array(32).fill(0x80, 0, 1);
    const honest = stateInternalHash(EMPTY_STATE_ROOT, stateLeafHash(x, valueHashOf(1)));
    expect(verifyStateProof(honest, k1, null, { ...proof, key: k1 })).toBe(true);
  });

  it("verifyStateProof never throws, whatever it is given", () => {
    const bytes = fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 40 }));
    const proofArb = fc.oneof(
      fc.anything(),
      fc.record({
        key: fc.oneof(bytes, fc.anything()),
        leaf: fc.oneof(fc.constant(null), fc.record({ key: bytes, valueHash: bytes }), fc.anything()),
        siblings: fc.oneof(fc.array(bytes, { maxLength: 8 }), fc.anything()),
      }),
    );
    fc.assert(
      fc.property(
        fc.anything(),
        fc.anything(),
        fc.oneof(fc.constant(null), bytes, fc.anything()),
        proofArb,
        (root, key, value, proof) => {
          const call = () =>
            verifyStateProof(
              root as Uint8Array,
              key as Uint8Array,
              value as Uint8Array | null,
              proof as StateProof,
            );
          expect(call).not.toThrow();
          expect(call()).toBe(false);
        },
      ),
    );
    expect(verifyStateProof(EMPTY_STATE_ROOT, keyOf(0), null, null as unknown as StateProof)).toBe(false);
    const hostile = {
      key: keyOf(0),
      leaf: null,
      get siblings(): Uint8Array[] {
        throw new Error("boom");
      },
    };
    expect(verifyStateProof(EMPTY_STATE_ROOT, keyOf(0), null, hostile)).toBe(false);
  });
});

describe("state proof JSON", () => {
  it("round-trips and still verifies", async () => {
    const { tree, root } = await fixture();
    for (const i of [0, 1, 2, 3]) {
      const proof = await tree.prove(root, keyOf(i));
      const json = JSON.parse(JSON.stringify(stateProofToJson(proof)));
      expect(json.key).toMatch(/^[0-9a-f]{64}$/);
      const back = stateProofFromJson(json);
      expect(back).toEqual(proof);
      expect(verifyStateProof(root, keyOf(i), i % 2 === 0 ? valueHashOf(i) : null, back)).toBe(true);
    }
  });

  it("rejects malformed JSON proofs with STATE_ERROR_BAD_PROOF naming the field", () => {
    const h = "ab".repeat(32);
    const cases: Array<[unknown, string]> = [
      [null, "proof: expected an object"],
      [[], "proof: expected an object"],
      [{ key: "zz", leaf: null, siblings: [] }, "proof.key"],
      [{ key: h.slice(2), leaf: null, siblings: [] }, "proof.key"],
      [{ key: h, siblings: [] }, "proof.leaf"],
      [{ key: h, leaf: 5, siblings: [] }, "proof.leaf"],
      [{ key: h, leaf: { key: h }, siblings: [] }, "proof.leaf.valueHash"],
      [{ key: h, leaf: null, siblings: "x" }, "proof.siblings"],
      [{ key: h, leaf: null, siblings: [h, 3] }, "proof.siblings[1]"],
      [{ key: h, leaf: null, siblings: Array(257).fill(h) }, "at most 256"],
    ];
    for (const [json, fragment] of cases) {
      let caught: unknown;
      try {
        stateProofFromJson(json);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(StateError);
      expect((caught as StateError).code).toBe("STATE_ERROR_BAD_PROOF");
      expect((caught as StateError).message).toContain(fragment);
    }
  });
});
