import { bytesToHex, generateEd25519KeyPair } from "@vshard/crypto";
import { encodeSignedTx, signTx, TxKind } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { prepareTx } from "../../src/chain/prepareTx.ts";
import { defaultMempoolOptions, Mempool, MempoolError, mempoolEntryOf } from "../../src/mempool/index.ts";
import { entry, id, ids, nonces, options, rejection, rich } from "./mempoolFixtures.ts";

describe("Mempool admission", () => {
  it("derives entries from signed txs and tracks size and bytes", () => {
    const keys = generateEd25519KeyPair();
    const stx = signTx(
      {
        chainId: 1,
        shard: 0,
        kind: TxKind.Transfer,
        sender: keys.publicKey,
        nonce: 0,
        fee: 5n,
        payload: { to: new Uint8Array(20), amount: 70n },
      },
      keys.secretKey,
    );
    const e = mempoolEntryOf(prepareTx(stx));
    expect(e.cost).toBe(75n);
    const base = { chainId: 1, shard: 0, sender: keys.publicKey, nonce: 0, fee: 5n };
    const stake = signTx({ ...base, kind: TxKind.Stake, payload: { amount: 30n } }, keys.secretKey);
    expect(mempoolEntryOf(prepareTx(stake)).cost).toBe(35n);
    const vote = signTx({ ...base, kind: TxKind.Vote, payload: { candidates: [] } }, keys.secretKey);
    expect(mempoolEntryOf(prepareTx(vote)).cost).toBe(5n);
    expect(e.size).toBe(encodeSignedTx(stx).length);
    expect(e.hashHex).toBe(bytesToHex(e.hash));
    const pool = new Mempool(options());
    expect(pool.add(e, rich())).toEqual({ evicted: [] });
    expect(pool.has(e.hashHex)).toBe(true);
    expect(pool.get(e.hashHex)).toBe(e);
    expect(pool.size()).toBe(1);
    expect(pool.bytes()).toBe(e.size);
    expect(pool.pendingOf(e.senderHex)).toEqual([e]);
    expect(pool.remove(e.hashHex)).toBe(true);
    expect(pool.remove(e.hashHex)).toBe(false);
    expect([pool.size(), pool.bytes()]).toEqual([0, 0]);
  });

  it("refuses a duplicate", () => {
    const pool = new Mempool(options());
    const e = entry(1, 0, 10);
    pool.add(e, rich());
    const err = rejection(() => pool.add(e, rich()));
    expect(err.code).toBe("MEMPOOL_ERROR_DUPLICATE");
    expect(err.message).toBe(`tx ${e.hashHex} is already in the mempool`);
    expect(err.type).toMatchObject({ hashHex: e.hashHex, senderHex: e.senderHex, nonce: 0 });
  });

  it("refuses a used nonce and a nonce too far ahead", () => {
    const pool = new Mempool(options({ maxNonceGap: 3 }));
    const low = rejection(() => pool.add(entry(1, 4, 10), rich(5)));
    expect(low.code).toBe("MEMPOOL_ERROR_NONCE_TOO_LOW");
    expect(low.message).toBe("nonce 4 is below the sender's next nonce 5");
    pool.add(entry(1, 8, 10), rich(5));
    const gap = rejection(() => pool.add(entry(1, 9, 10), rich(5)));
    expect(gap.code).toBe("MEMPOOL_ERROR_NONCE_GAP");
    expect(gap.message).toBe(
      "nonce 9 is too far ahead of the sender's next nonce 5 (at most 3 ahead: nonce 8)",
    );
  });

  it("refuses a tx the balance cannot pay with the sender's lower nonces", () => {
    const pool = new Mempool(options());
    const account = { balance: 100n, nonce: 0 };
    pool.add(entry(1, 0, 10, { amount: 50n }), account); // cost 60
    const err = rejection(() => pool.add(entry(1, 1, 10, { amount: 40n }), account)); // cost 50
    expect(err.code).toBe("MEMPOOL_ERROR_INSUFFICIENT_BALANCE");
    expect(err.message).toBe(
      "balance 100 cannot pay 110: cost 50 of this tx plus 60 for the sender's 1 pending txs with lower nonces",
    );
    const alone = rejection(() => pool.add(entry(2, 0, 1, { amount: 100n }), account));
    expect(alone.message).toBe(
      "balance 100 cannot pay 101: cost 101 of this tx plus 0 for the sender's 0 pending txs with lower nonces",
    );
    pool.add(entry(1, 1, 10, { amount: 30n }), account); // 60 + 40 = 100: exactly payable
    expect(pool.size()).toBe(2);
  });

  it("drops higher nonces that a gap-filling tx leaves unpayable", () => {
    const pool = new Mempool(options());
    const account = { balance: 100n, nonce: 0 };
    const n1 = entry(1, 1, 10, { amount: 20n }); // 30
    const n2 = entry(1, 2, 10, { amount: 20n }); // 30
    pool.add(n1, account);
    pool.add(n2, account);
    const result = pool.add(entry(1, 0, 10, { amount: 50n }), account); // 60: 60 + 30 fits, + 30 does not
    expect(result.evicted).toEqual([n2]);
    expect(nonces(pool.pendingOf(n1.senderHex))).toEqual([0, 1]);
  });

  it("replaces a pending tx only with the required fee bump", () => {
    const pool = new Mempool(options({ replaceFeeBumpPercent: 10 }));
    const first = entry(1, 0, 100);
    pool.add(first, rich());
    const err = rejection(() => pool.add(entry(1, 0, 109), rich()));
    expect(err.code).toBe("MEMPOOL_ERROR_REPLACEMENT_UNDERPRICED");
    expect(err.message).toBe(
      "fee 109 does not replace the pending tx with nonce 0 and fee 100: a replacement must pay at least 110 (+10%)",
    );
    const second = entry(1, 0, 110, { size: first.size + 7 });
    expect(pool.add(second, rich())).toEqual({ replaced: first, evicted: [] });
    expect(pool.has(first.hashHex)).toBe(false);
    expect(pool.pendingOf(second.senderHex)).toEqual([second]);
    expect([pool.size(), pool.bytes()]).toEqual([1, second.size]);
  });

  it("refuses a sender over its limit, unless the tx fills in below its highest nonce", () => {
    const pool = new Mempool(options({ maxPerSender: 3 }));
    for (const n of [0, 1, 2]) pool.add(entry(1, n, 10), rich());
    const err = rejection(() => pool.add(entry(1, 3, 50), rich()));
    expect(err.code).toBe("MEMPOOL_ERROR_SENDER_FULL");
    expect(err.message).toBe(
      "the sender already has 3 pending txs (the limit is 3), all with nonces below 3",
    );
    // Nonces 1..3 waiting for 0: the missing nonce takes the place of the highest.
    const gappy = new Mempool(options({ maxPerSender: 3 }));
    const held = [1, 2, 3].map((n) => entry(2, n, 10));
    for (const e of held) gappy.add(e, rich());
    expect(gappy.add(entry(2, 0, 10), rich()).evicted).toEqual([held[2]]);
    expect(nonces(gappy.pendingOf(held[0].senderHex))).toEqual([0, 1, 2]);
  });

  it("drops a sender's stale txs when a newer account shows them used", () => {
    const pool = new Mempool(options());
    const old = [0, 1].map((n) => entry(1, n, 10));
    for (const e of old) pool.add(e, rich(0));
    const result = pool.add(entry(1, 2, 10), rich(2));
    expect(result.evicted).toEqual(old);
    expect(nonces(pool.pendingOf(old[0].senderHex))).toEqual([2]);
  });
});

describe("Mempool capacity", () => {
  it("evicts the highest nonce of the sender whose highest nonce pays least, only for a better fee", () => {
    const pool = new Mempool(options({ maxTxs: 3 }));
    const a0 = entry(1, 0, 1);
    const a1 = entry(1, 1, 50);
    const b0 = entry(2, 0, 10);
    for (const e of [a0, a1, b0]) pool.add(e, rich());
    // a0 pays least, but evicting it would strand a1: the victim is b0, the cheapest highest-nonce tx.
    const c0 = entry(3, 0, 20);
    expect(pool.add(c0, rich()).evicted).toEqual([b0]);
    const err = rejection(() => pool.add(entry(4, 0, 20), rich()));
    expect(err.code).toBe("MEMPOOL_ERROR_FULL");
    expect(err.message).toBe(
      "mempool full (3 of 3 txs, " +
        `${pool.bytes()} of 1000000 bytes): fee 20 is not above the cheapest evictable fee 20`,
    );
    expect(ids(pool.pendingOf(a0.senderHex).concat(pool.pendingOf(c0.senderHex)))).toEqual([
      id(1, 0),
      id(1, 1),
      id(3, 0),
    ]);
  });

  it("never evicts a sender's lower nonce to admit its higher one", () => {
    const pool = new Mempool(options({ maxTxs: 2 }));
    const a0 = entry(1, 0, 1);
    const b0 = entry(2, 0, 10);
    pool.add(a0, rich());
    pool.add(b0, rich());
    // After a1 (fee 100) joins, sender 1's highest tx pays 100: the cheapest highest-nonce tx is b0.
    expect(pool.add(entry(1, 1, 100), rich()).evicted).toEqual([b0]);
    expect(nonces(pool.pendingOf(a0.senderHex))).toEqual([0, 1]);
    // A tx that would itself be the cheapest highest-nonce tx is refused, naming the cheapest other.
    const err = rejection(() => pool.add(entry(1, 2, 5), rich()));
    expect(err.code).toBe("MEMPOOL_ERROR_FULL");
    expect(err.message).toContain("fee 5 is not above the fee of any tx it could evict");
    const other = new Mempool(options({ maxTxs: 2 }));
    other.add(entry(1, 0, 10), rich());
    other.add(entry(2, 0, 20), rich());
    // Sender 1's nonce 0 (fee 10) is below the new tx, so the cheapest tx it could evict is sender 2's (fee 20).
    expect(rejection(() => other.add(entry(1, 1, 5), rich())).message).toContain(
      "fee 5 is not above the cheapest evictable fee 20",
    );
    expect(other.size()).toBe(2);
  });

  it("evicts by bytes, several txs if needed, and undoes everything when it cannot make room", () => {
    const pool = new Mempool(options({ maxBytes: 1000 }));
    const small = [
      entry(1, 0, 5, { size: 300 }),
      entry(2, 0, 6, { size: 300 }),
      entry(3, 0, 50, { size: 300 }),
    ];
    for (const e of small) pool.add(e, rich());
    const big = entry(4, 0, 10, { size: 500 });
    // 900 + 500 > 1000: evict fee 5, then 600 + 500 > 1000: evict fee 6.
    expect(pool.add(big, rich()).evicted).toEqual([small[0], small[1]]);
    expect([pool.size(), pool.bytes()]).toEqual([2, 800]);
    const huge = entry(5, 0, 20, { size: 800 }); // would need to evict fee 10 and fee 50: refused, nothing lost
    const err = rejection(() => pool.add(huge, rich()));
    expect(err.code).toBe("MEMPOOL_ERROR_FULL");
    expect(err.message).toBe(
      "mempool full (2 of 1000 txs, 800 of 1000 bytes): fee 20 is not above the cheapest evictable fee 50",
    );
    expect([pool.size(), pool.bytes(), pool.has(big.hashHex), pool.has(small[2].hashHex)]).toEqual([
      2,
      800,
      true,
      true,
    ]);
    const tooBig = rejection(() => pool.add(entry(6, 0, 1000, { size: 1001 }), rich()));
    expect(tooBig.message).toBe("tx of 1001 bytes cannot fit in a mempool of 1000 bytes");
  });

  it("restores a replaced tx when the replacement cannot make room", () => {
    const pool = new Mempool(options({ maxBytes: 600 }));
    const a = entry(1, 0, 100, { size: 300 });
    const b = entry(2, 0, 500, { size: 300 });
    pool.add(a, rich());
    pool.add(b, rich());
    expect(() => pool.add(entry(1, 0, 200, { size: 400 }), rich())).toThrow(MempoolError);
    expect(pool.pendingOf(a.senderHex)).toEqual([a]);
    expect([pool.size(), pool.bytes()]).toEqual([2, 600]);
  });

  it("checks its options", () => {
    expect(() => new Mempool({ ...defaultMempoolOptions, maxTxs: 0 })).toThrow(RangeError);
    expect(() => new Mempool({ ...defaultMempoolOptions, maxNonceGap: -1 })).toThrow(RangeError);
    expect(new Mempool(defaultMempoolOptions).size()).toBe(0);
  });
});
