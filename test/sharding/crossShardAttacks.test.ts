import { bytesToHex, type Ed25519KeyPair, sha256 } from "@vshard/crypto";
import type { NetworkNode } from "@vshard/node";
import {
  addressFromPublicKey,
  homeShard,
  parseWorkerChainSchema,
  type ReceivePayload,
  type ShardRef,
  type SignedTx,
  signTx,
  TxKind,
  txHash,
} from "@vshard/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimNetworkRun, startSimNetwork } from "../helpers/simNetwork.ts";
import { testKey } from "../helpers/testNetwork.ts";
import { deliverReceipts, getJson, outboxEntries, postTx } from "./crossShardFixtures.ts";
import { httpTestNetwork, signedFor, smallGpuRental } from "./fixtures.ts";

/** GPU-rental with three bft shards. */
function threeShardGpuRental(): Record<string, unknown> {
  return { ...smallGpuRental(), shards: [0, 1, 2].map(() => ({ consensus: { plugin: "bft", params: {} } })) };
}

describe("attacks on cross-shard transfers are refused, with the supply unchanged", () => {
  let run: SimNetworkRun;
  let node: NetworkNode;
  let url: string;
  const gpu = parseWorkerChainSchema(threeShardGpuRental());
  const attacker = testKey("attacker-relay", 0);
  const relaySeed = sha256(new TextEncoder().encode("honest relay"));

  beforeAll(async () => {
    run = await startSimNetwork(httpTestNetwork(31, [threeShardGpuRental()], { clients: 8 }));
    node = run.cluster.node(0);
    url = node.url();
    const ready = () => [0, 1, 2].every((s) => (node.runtime(1, s)?.chain.finalizedHeight() ?? 0) >= 2);
    expect(await run.runUntil(ready, 60_000)).toBe(true);
  }, 180_000);
  afterAll(async () => run?.close());

  const address = (k: Ed25519KeyPair) => addressFromPublicKey(k.publicKey);
  const homeOf = (k: Ed25519KeyPair) => homeShard(gpu, address(k)) as number;
  const supply = async () => (await getJson(`${url}/v1/supply`)).json;
  /** What must not move: the supply, and balances + receipts in flight. */
  const invariant = async () => {
    const s = await supply();
    expect(s.balanced).toBe(true);
    return { supply: s.supply, total: BigInt(s.balances as string) + BigInt(s.inFlight as string) };
  };
  const receive = (payload: ReceivePayload, at: ShardRef, keys = attacker): SignedTx =>
    signTx(
      { ...at, kind: TxKind.Receive, sender: keys.publicKey, nonce: 0, fee: 0n, payload },
      keys.secretKey,
    );

  /** Sends a cross transfer and runs the network until its source block is anchored (not delivered). */
  async function anchoredTransfer(from: Ed25519KeyPair, to: Ed25519KeyPair, amount: bigint) {
    const source = { chainId: 1, shard: homeOf(from) };
    const destination = { chainId: 1, shard: homeOf(to) };
    const stx = await signedFor(node, from, {
      ...source,
      kind: TxKind.CrossTransfer,
      fee: 1n,
      payload: { to: address(to), destination, amount },
    });
    const posted = await postTx(url, stx);
    expect(posted.status).toBe(202);
    for (let i = 0; i < 200; i++) {
      const id = bytesToHex(txHash(stx.tx));
      const entry = (await outboxEntries(url, source)).find((e) => bytesToHex(e.receipt.id) === id);
      if (entry?.deliverTo) return { ...entry, source, destination };
      await run.runUntil(() => false, 200);
    }
    throw new Error("the transfer's block was not anchored");
  }

  it("refuses a replayed receipt, a forged proof, an unanchored or unknown source block and the wrong shard", async () => {
    const from = run.clients.find((k) => homeOf(k) === 0) as Ed25519KeyPair;
    const to = run.clients.find((k) => homeOf(k) === 1) as Ed25519KeyPair;
    const entry = await anchoredTransfer(from, to, 500n);
    const before = await invariant();
    const payload: ReceivePayload = {
      receipt: entry.receipt,
      sourceHeight: entry.height,
      proof: entry.proof,
    };
    const expectRefused = async (stx: SignedTx, code: string) => {
      const res = await postTx(url, stx);
      expect([res.status, res.json.code], JSON.stringify(res.json)).toEqual([422, code]);
    };
    // A forged receipt (amount raised) with the real proof, and the real receipt with a tampered proof.
    await expectRefused(
      receive({ ...payload, receipt: { ...entry.receipt, amount: 500_000n } }, entry.destination),
      "TX_ERROR_BAD_RECEIPT_PROOF",
    );
    await expectRefused(
      receive(
        { ...payload, proof: { ...entry.proof, leafCount: entry.proof.leafCount + 1 } },
        entry.destination,
      ),
      "TX_ERROR_BAD_RECEIPT_PROOF",
    );
    // A source block that does not exist (or is not anchored yet).
    await expectRefused(
      receive({ ...payload, sourceHeight: 1_000_000 }, entry.destination),
      "TX_ERROR_RECEIPT_NOT_ANCHORED",
    );
    // Delivered to a shard that is not its destination.
    await expectRefused(receive(payload, { chainId: 1, shard: 2 }), "TX_ERROR_RECEIPT_ROUTE");
    expect(await invariant()).toEqual(before);
    // The honest delivery credits once; a replay by anyone is refused.
    const balance = async () =>
      (await node.runtime(1, homeOf(to))?.chain.getAccounts([address(to)]))?.[0].balance ?? 0n;
    const start = await balance();
    await deliverReceipts(url, relaySeed);
    expect(await run.runUntil(() => false, 1500)).toBe(false);
    expect(await balance()).toBe(start + 500n);
    await expectRefused(receive(payload, entry.destination), "TX_ERROR_RECEIPT_SPENT");
    await run.runUntil(() => false, 1000);
    expect(await balance()).toBe(start + 500n);
    expect((await invariant()).supply).toEqual(before.supply);
  }, 120_000);

  it("debits only once when the same funds are sent to two shards at once", async () => {
    const rich = run.clients.find((k) => homeOf(k) === 0) as Ed25519KeyPair;
    const poor = testKey(
      "double-spender",
      [...Array(64).keys()].find(
        (i) => homeShard(gpu, address(testKey("double-spender", i))) === 0,
      ) as number,
    );
    // Fund a fresh account on shard 0 with exactly 101: enough for one transfer of 100 (fee 1), not two.
    const fund = await signedFor(node, rich, {
      chainId: 1,
      shard: 0,
      kind: TxKind.Transfer,
      fee: 1n,
      payload: { to: address(poor), amount: 101n },
    });
    expect((await postTx(url, fund)).status).toBe(202);
    expect(await run.runUntil(() => false, 1500)).toBe(false);
    const before = await invariant();
    const recipient = (shard: number) =>
      address(run.clients.find((k) => homeOf(k) === shard) as Ed25519KeyPair);
    const received = () =>
      Promise.all(
        [1, 2].map(
          async (s) => (await node.runtime(1, s)?.chain.getAccounts([recipient(s)]))?.[0].balance ?? 0n,
        ),
      );
    const start = await received();
    const spend = (shard: number, nonce: number) =>
      signTx(
        {
          chainId: 1,
          shard: 0,
          kind: TxKind.CrossTransfer,
          sender: poor.publicKey,
          nonce,
          fee: 1n,
          payload: { to: recipient(shard), destination: { chainId: 1, shard }, amount: 100n },
        },
        poor.secretKey,
      );
    // Same nonce to two shards, and the next nonce to one of them: the 101 pay for one only.
    const results = await Promise.all([
      postTx(url, spend(1, 0)),
      postTx(url, spend(2, 0)),
      postTx(url, spend(2, 1)),
    ]);
    expect(
      results.filter((r) => r.status === 202),
      JSON.stringify(results),
    ).toHaveLength(1);
    for (let i = 0; i < 20; i++) {
      await deliverReceipts(url, relaySeed);
      await run.runUntil(() => false, 500);
    }
    const [poorLeft] = (await node.runtime(1, 0)?.chain.getAccounts([address(poor)])) ?? [];
    expect(poorLeft.balance).toBe(0n);
    const end = await received();
    expect(end[0] - start[0] + (end[1] - start[1])).toBe(100n);
    const after = await invariant();
    expect(after).toEqual(before);
    expect((await supply()).inFlight).toBe("0");
  }, 120_000);
});
