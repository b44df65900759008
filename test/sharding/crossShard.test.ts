import { bytesToHex, type Ed25519KeyPair, sha256 } from "@vshard/crypto";
import { mempoolEntryOf, prepareTx } from "@vshard/engine";
import { type NetworkNode, signedTxToJson } from "@vshard/node";
import {
  addressFromPublicKey,
  homeShard,
  parseWorkerChainSchema,
  type ShardRef,
  TxKind,
  txHash,
} from "@vshard/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimNetworkRun, startSimNetwork } from "../helpers/simNetwork.ts";
import { deliverReceipts, getJson, postTx } from "./crossShardFixtures.ts";
import { exampleSchema, httpTestNetwork, signedFor, smallGpuRental } from "./fixtures.ts";

/** token-ledger (explicit-suffix: one owner may hold sub-accounts in both shards), two bft shards at 200 ms. */
function smallTokenLedger(): Record<string, unknown> {
  return {
    ...exampleSchema("token-ledger.json"),
    shards: [{ consensus: { plugin: "bft", params: {} } }, { consensus: { plugin: "bft", params: {} } }],
    limits: { maxBlockTxs: 500, maxBlockBytes: 1048576, targetBlockIntervalMs: 200 },
    fees: { minFee: "1", perByte: "0" },
  };
}

describe("cross-shard and cross-chain transfers on a simulated network, over HTTP", () => {
  let run: SimNetworkRun;
  let node: NetworkNode;
  let url: string;
  const gpu = parseWorkerChainSchema(smallGpuRental());
  const relayKey = { publicKey: new Uint8Array(32), secretKey: sha256(new TextEncoder().encode("relay")) };

  beforeAll(async () => {
    run = await startSimNetwork(httpTestNetwork(21, [smallGpuRental(), smallTokenLedger()], { clients: 16 }));
    node = run.cluster.node(0);
    url = node.url();
    const ready = () =>
      [node.runtime(1, 0), node.runtime(1, 1), node.runtime(2, 0), node.runtime(2, 1)].every(
        (r) => (r?.chain.finalizedHeight() ?? 0) >= 2,
      );
    expect(await run.runUntil(ready, 60_000)).toBe(true);
  }, 180_000);
  afterAll(async () => run?.close());

  const address = (k: Ed25519KeyPair) => addressFromPublicKey(k.publicKey);
  const homeOf = (k: Ed25519KeyPair) => homeShard(gpu, address(k)) as number;

  async function send(
    from: Ed25519KeyPair,
    source: ShardRef,
    to: Uint8Array,
    destination: ShardRef,
    amount: bigint,
  ) {
    const stx = await signedFor(node, from, {
      ...source,
      kind: TxKind.CrossTransfer,
      fee: 1n,
      payload: { to, destination, amount },
    });
    const res = await fetch(`${url}/v1/txs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(signedTxToJson(stx)),
    });
    const body = (await res.json()) as { hash: string };
    expect(res.status, JSON.stringify(body)).toBe(202);
    return body.hash;
  }

  async function balanceAt(ref: ShardRef, who: Uint8Array): Promise<bigint> {
    const [account] = (await node.runtime(ref.chainId, ref.shard)?.chain.getAccounts([who])) ?? [];
    return account?.balance ?? 0n;
  }

  /** Runs the network and a relay pass every 300 ms of virtual time until every transfer is credited or refunded. */
  async function settle(hashes: string[]): Promise<Array<Record<string, unknown>>> {
    let views: Array<{ status: number; json: Record<string, unknown> }> = [];
    for (let round = 0; round < 400; round++) {
      await deliverReceipts(url, relayKey.secretKey);
      views = await Promise.all(hashes.map((h) => getJson(`${url}/v1/transfers/${h}`)));
      if (views.every((v) => v.status === 200 && ["credited", "refunded"].includes(v.json.status as string)))
        return views.map((v) => v.json);
      await run.runUntil(() => false, 300);
    }
    throw new Error(`transfers did not settle: ${JSON.stringify(views)}`);
  }

  it("completes all four kinds, with their stages, and the supply audit balances", async () => {
    const [a, b] = run.clients.filter((k) => homeOf(k) === 0);
    const c = run.clients.find((k) => homeOf(k) === 1) as Ed25519KeyPair;
    const before = {
      subAccount: await balanceAt({ chainId: 2, shard: 1 }, address(a)),
      owner: await balanceAt({ chainId: 1, shard: 1 }, address(c)),
      chain: await balanceAt({ chainId: 2, shard: 0 }, address(b)),
      main: await balanceAt({ chainId: 1, shard: 0 }, address(b)),
    };
    const hashes = [
      // sub-accounts of one owner: token-ledger shard 0 → shard 1
      await send(a, { chainId: 2, shard: 0 }, address(a), { chainId: 2, shard: 1 }, 11n),
      // owners on different shards of gpu-rental
      await send(a, { chainId: 1, shard: 0 }, address(c), { chainId: 1, shard: 1 }, 22n),
      // between worker chains: gpu-rental → token-ledger (the main chain routes it)
      await send(b, { chainId: 1, shard: 0 }, address(b), { chainId: 2, shard: 0 }, 33n),
      // main chain → worker chain
      await send(b, { chainId: 0, shard: 0 }, address(b), { chainId: 1, shard: 0 }, 44n),
    ];
    const views = await settle(hashes);
    for (const v of views) expect(v.status).toBe("credited");
    const stageNames = views.map((v) => (v.stages as Array<{ stage: string }>).map((s) => s.stage));
    expect(stageNames[0]).toEqual(["debited", "anchored", "relayed", "credited"]);
    expect(stageNames[2]).toEqual(["debited", "anchored", "relayed", "routed", "relayed", "credited"]);
    expect(stageNames[3]).toEqual(["debited", "relayed", "credited"]);
    expect(views[2].route).toBe("router");
    expect(await balanceAt({ chainId: 2, shard: 1 }, address(a))).toBe(before.subAccount + 11n);
    expect(await balanceAt({ chainId: 1, shard: 1 }, address(c))).toBe(before.owner + 22n);
    expect(await balanceAt({ chainId: 2, shard: 0 }, address(b))).toBe(before.chain + 33n);
    expect(await balanceAt({ chainId: 1, shard: 0 }, address(b))).toBe(before.main - 1n - 33n + 44n);
    const supply = await getJson(`${url}/v1/supply`);
    expect(supply.json).toMatchObject({ balanced: true, complete: true, inFlight: "0" });
    // Every receipt consumed: a relay's rescan of the outboxes (`pending=true`) finds nothing left to do.
    const outbox = (pending: boolean) =>
      getJson(`${url}/v1/chains/1/shards/0/outbox?from=1&limit=1000${pending ? "&pending=true" : ""}`);
    expect(((await outbox(false)).json.blocks as unknown[]).length).toBeGreaterThan(0);
    expect((await outbox(true)).json.blocks).toEqual([]);
    // The node's metrics report the completion latency (debit to credit) and its stages.
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const count = (stage: string) =>
      Number(
        new RegExp(`vshard_cross_shard_seconds_count\\{stage="${stage}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0,
      );
    expect(count("total")).toBe(4);
    expect(count("anchor")).toBe(4);
    expect(count("relay")).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/vshard_receipts_consumed_total\{chain="0\/0",use="forwarded"\} 1/);
  }, 240_000);

  it("refuses a transfer to a chain that does not exist, and refunds one that a proposer let through", async () => {
    // A client with no tx on chain 1 yet: block selection starts a sender that admission never saw at nonce 0.
    const a = run.clients.filter((k) => homeOf(k) === 0)[2];
    expect(a).toBeDefined();
    const source = { chainId: 1, shard: 0 };
    const balance = () => balanceAt(source, address(a));
    const start = await balance();
    const stx = await signedFor(node, a, {
      ...source,
      kind: TxKind.CrossTransfer,
      fee: 1n,
      payload: { to: address(a), destination: { chainId: 9, shard: 0 }, amount: 5n },
    });
    // Admission refuses an unknown destination outright.
    const res = await postTx(url, stx);
    expect([res.status, res.json.code]).toEqual([422, "TX_ERROR_UNKNOWN_SHARD"]);
    expect(await balance()).toBe(start);
    // A proposer that skips admission (here: the tx put straight into node 0's mempool) gets it into a block; the
    // main chain, as router, finds no chain 9 and sends the amount back.
    const runtime = node.runtime(1, 0);
    const [account] = (await runtime?.chain.getAccounts([address(a)])) ?? [];
    runtime?.chain.mempool.add(mempoolEntryOf(prepareTx(stx)), account);
    const [view] = await settle([bytesToHex(txHash(stx.tx))]);
    expect(view.status).toBe("refunded");
    expect((view.stages as Array<{ stage: string }>).map((s) => s.stage)).toEqual([
      "debited",
      "anchored",
      "relayed",
      "routed",
      "relayed",
      "refunded",
    ]);
    expect(await balance()).toBe(start - 1n);
    expect((await getJson(`${url}/v1/supply`)).json).toMatchObject({ balanced: true, inFlight: "0" });
  }, 240_000);
});
