import { compareBytes } from "@vshard/crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Bucket,
  chainShardHeightKey,
  chainShardKey,
  MetaKey,
  prefixUpperBound,
  u32be,
} from "../src/index.ts";

describe("buckets", () => {
  it("keeps the on-disk bucket numbers", () => {
    expect({ ...Bucket }).toMatchObject({
      Meta: 1,
      HeaderByHash: 2,
      BodyByHash: 3,
      HashByHeight: 4,
      TxLocation: 5,
      Account: 6,
      StateNode: 7,
      OutboxByHeight: 8,
      Record: 9,
    });
    expect([MetaKey.ChainHead, MetaKey.BodyStats]).toEqual([1, 2]);
  });

  it("lays out chain shard keys as chainId (4 bytes BE) + shard (2 bytes BE) + height (8 bytes BE)", () => {
    expect([...chainShardKey(0x01020304, 0x0506)]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...chainShardHeightKey(0xffffffff, 0xffff, 258)]).toEqual([
      255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 1, 2,
    ]);
    expect([...u32be(0x0a0b0c0d)]).toEqual([10, 11, 12, 13]);
  });

  it("orders height keys like the heights (property)", () => {
    const height = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(height, height, (x, y) => {
        const cmp = Math.sign(compareBytes(chainShardHeightKey(7, 3, x), chainShardHeightKey(7, 3, y)));
        expect(cmp).toBe(Math.sign(x - y));
      }),
    );
  });

  it("prefixUpperBound is above every extension of the prefix and the least such key (property)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 6 }),
        fc.uint8Array({ maxLength: 4 }),
        (prefix, tail) => {
          const bound = prefixUpperBound(prefix);
          if (bound === null) {
            expect(prefix.every((x) => x === 0xff)).toBe(true);
            return;
          }
          expect(compareBytes(Uint8Array.from([...prefix, ...tail]), bound)).toBeLessThan(0);
          expect(compareBytes(prefix, bound)).toBeLessThan(0);
          // No key that does not start with the prefix lies between the prefix and the bound.
          const startsWithPrefix =
            bound.length <= prefix.length && bound.every((x, i) => i === bound.length - 1 || x === prefix[i]);
          expect(startsWithPrefix).toBe(true);
        },
      ),
    );
    expect(prefixUpperBound(Uint8Array.of(1, 0xff, 0xff))).toEqual(Uint8Array.of(2));
    expect(prefixUpperBound(Uint8Array.of(0xff))).toBeNull();
  });
});
