import { SeededRandom } from "@vshard/crypto";
import type { ApiClient } from "@vshard/node";
import { addressFromPublicKey, addressHashShard, decodeSignedTx, type Tx, TxKind } from "@vshard/types";
import { describe, expect, it } from "vitest";
import {
  BenchError,
  NoopWorkload,
  ShardGroups,
  SmallbankWorkload,
  TransferWorkload,
  type Workload,
} from "../src/index.ts";

/** The decoded tx of each ready tx, with the shard the ready tx says it names. */
function decoded(w: Workload, n: number): Array<{ tx: Tx; shard: number | undefined }> {
  return w.nextTxs(n).map((r) => ({ tx: decodeSignedTx(r.bytes).tx, shard: r.shard }));
}
const home = (address: Uint8Array, shards: number) => addressHashShard(address, shards);
const addressFromSender = (tx: Tx) => addressFromPublicKey(tx.sender);

describe("ShardGroups", () => {
  const addresses = new TransferWorkload({
    accounts: 40,
    seed: 1,
    chainId: 1,
    shard: 0,
    zipf: 0,
  }) as unknown as {
    accounts: { addresses: Uint8Array[] };
  };
  const list = addresses.accounts.addresses;

  it("knows each account's home shard and draws partners in it, never the account itself", () => {
    const groups = new ShardGroups(list, 3, 2);
    const rng = new SeededRandom(5);
    for (const [i, a] of list.entries()) expect(groups.shardOf[i]).toBe(home(a, 3));
    for (let i = 0; i < list.length; i++)
      for (let k = 0; k < 20; k++) {
        const p = groups.partner(rng, i);
        expect(p).not.toBe(i);
        expect(groups.shardOf[p]).toBe(groups.shardOf[i]);
      }
  });

  it("falls back to another member when the sampler keeps drawing the account itself", () => {
    const groups = new ShardGroups(list, 2, 2, (n) => ({ n, sample: () => 0 }));
    const first = groups.members[0][0];
    const p = groups.partner(new SeededRandom(1), first);
    expect(p).not.toBe(first);
    expect(groups.members[0]).toContain(p);
  });

  it("refuses a split that leaves a shard short of accounts, naming the shard and the count", () => {
    let err: unknown;
    try {
      new ShardGroups(list.slice(0, 3), 8, 2);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BenchError);
    expect((err as BenchError).type).toEqual({ code: "BENCH_ERROR_INVALID_INPUT", field: "accounts" });
    expect((err as BenchError).message).toMatch(
      /^3 accounts leave shard \d of 8 with [01]; this workload needs at least 2 per shard: pass more --accounts$/,
    );
  });
});

describe("workloads on a sharded chain", () => {
  const base = { accounts: 60, seed: 4, chainId: 1, shard: 0 };

  it("transfer: each tx names its sender's home shard on the bench chain and pays a recipient of that shard", () => {
    for (const zipf of [0, 1.1]) {
      const txs = decoded(new TransferWorkload({ ...base, shards: 4, zipf }), 300);
      for (const { tx, shard } of txs) {
        expect(tx.kind).toBe(TxKind.Transfer);
        expect(tx.chainId).toBe(1);
        expect(shard).toBe(tx.shard);
        const from = home(addressFromSender(tx), 4);
        expect(tx.shard).toBe(from);
        expect(home((tx.payload as { to: Uint8Array }).to, 4)).toBe(from);
      }
      expect(new Set(txs.map((t) => t.tx.shard)).size).toBe(4);
    }
  });

  it("keeps the single-chain mode as it was: every tx on `shard`, the same seeded stream", () => {
    const plain = new TransferWorkload({ ...base, shard: 3, zipf: 0 }).nextTxs(50);
    expect(plain.every((r) => r.shard === 3 && decodeSignedTx(r.bytes).tx.shard === 3)).toBe(true);
    expect(new TransferWorkload({ ...base, shard: 3, zipf: 0 }).nextTxs(50)).toEqual(plain);
  });

  it("noop: each tx names its sender's home shard", () => {
    for (const { tx } of decoded(new NoopWorkload({ ...base, shards: 3 }), 100))
      expect(tx.shard).toBe(home(addressFromSender(tx), 3));
  });

  it("smallbank: setup and ops go to the customer's shard, the second customer lives there too", () => {
    const w = new SmallbankWorkload({ ...base, shards: 2, hotspot: 0.5 });
    const setup = w.setupTxs().map((r) => decodeSignedTx(r.bytes).tx);
    expect(setup).toHaveLength(2 * base.accounts);
    for (const tx of setup) expect(tx.shard).toBe(home(addressFromSender(tx), 2));
    let pairs = 0;
    for (const { tx } of decoded(w, 400)) {
      expect(tx.shard).toBe(home(addressFromSender(tx), 2));
      const other = (tx.payload as { other?: Uint8Array }).other;
      if (other) {
        pairs++;
        expect(home(other, 2)).toBe(tx.shard);
      }
    }
    expect(pairs).toBeGreaterThan(100);
  });

  it("smallbank: checks one shard against that shard's state, reading only its customers", async () => {
    const w = new SmallbankWorkload({ ...base, shards: 2, hotspot: 0 });
    const setup = w.setupTxs().map((r) => ({ hash: r.hashHex, tx: decodeSignedTx(r.bytes).tx }));
    const paths: string[] = [];
    // The chain as the setup left it: each customer holds 10,000 checking and 10,000 savings.
    const client = {
      request: async (_m: string, path: string) => {
        paths.push(path);
        return { checking: "10000", savings: "10000" };
      },
    } as unknown as ApiClient;
    const order = setup.filter((t) => t.tx.shard === 1).map((t) => t.hash);
    const c = await w.check(client, order, { chainId: 1, shard: 1 });
    expect(c.name).toBe("smallbank money conserved in shard 1");
    expect(c.passed, c.details).toBe(true);
    const customers = order.length / 2;
    expect(paths).toHaveLength(customers);
    expect(paths.every((p) => p.startsWith("/v1/chains/1/shards/1/smallbank/vs"))).toBe(true);
    expect(c.details).toContain(`0 of ${customers} customers differ`);
  });

  it("smallbank: a node that cannot serve the shard's state fails the check, naming the read", async () => {
    const w = new SmallbankWorkload({ ...base, shards: 2, hotspot: 0 });
    const client = {
      request: async () => {
        throw new Error("UNKNOWN: Route GET:/v1/chains/1/shards/0/smallbank/vs… not found");
      },
    } as unknown as ApiClient;
    const c = await w.check(client, [], { chainId: 1, shard: 0 });
    expect(c.passed).toBe(false);
    expect(c.details).toMatch(
      /^cannot read GET \/v1\/chains\/1\/shards\/0\/smallbank\/vs[0-9a-f]+: UNKNOWN: Route/,
    );
  });
});
