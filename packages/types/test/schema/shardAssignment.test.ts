import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addressHashShard,
  homeShard,
  isShardAllowed,
  jumpConsistentHash,
  parseWorkerChainSchema,
} from "../../src/index.ts";
import { loadExample } from "./fixtures.ts";

describe("jumpConsistentHash", () => {
  it("matches the reference algorithm (vectors from an independent Python implementation)", () => {
    const vectors: [bigint, number, number][] = [
      [0n, 1, 0],
      [0n, 10, 0],
      [1n, 10, 6],
      [12345678901234567890n, 1000, 294],
      [2n ** 64n - 1n, 7, 2],
      [42n, 2, 1],
      [42n, 3, 2],
      [42n, 4, 2],
      [0xdeadbeefcafebaben, 1024, 144],
      [256n, 65536, 8799],
    ];
    for (const [key, buckets, expected] of vectors) expect(jumpConsistentHash(key, buckets)).toBe(expected);
  });

  it("stays in range, and growing by one bucket moves a key only into the new bucket", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.integer({ min: 1, max: 2000 }),
        (key, n) => {
          const before = jumpConsistentHash(key, n);
          const after = jumpConsistentHash(key, n + 1);
          expect(before).toBeGreaterThanOrEqual(0);
          expect(before).toBeLessThan(n);
          expect(after === before || after === n).toBe(true);
        },
      ),
    );
  });

  it("refuses fewer than one bucket", () => {
    expect(() => jumpConsistentHash(1n, 0)).toThrow(RangeError);
  });
});

describe("address-hash assignment", () => {
  const gpu = parseWorkerChainSchema(loadExample("gpu-rental"));
  const tokens = parseWorkerChainSchema(loadExample("token-ledger"));
  const address = (i: number) => {
    const a = new Uint8Array(20);
    new DataView(a.buffer).setUint32(0, i);
    return a;
  };

  it("hashes the first 8 bytes of sha256(address) (vectors from the Python implementation)", () => {
    const a = new Uint8Array(20).fill(1);
    expect([1, 2, 3, 4, 5, 8, 16].map((n) => addressHashShard(a, n))).toEqual([0, 0, 2, 3, 3, 3, 12]);
  });

  it("spreads addresses evenly over the shards", () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[addressHashShard(address(i), 4)]++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it("gives one home shard under address-hash and any shard of the chain under explicit-suffix", () => {
    const a = address(7);
    const home = homeShard(gpu, a) as number;
    expect(home).toBe(addressHashShard(a, 4));
    for (let s = 0; s < 4; s++) expect(isShardAllowed(gpu, a, s)).toBe(s === home);
    expect(homeShard(tokens, a)).toBeNull();
    expect([0, 1, 2, -1, 0.5].map((s) => isShardAllowed(tokens, a, s))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
