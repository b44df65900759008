import { describe, expect, it } from "vitest";
import { Mempool } from "../../src/mempool/index.ts";
import { entry, id, ids, nonceTable, options, rich, senderHexOf } from "./mempoolFixtures.ts";

describe("Mempool block selection", () => {
  it("takes runs from each sender's account nonce and stops at gaps", () => {
    const pool = new Mempool(options());
    for (const n of [3, 4, 6]) pool.add(entry(1, n, 10), rich(3));
    for (const n of [0, 1]) pool.add(entry(2, n, 10), rich(0));
    pool.add(entry(3, 1, 99), rich(0)); // nonce 0 missing: nothing executable
    const picked = pool.selectForBlock({ maxTxs: 100, maxBytes: 1e9 }, nonceTable({ 1: 3, 2: 0, 3: 0 }));
    expect(ids(picked).sort()).toEqual([id(1, 3), id(1, 4), id(2, 0), id(2, 1)].sort());
    expect(pool.size()).toBe(6); // selection removes nothing
    // Runs start at the nonce the caller says is committed, skipping stale entries.
    expect(
      ids(pool.selectForBlock({ maxTxs: 100, maxBytes: 1e9 }, nonceTable({ 1: 4, 2: 1, 3: 1 }))),
    ).toEqual([id(3, 1), id(1, 4), id(2, 1)]);
  });

  it("interleaves senders by next fee, then arrival, within the limits", () => {
    const pool = new Mempool(options());
    pool.add(entry(1, 0, 5), rich());
    pool.add(entry(1, 1, 50), rich());
    pool.add(entry(2, 0, 20), rich());
    pool.add(entry(3, 0, 20), rich());
    pool.add(entry(3, 1, 1), rich());
    const all = pool.selectForBlock({ maxTxs: 100, maxBytes: 1e9 }, () => 0);
    expect(ids(all)).toEqual([id(2, 0), id(3, 0), id(1, 0), id(1, 1), id(3, 1)]);
    expect(ids(pool.selectForBlock({ maxTxs: 2, maxBytes: 1e9 }, () => 0))).toEqual([id(2, 0), id(3, 0)]);
    const size = all[0].size;
    expect(pool.selectForBlock({ maxTxs: 100, maxBytes: 3 * size }, () => 0)).toHaveLength(3);
    expect(pool.selectForBlock({ maxTxs: 0, maxBytes: 1e9 }, () => 0)).toEqual([]);
  });

  it("ends a run at a tx that does not fit while smaller txs of others still do", () => {
    const pool = new Mempool(options());
    pool.add(entry(1, 0, 100, { size: 100 }), rich());
    pool.add(entry(1, 1, 100, { size: 500 }), rich());
    pool.add(entry(1, 2, 100, { size: 100 }), rich());
    pool.add(entry(2, 0, 1, { size: 100 }), rich());
    expect(ids(pool.selectForBlock({ maxTxs: 10, maxBytes: 300 }, () => 0))).toEqual([id(1, 0), id(2, 0)]);
  });

  it("stops a run where a removed tx left a gap", () => {
    const pool = new Mempool(options());
    const es = [0, 1, 2].map((n) => entry(1, n, 10));
    for (const e of es) pool.add(e, rich());
    pool.remove(es[1].hashHex);
    expect(pool.selectForBlock({ maxTxs: 10, maxBytes: 1e9 }, () => 0)).toEqual([es[0]]);
  });
});

describe("Mempool after a block", () => {
  it("drops included, stale and unpayable txs of the affected senders only", () => {
    const pool = new Mempool(options());
    const a = [0, 1, 2, 3].map((n) => entry(1, n, 10, { amount: 10n })); // 20 each
    const b = [0, 1].map((n) => entry(2, n, 10));
    const c = entry(3, 0, 10);
    for (const e of a) pool.add(e, { balance: 100n, nonce: 0 });
    for (const e of b) pool.add(e, rich());
    pool.add(c, rich());
    // The block included a0 and b0; sender 1 also used nonce 1 elsewhere and now has 35 left: pays a2 only.
    const removed = pool.onBlockCommitted(
      [a[0].hashHex, b[0].hashHex, "00".repeat(32)],
      new Map([
        [a[0].senderHex, { balance: 35n, nonce: 2 }],
        [b[0].senderHex, { balance: 1000n, nonce: 1 }],
      ]),
    );
    expect(ids(removed)).toEqual([id(1, 0), id(2, 0), id(1, 1), id(1, 3)]);
    expect(pool.pendingOf(a[0].senderHex)).toEqual([a[2]]);
    expect(pool.pendingOf(b[0].senderHex)).toEqual([b[1]]);
    expect(pool.pendingOf(c.senderHex)).toEqual([c]);
    expect(pool.size()).toBe(3);
    expect(pool.bytes()).toBe(a[2].size + b[1].size + c.size);
    expect(pool.pendingOf(senderHexOf(9))).toEqual([]);
  });
});
