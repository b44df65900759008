import { bytesToHex } from "@vshard/crypto";
import type { DlfsStats } from "@vshard/node";
import { decodeManifest } from "@vshard/storage";
import { txHash } from "@vshard/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  heightOf,
  included,
  type P2pTestNetwork,
  p2pOf,
  type ShardRef,
  signedTransfer,
  startP2pNetwork,
  twoSoloShards,
  until,
} from "./p2pFixtures.ts";

const SHARD: ShardRef = { chainId: 1, shard: 0 };

/** What `GET …/proof?tx=` answers (the fields this test reads). */
interface ProofJson {
  height: number;
  txHash: string;
  verified: boolean;
  body: { from: "local" | "dlfs"; cid?: string; objects?: number; skipped?: unknown[] };
}

/** What a storage node's `GET /v1/node` answers. */
interface StorageNodeJson {
  role: string;
  peerId: string;
  member: boolean;
  members: string[];
  stats: { objects: number; manifests: number; bytes: number };
}

/**
 * DLFS chunks over libp2p's request/response protocol (`/vshard/<id>/rpc/1.0.0`): 2 validators, 3 storage nodes
 * (3 copies of each object) and a light node following chain 1 shard 0, every one on its own libp2p endpoint and
 * classic-level folder. A transfer's block body goes from its proposer to the storage nodes; the light node, which
 * holds headers only, proves the transfer from the body it reads back from them.
 */
describe("DLFS storage and light nodes over libp2p", () => {
  let net: P2pTestNetwork;
  let hash = "";
  let height = 0;

  beforeAll(async () => {
    net = await startP2pNetwork({
      seed: 85,
      validators: 2,
      chains: [twoSoloShards()],
      storageNodes: 3,
      replicas: 3,
      lightNodes: [{ follows: [SHARD] }],
    });
    const [validator] = net.nodes;
    await until(
      "both validators running chain 1 shard 0",
      () => net.nodes.every((v) => heightOf(v.node, SHARD) >= 2),
      40_000,
    );
    const [a, b] = net.clients;
    const stx = await signedTransfer(validator.api, SHARD, a, b);
    hash = bytesToHex(txHash(stx.tx));
    expect(await validator.api.submit(stx)).toBe(hash);
    await included(validator.api, hash, 20_000);
    height = (await validator.api.tx(hash)).receipt?.blockHeight ?? -1;
    expect(height).toBeGreaterThan(0);
    const block = await validator.node.runtime(SHARD.chainId, SHARD.shard)?.chain.getBlock(height);
    if (!block) throw new Error(`validator 0 has no block ${height}`);
    const cid = block.header.bodyCid;
    // Published: the manifest and each of its chunks on every storage node (they are written at once, so a reader
    // coming earlier would skip a replica not written yet).
    const everywhere = async (c: Uint8Array) =>
      (await Promise.all(net.storage.map((s) => s.started.node.store.health(c)))).every(
        (h) => h === "healthy",
      );
    await until(
      `block ${height}'s body on the 3 storage nodes`,
      async () => {
        if (!(await everywhere(cid))) return false;
        const manifest = await net.storage[0].started.node.store.get(cid);
        const chunks = manifest ? decodeManifest(manifest.bytes).chunks : [];
        return (await Promise.all(chunks.map(everywhere))).every(Boolean);
      },
      20_000,
    );
  }, 70_000);

  afterAll(async () => {
    await net?.stop();
  });

  it("publishes the block's body to the 3 storage nodes (GET /v1/dlfs/stats on a validator)", async () => {
    let stats: DlfsStats | null = null;
    await until(
      "manifests on every storage node",
      async () => {
        stats = await net.nodes[0].api.request<DlfsStats>("GET", "/v1/dlfs/stats");
        return stats.nodes.length === 3 && stats.nodes.every((n) => n.online && n.manifests > 0);
      },
      20_000,
    );
    const s = stats as unknown as DlfsStats;
    expect(s.replicas).toBe(3);
    expect(s.nodes.map((n) => n.id)).toEqual(net.storage.map((st) => st.transport.peerId));
    // 3 copies on 3 members: every storage node holds every object.
    expect(s.manifests).toBeGreaterThanOrEqual(3);
    expect(s.bytesStored).toBeGreaterThan(0);
  });

  it("lets the light node prove the transfer from a body it reads from the storage nodes", async () => {
    const [light] = net.lights;
    let proof: ProofJson | null = null;
    await until(
      "the light node's proof",
      async () => {
        proof = await light.api
          .request<ProofJson>("GET", `/v1/chains/1/shards/0/blocks/${height}/proof?tx=${hash}`)
          .catch(() => null);
        return proof !== null;
      },
      20_000,
    );
    const p = proof as unknown as ProofJson;
    expect(p.verified).toBe(true);
    expect(p.txHash).toBe(hash);
    expect(p.height).toBe(height);
    expect(p.body.from).toBe("dlfs");
    expect(p.body.objects).toBeGreaterThanOrEqual(1);
    expect(p.body.skipped).toEqual([]);
    // It holds the header, not the body.
    expect(await light.started.node.db.getHeaderByHeight(1, 0, height)).not.toBeNull();
    expect(await light.started.node.db.getBlockByHeight(1, 0, height)).toBeNull();
    // A validator proves the same tx from its own database.
    const local = await net.nodes[0].api.request<ProofJson>(
      "GET",
      `/v1/chains/1/shards/0/blocks/${height}/proof?tx=${hash}`,
    );
    expect(local.body.from).toBe("local");
    expect(local.verified).toBe(true);
  });

  it("carried the DLFS requests over libp2p's direct rpc protocol (the storage nodes' p2p stats)", async () => {
    for (const s of net.storage) {
      const received = s.transport.stats().received;
      expect(
        received.find((r) => r.topic === "rpc/request" && r.via === "direct")?.count ?? 0,
        s.name,
      ).toBeGreaterThan(0);
      // Never as gossip: rpc topics have no mesh.
      expect(received.filter((r) => r.topic.startsWith("rpc/") && r.via === "gossip")).toEqual([]);
      // The storage node's own API says the same, and that it is a member holding objects.
      const view = await p2pOf(s.api);
      expect(view.peerId).toBe(s.transport.peerId);
      expect(view.stats.received.some((r) => r.topic === "rpc/request" && r.via === "direct")).toBe(true);
      const node = await s.api.request<StorageNodeJson>("GET", "/v1/node");
      expect(node).toMatchObject({ role: "storage", peerId: s.transport.peerId, member: true });
      expect(node.members).toHaveLength(3);
      expect(node.stats.manifests).toBeGreaterThan(0);
    }
    // The light node's header requests went to the validators the same way.
    const v0 = net.nodes[0].transport.stats().received;
    expect(v0.some((r) => r.topic === "rpc/request" && r.via === "direct")).toBe(true);
  });
});
