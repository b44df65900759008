import { bytesToHex } from "@vshard/crypto";
import type { ChainsJson } from "@vshard/node";
import { txHash } from "@vshard/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  heightOf,
  included,
  metricSum,
  type P2pTestNetwork,
  type P2pTestNode,
  p2pOf,
  type ShardRef,
  samplesOf,
  scrape,
  signedTransfer,
  startP2pNetwork,
  twoSoloShards,
  until,
} from "./p2pFixtures.ts";

const SERVED: ShardRef = { chainId: 1, shard: 0 };
const SKIPPED: ShardRef = { chainId: 1, shard: 1 };
const RECEIVED = "vshard_p2p_messages_received_total";

/** Messages of one chain shard's topics (`vshard/<chain>/<shard>/…`) a node's metrics say it received. */
function receivedOnShard(metrics: string, at: ShardRef): Array<{ topic: string; count: number }> {
  const prefix = `vshard/${at.chainId}/${at.shard}/`;
  return samplesOf(metrics, RECEIVED)
    .filter((s) => s.labels.topic?.startsWith(prefix))
    .map((s) => ({ topic: s.labels.topic, count: s.value }));
}

/**
 * Network sharding over libp2p: 2 archive validators and a full node serving only chain 1 shard 0. Transfers go to
 * both shards of chain 1; the full node gets shard 0's tx gossip and none of shard 1's (its transactions nor its
 * consensus messages), as its own metrics show, while the validators get both.
 */
describe("a full node over libp2p receives only the gossip of the shards it serves", () => {
  let net: P2pTestNetwork;
  let validator: P2pTestNode;
  let other: P2pTestNode;
  let full: P2pTestNode;
  const sent: Array<{ at: ShardRef; hash: string }> = [];

  beforeAll(async () => {
    net = await startP2pNetwork({
      seed: 81,
      validators: 2,
      chains: [twoSoloShards()],
      fullNodes: [{ serves: [SERVED] }],
    });
    [validator, other, full] = net.nodes;
    await until(
      "both validators run both shards and the full node its one",
      () =>
        [validator, other].every((v) => heightOf(v.node, SERVED) >= 2 && heightOf(v.node, SKIPPED) >= 2) &&
        heightOf(full.node, SERVED) >= 1,
      60_000,
    );
    // Two transfers on each shard of chain 1, through validator 0's API.
    const [a, b] = net.clients;
    for (const at of [SERVED, SKIPPED])
      for (const [from, to] of [
        [a, b],
        [b, a],
      ]) {
        const stx = await signedTransfer(validator.api, at, from, to);
        expect(await validator.api.submit(stx)).toBe(bytesToHex(txHash(stx.tx)));
        sent.push({ at, hash: bytesToHex(txHash(stx.tx)) });
      }
    await Promise.all(sent.map((s) => included(validator.api, s.hash, 40_000)));
  }, 90_000);

  afterAll(async () => {
    await net?.stop();
  });

  it("runs only the shard it serves, as GET /v1/chains shows", async () => {
    const shardsOf = (chains: ChainsJson) =>
      chains.chains.find((c) => c.chainId === 1)?.shards.map((s) => ({ shard: s.shard, running: s.running }));
    expect(shardsOf(await full.api.chains())).toEqual([
      { shard: 0, running: true },
      { shard: 1, running: false },
    ]);
    expect(shardsOf(await validator.api.chains())).toEqual([
      { shard: 0, running: true },
      { shard: 1, running: true },
    ]);
    expect(full.node.workerShards().map((r) => r.key)).toEqual(["1/0"]);
  });

  it("received shard 0's transactions by gossip and included them", async () => {
    await Promise.all(sent.filter((x) => x.at === SERVED).map((s) => included(full.api, s.hash, 40_000)));
    await until(
      "shard 0 tx gossip counted on the full node",
      async () => metricSum(await scrape(full.url), RECEIVED, { topic: "vshard/1/0/txs", via: "gossip" }) > 0,
      10_000,
    );
  });

  it("received nothing of shard 1: no tx gossip, no consensus message, no block-sync message", async () => {
    const metrics = await scrape(full.url);
    expect(metricSum(metrics, RECEIVED, { topic: "vshard/1/1/txs" })).toBe(0);
    expect(receivedOnShard(metrics, SKIPPED).filter((r) => r.count > 0)).toEqual([]);
    // While it did receive the main chain's and its own shard's consensus traffic.
    expect(receivedOnShard(metrics, { chainId: 0, shard: 0 }).some((r) => r.count > 0)).toBe(true);
    expect(receivedOnShard(metrics, SERVED).some((r) => r.topic.includes("/consensus/") && r.count > 0)).toBe(
      true,
    );
    // The API's view agrees with the metrics, and the full node knows nothing of shard 1's txs.
    const view = await p2pOf(full.api);
    expect(view.stats.received.filter((r) => r.topic.startsWith("vshard/1/1/"))).toEqual([]);
    for (const s of sent.filter((x) => x.at === SKIPPED))
      await expect(full.api.tx(s.hash)).rejects.toMatchObject({ status: 404 });
  });

  it("while the validators received the gossip of both shards", async () => {
    // Validator 0 sent the txs (nobody hears its own publications): validator 1 received both shards' tx gossip.
    await until(
      "both shards' tx gossip counted on validator 1",
      async () => {
        const m = await scrape(other.url);
        return (
          metricSum(m, RECEIVED, { topic: "vshard/1/0/txs" }) > 0 &&
          metricSum(m, RECEIVED, { topic: "vshard/1/1/txs" }) > 0
        );
      },
      10_000,
    );
    for (const v of [validator, other]) {
      const m = await scrape(v.url);
      for (const at of [SERVED, SKIPPED])
        expect(
          receivedOnShard(m, at).some((r) => r.topic.includes("/consensus/") && r.count > 0),
          `${v.name} ${at.chainId}/${at.shard}`,
        ).toBe(true);
    }
  });
});
