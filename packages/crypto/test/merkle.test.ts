import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bytesToHex,
  concatBytes,
  EMPTY_MERKLE_ROOT,
  type MerkleProof,
  merkleLeafHash,
  merkleNodeHash,
  merkleProof,
  merkleProofs,
  merkleRoot,
  sha256,
  u64be,
  verifyMerkleProof,
} from "../src/index.ts";
import { loadMerkleVectors } from "./vectors.ts";

const vectors = loadMerkleVectors();
const hex = bytesToHex;

/** Distinct leaves: the index is written in front of random bytes. */
const leavesArb = (min: number, max: number) =>
  fc
    .array(fc.uint8Array({ maxLength: 40 }), { minLength: min, maxLength: max })
    .map((datas) => datas.map((d, i) => concatBytes(u64be(i), d)));

/** Leaves plus an index inside them. */
const leavesAndIndexArb = (min: number, max: number) =>
  leavesArb(min, max).chain((leaves) => fc.tuple(fc.constant(leaves), fc.nat({ max: leaves.length - 1 })));

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3] ^= 1 << (bit & 7);
  return out;
}

/**
 * The left/right turns from the root down to leaf `index` in an RFC 6962 tree of `size` leaves:
 * the only thing an inclusion proof's `leafCount` changes in verification.
 */
function pathShape(index: number, size: number): string {
  let shape = "";
  let start = 0;
  let end = size;
  while (end - start > 1) {
    let k = 1;
    while (k * 2 < end - start) k *= 2;
    if (index < start + k) {
      shape += "L";
      end = start + k;
    } else {
      shape += "R";
      start += k;
    }
  }
  return shape;
}

describe("merkle: RFC 6962 vectors (certificate transparency)", () => {
  it("hashes a leaf and a node as the RFC 6962 hasher vectors say", () => {
    expect(hex(merkleLeafHash(vectors.leafHash.data))).toBe(hex(vectors.leafHash.hash));
    expect(hex(merkleNodeHash(vectors.nodeHash.left, vectors.nodeHash.right))).toBe(
      hex(vectors.nodeHash.hash),
    );
  });

  it("gives the reference root for the first n leaves, n = 0..8", () => {
    expect(vectors.roots.length).toBe(9);
    for (let n = 0; n <= 8; n++) {
      expect(hex(merkleRoot(vectors.leaves.slice(0, n))), `n = ${n}`).toBe(hex(vectors.roots[n]));
    }
    expect(hex(EMPTY_MERKLE_ROOT)).toBe(hex(vectors.roots[0]));
  });

  it("builds the reference inclusion paths, and they verify", () => {
    for (const { index, size, path } of vectors.paths) {
      const leaves = vectors.leaves.slice(0, size);
      const proof = merkleProof(leaves, index);
      expect(proof.siblings.map(hex), `index ${index} of ${size}`).toEqual(path.map(hex));
      expect(verifyMerkleProof(vectors.roots[size], leaves[index], proof)).toBe(true);
    }
  });
});

describe("merkle: every proof at once", () => {
  it("merkleProofs equals merkleProof for every leaf, on the reference vectors and on any tree", () => {
    for (let size = 0; size <= vectors.leaves.length; size++) {
      const leaves = vectors.leaves.slice(0, size);
      expect(merkleProofs(leaves)).toEqual(leaves.map((_, i) => merkleProof(leaves, i)));
    }
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 8 }), { maxLength: 40 }), (leaves) => {
        expect(merkleProofs(leaves)).toEqual(leaves.map((_, i) => merkleProof(leaves, i)));
      }),
      { numRuns: 60 },
    );
  });
});

describe("merkle: small trees", () => {
  const [a, b, c] = ["a", "b", "c"].map((s) => new TextEncoder().encode(s));

  it("1 leaf: the root is the leaf hash, the proof is empty", () => {
    expect(hex(merkleRoot([a]))).toBe(hex(merkleLeafHash(a)));
    expect(merkleProof([a], 0)).toEqual({ index: 0, leafCount: 1, siblings: [] });
    expect(verifyMerkleProof(merkleRoot([a]), a, merkleProof([a], 0))).toBe(true);
  });

  it("2 leaves: nodeHash(leafHash(a), leafHash(b))", () => {
    expect(hex(merkleRoot([a, b]))).toBe(hex(merkleNodeHash(merkleLeafHash(a), merkleLeafHash(b))));
  });

  it("3 leaves: split at 2, nodeHash(nodeHash(leafHash(a), leafHash(b)), leafHash(c))", () => {
    const left = merkleNodeHash(merkleLeafHash(a), merkleLeafHash(b));
    expect(hex(merkleRoot([a, b, c]))).toBe(hex(merkleNodeHash(left, merkleLeafHash(c))));
    expect(merkleProof([a, b, c], 2).siblings.map(hex)).toEqual([hex(left)]);
  });

  it("domain-separates leaves from nodes: leaf 0x00 || x is not node x", () => {
    expect(hex(merkleLeafHash(a))).toBe(hex(sha256(new Uint8Array([0]), a)));
    expect(hex(merkleNodeHash(a, b))).toBe(hex(sha256(new Uint8Array([1]), a, b)));
  });

  it("the empty tree's root is sha256 of the empty string", () => {
    expect(hex(merkleRoot([]))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});

describe("merkle: properties", () => {
  it("every leaf's proof verifies against the root, for 1..200 leaves", () => {
    fc.assert(
      fc.property(leavesArb(1, 200), (leaves) => {
        const root = merkleRoot(leaves);
        for (let i = 0; i < leaves.length; i++) {
          const proof = merkleProof(leaves, i);
          expect(proof.leafCount).toBe(leaves.length);
          expect(verifyMerkleProof(root, leaves[i], proof)).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("a proof does not verify for another leaf or for another index", () => {
    fc.assert(
      fc.property(leavesAndIndexArb(1, 100), fc.uint8Array(), fc.nat(), ([leaves, i], other, j) => {
        const root = merkleRoot(leaves);
        const proof = merkleProof(leaves, i);
        fc.pre(hex(other) !== hex(leaves[i]));
        expect(verifyMerkleProof(root, other, proof)).toBe(false);
        const otherIndex = j % leaves.length;
        if (otherIndex !== i) {
          expect(verifyMerkleProof(root, leaves[i], { ...proof, index: otherIndex })).toBe(false);
          expect(verifyMerkleProof(root, leaves[otherIndex], proof)).toBe(false);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("a proof does not verify with a sibling modified, removed, added or out of order", () => {
    fc.assert(
      fc.property(leavesAndIndexArb(2, 100), fc.nat(), ([leaves, i], n) => {
        const root = merkleRoot(leaves);
        const proof = merkleProof(leaves, i);
        const { siblings } = proof;
        const s = n % siblings.length;
        const modified = siblings.map((h, k) => (k === s ? flipBit(h, n % 256) : h));
        expect(verifyMerkleProof(root, leaves[i], { ...proof, siblings: modified })).toBe(false);
        expect(verifyMerkleProof(root, leaves[i], { ...proof, siblings: siblings.slice(0, -1) })).toBe(false);
        expect(verifyMerkleProof(root, leaves[i], { ...proof, siblings: siblings.slice(1) })).toBe(false);
        expect(verifyMerkleProof(root, leaves[i], { ...proof, siblings: [...siblings, root] })).toBe(false);
        expect(verifyMerkleProof(root, leaves[i], { ...proof, siblings: [root, ...siblings] })).toBe(false);
        if (siblings.length > 1 && hex(siblings[0]) !== hex(siblings[1])) {
          const swapped = [siblings[1], siblings[0], ...siblings.slice(2)];
          expect(verifyMerkleProof(root, leaves[i], { ...proof, siblings: swapped })).toBe(false);
        }
        // A truncated or extended sibling hash.
        const short = siblings.map((h, k) => (k === s ? h.subarray(0, 31) : h));
        const long = siblings.map((h, k) => (k === s ? concatBytes(h, new Uint8Array(1)) : h));
        expect(verifyMerkleProof(root, leaves[i], { ...proof, siblings: short })).toBe(false);
        expect(verifyMerkleProof(root, leaves[i], { ...proof, siblings: long })).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it("a proof does not verify for another leafCount that changes the leaf's path", () => {
    fc.assert(
      fc.property(leavesAndIndexArb(1, 100), fc.integer({ min: 1, max: 300 }), ([leaves, i], count) => {
        fc.pre(count !== leaves.length && i < count);
        const root = merkleRoot(leaves);
        const proof = merkleProof(leaves, i);
        const samePath = pathShape(i, count) === pathShape(i, leaves.length);
        // leafCount only enters verification through the path it implies (see the test below).
        expect(verifyMerkleProof(root, leaves[i], { ...proof, leafCount: count })).toBe(samePath);
      }),
      { numRuns: 200 },
    );
  });

  it("does not bind leafCount: leaf 2 of 3 also verifies as leaf 1 of 2 (take leafCount from the header)", () => {
    const leaves = vectors.leaves.slice(0, 3);
    const root = merkleRoot(leaves);
    const proof = merkleProof(leaves, 2);
    expect(verifyMerkleProof(root, leaves[2], proof)).toBe(true);
    expect(verifyMerkleProof(root, leaves[2], { index: 1, leafCount: 2, siblings: proof.siblings })).toBe(
      true,
    );
  });

  it("the root changes when any leaf changes, or when two different leaves swap", () => {
    fc.assert(
      fc.property(
        leavesAndIndexArb(1, 100),
        fc.uint8Array({ maxLength: 40 }),
        fc.nat(),
        ([leaves, i], data, j) => {
          fc.pre(hex(data) !== hex(leaves[i]));
          const changed = leaves.map((l, k) => (k === i ? data : l));
          expect(hex(merkleRoot(changed))).not.toBe(hex(merkleRoot(leaves)));
          const other = j % leaves.length;
          if (other !== i) {
            const swapped = leaves.slice();
            [swapped[i], swapped[other]] = [swapped[other], swapped[i]];
            expect(hex(merkleRoot(swapped))).not.toBe(hex(merkleRoot(leaves)));
          }
          // Appending a leaf changes the root too.
          expect(hex(merkleRoot([...leaves, data]))).not.toBe(hex(merkleRoot(leaves)));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("merkle: bad input", () => {
  const leaves = vectors.leaves.slice(0, 5);
  const root = merkleRoot(leaves);

  it("merkleProof throws RangeError for an index outside the leaves", () => {
    for (const index of [-1, 5, 6, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => merkleProof(leaves, index), `index ${index}`).toThrow(RangeError);
    expect(() => merkleProof([], 0)).toThrow(RangeError);
  });

  it("verifyMerkleProof rejects a proof against the wrong root or a root of the wrong length", () => {
    const proof = merkleProof(leaves, 1);
    expect(verifyMerkleProof(root, leaves[1], proof)).toBe(true);
    expect(verifyMerkleProof(EMPTY_MERKLE_ROOT, leaves[1], proof)).toBe(false);
    expect(verifyMerkleProof(root.subarray(0, 31), leaves[1], proof)).toBe(false);
    expect(verifyMerkleProof(new Uint8Array(0), leaves[1], proof)).toBe(false);
  });

  it("verifyMerkleProof never throws on garbage proofs", () => {
    const garbage = [
      { index: -1, leafCount: 5, siblings: [] },
      { index: 5, leafCount: 5, siblings: [] },
      { index: 0, leafCount: 0, siblings: [] },
      { index: 0.5, leafCount: 5, siblings: [] },
      { index: 0, leafCount: Number.NaN, siblings: [] },
      { index: 0, leafCount: Number.POSITIVE_INFINITY, siblings: [] },
      { index: 0, leafCount: Number.MAX_SAFE_INTEGER, siblings: [] },
      { index: 0, leafCount: 5, siblings: null },
      { index: 0, leafCount: 5, siblings: "abc" },
      { index: 0, leafCount: 5, siblings: [null, undefined, 7] },
      { index: 0, leafCount: 5, siblings: [new Uint8Array(32), {}, new Uint8Array(32)] },
      { index: "0", leafCount: "5", siblings: [] },
    ] as unknown as MerkleProof[];
    for (const proof of garbage) expect(verifyMerkleProof(root, leaves[0], proof)).toBe(false);
    for (const proof of [null, undefined, 0, "proof", []] as unknown as MerkleProof[])
      expect(verifyMerkleProof(root, leaves[0], proof)).toBe(false);
    const good = merkleProof(leaves, 0);
    expect(verifyMerkleProof(null as unknown as Uint8Array, leaves[0], good)).toBe(false);
    expect(verifyMerkleProof(root, null as unknown as Uint8Array, good)).toBe(false);
  });

  it("verifyMerkleProof never throws on random proofs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 300 }),
        fc.integer({ min: -5, max: 300 }),
        fc.array(fc.uint8Array({ minLength: 30, maxLength: 34 }), { maxLength: 12 }),
        fc.uint8Array({ maxLength: 40 }),
        (index, leafCount, siblings, leaf) => {
          expect(verifyMerkleProof(root, leaf, { index, leafCount, siblings })).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
