import { SeededRandom } from "@vshard/crypto";
import { addressFromPublicKey, addressHashShard, decodeSignedTx, type Tx, TxKind } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { createWorkload, ShardGroups, TransferWorkload } from "../src/index.ts";
import { thrown } from "./benchOptionsFixture.ts";

const base = { accounts: 120, seed: 9, chainId: 1, shard: 0, zipf: 0 };
const home = (address: Uint8Array, shards: number) => addressHashShard(address, shards);

/** Each ready tx decoded, with the shard and destination shard the ready tx carries. */
function decoded(w: TransferWorkload, n: number) {
  return w.nextTxs(n).map((r) => ({ tx: decodeSignedTx(r.bytes).tx, ready: r }));
}

describe("the transfer workload with cross-shard transfers", () => {
  it("ratio 0 sends no cross transfer and draws exactly the stream of a workload without the option", () => {
    const w = new TransferWorkload({ ...base, shards: 3, crossShard: 0 });
    const txs = decoded(w, 400);
    expect(
      txs.every(({ tx, ready }) => tx.kind === TxKind.Transfer && ready.destinationShard === undefined),
    ).toBe(true);
    expect(w.crossShardRatio).toBe(0);
    expect(w.signatureChecksPerTx).toBe(1);
    expect(new TransferWorkload({ ...base, shards: 3 }).nextTxs(400)).toEqual(
      new TransferWorkload({ ...base, shards: 3, crossShard: 0 }).nextTxs(400),
    );
  });

  it("ratio 0.5: about half cross, each from the sender's home shard to the recipient's home, another shard", () => {
    for (const zipf of [0, 1.1]) {
      const shards = 4;
      const txs = decoded(new TransferWorkload({ ...base, zipf, shards, crossShard: 0.5 }), 2000);
      const cross = txs.filter(({ tx }) => tx.kind === TxKind.CrossTransfer);
      // Binomial(2000, 0.5): sd ≈ 22, so ±120 is more than 5 sd.
      expect(cross.length).toBeGreaterThan(880);
      expect(cross.length).toBeLessThan(1120);
      for (const { tx, ready } of txs) {
        const from = home(addressFromPublicKey(tx.sender), shards);
        expect(tx.shard).toBe(from);
        expect(ready.shard).toBe(from);
        expect(tx.fee).toBe(1n);
        if (tx.kind !== TxKind.CrossTransfer) {
          expect(ready.destinationShard).toBeUndefined();
          continue;
        }
        const p = tx.payload as Extract<Tx, { kind: TxKind.CrossTransfer }>["payload"];
        expect(p.amount).toBe(1n);
        expect(p.destination.chainId).toBe(1);
        expect(p.destination.shard).not.toBe(from);
        expect(p.destination.shard).toBe(home(p.to, shards));
        expect(ready.destinationShard).toBe(p.destination.shard);
      }
      // Every other shard is a destination from every shard.
      const routes = new Set(
        cross.map(
          ({ tx }) => `${tx.shard}>${(tx.payload as { destination: { shard: number } }).destination.shard}`,
        ),
      );
      expect(routes.size).toBe(shards * (shards - 1));
    }
  });

  it("is deterministic for a seed (another seed gives another stream)", () => {
    const make = (seed: number) => new TransferWorkload({ ...base, seed, shards: 2, crossShard: 0.5 });
    const a = make(9).nextTxs(300);
    expect(make(9).nextTxs(300)).toEqual(a);
    expect(
      make(10)
        .nextTxs(300)
        .map((r) => r.hashHex),
    ).not.toEqual(a.map((r) => r.hashHex));
  });

  it("counts the relay's receive in the signature checks of the crossing share", () => {
    expect(new TransferWorkload({ ...base, shards: 2, crossShard: 0.25 }).signatureChecksPerTx).toBe(1.25);
    expect(
      new TransferWorkload({ ...base, shards: 2, crossShard: 1 })
        .nextTxs(50)
        .every((r) => r.destinationShard !== undefined),
    ).toBe(true);
  });

  it("refuses a ratio outside 0..1, one above 0 on fewer than 2 shards, and cross-shard for other workloads", () => {
    for (const crossShard of [-0.1, 1.5, Number.NaN])
      expect(thrown(() => new TransferWorkload({ ...base, shards: 2, crossShard })).message).toMatch(
        /^the cross-shard ratio must be in 0\.\.1, got /,
      );
    const one = thrown(() => new TransferWorkload({ ...base, shards: 1, crossShard: 0.5 }));
    expect(one.type).toEqual({ code: "BENCH_ERROR_INVALID_INPUT", field: "crossShard" });
    expect(one.message).toBe("cross-shard transfers need a chain of 2 or more shards, got 1");
    expect(thrown(() => new TransferWorkload({ ...base, crossShard: 0.5 })).message).toContain("got 1");
    expect(
      thrown(() => createWorkload("smallbank", { ...base, shards: 2, hotspot: 0, crossShard: 0.5 })).message,
    ).toBe("--cross-shard applies to the transfer workload, not smallbank");
  });
});

describe("ShardGroups.otherShardMember", () => {
  const list = (
    new TransferWorkload({ ...base, accounts: 40 }) as unknown as { accounts: { addresses: Uint8Array[] } }
  ).accounts.addresses;

  it("draws an account of another shard, every other shard in turn", () => {
    const groups = new ShardGroups(list, 3, 2);
    const rng = new SeededRandom(3);
    for (let i = 0; i < list.length; i++) {
      const seen = new Set<number>();
      for (let k = 0; k < 40; k++) {
        const other = groups.otherShardMember(rng, i);
        expect(groups.shardOf[other]).not.toBe(groups.shardOf[i]);
        seen.add(groups.shardOf[other]);
      }
      expect(seen.size).toBe(2);
    }
  });

  it("refuses with one shard", () => {
    const err = thrown(() => new ShardGroups(list, 1, 2).otherShardMember(new SeededRandom(1), 0));
    expect(err.type).toEqual({ code: "BENCH_ERROR_INVALID_INPUT", field: "shards" });
  });
});
