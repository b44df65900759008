import { describe, expect, it } from "vitest";
import { Mempool, RECEIVE_PRIORITY } from "../../src/mempool/index.ts";
import { entry, options, rich } from "./mempoolFixtures.ts";

/** A receive-like entry: priority above every fee, fee 0, in its own sender slot. */
const receiveEntry = (slot: number) => ({ ...entry(100 + slot, 0, 0), priority: RECEIVE_PRIORITY });

describe("mempool priority (receives)", () => {
  it("selects priority entries before any fee, then by fee", () => {
    const pool = new Mempool(options());
    pool.add(entry(1, 0, 50), rich());
    pool.add(receiveEntry(1), rich());
    pool.add(entry(2, 0, 90), rich());
    const picked = pool.selectForBlock({ maxTxs: 10, maxBytes: 1_000_000 }, () => 0);
    expect(picked.map((e) => [e.priority ?? 0, e.fee])).toEqual([
      [1, 0n],
      [0, 90n],
      [0, 50n],
    ]);
  });

  it("a full pool evicts the cheapest paying tx for a receive, never a receive for a paying tx", () => {
    const pool = new Mempool(options({ maxTxs: 2 }));
    pool.add(entry(1, 0, 5), rich());
    pool.add(entry(2, 0, 9), rich());
    const { evicted } = pool.add(receiveEntry(1), rich());
    expect(evicted.map((e) => e.fee)).toEqual([5n]);
    pool.add(receiveEntry(2), rich());
    expect(pool.size()).toBe(2);
    expect(() => pool.add(entry(3, 0, 1_000), rich())).toThrow(/mempool full/);
  });
});
