import { bytesToHex } from "@vshard/crypto";
import type { LightNode } from "@vshard/node";
import { cidToString, dlfsObjectKey, packBody, placeReplicas } from "@vshard/storage";
import { encodeBody, headerHash, txHash, verifyTxInclusion } from "@vshard/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimNetworkRun } from "../helpers/simNetwork.ts";
import {
  drive,
  objectsUpTo,
  publishersIdle,
  repairUntilQuiet,
  startDlfsNetwork,
  submitTransfers,
} from "./dlfsFixtures.ts";

const indexOf = (peer: string) => Number(peer.split("-")[1]);

/**
 * The DLFS on a simulated network: 2 validators publish the bodies they propose to 5 storage nodes (r = 3, 1 KiB
 * chunks); a light node follows the main chain's headers and proves a transaction from a body it reads from the DLFS
 * while one copy of each object is damaged and another is offline; then a storage node leaves and repair restores
 * three healthy copies of everything.
 */
describe("DLFS on a network", () => {
  let run: SimNetworkRun;
  let light: LightNode;

  beforeAll(async () => {
    run = await startDlfsNetwork(71);
    await submitTransfers(run, 6);
    const chain = run.cluster.node(0).main.chain;
    expect(await run.runUntil(() => chain.mempool.size() === 0 && chain.head().height > 20, 60_000)).toBe(
      true,
    );
    await publishersIdle(run);
    light = await run.cluster.dlfs.addLight({
      shards: [{ chainId: 0, shard: 0 }],
      fullNodes: ["node-0", "node-1"],
      api: { host: "127.0.0.1", port: 0 },
    });
    expect(await drive(run, light.syncOnce())).toBeGreaterThan(20);
  }, 120_000);

  afterAll(async () => {
    await run?.close();
  });

  it("a light node proves a tx from a DLFS body while one copy of each object is corrupt and another offline", async () => {
    const chain = run.cluster.node(0).main.chain;
    // The block with the most txs: its body spans several 1 KiB chunks.
    let best = { height: 0, count: -1 };
    for (let h = 1; h <= (light.follower.head(0, 0)?.height ?? 0); h++) {
      const count = (await chain.getBlock(h))?.txs.length ?? 0;
      if (count > best.count) best = { height: h, count };
    }
    const block = await chain.getBlock(best.height);
    if (!block) throw new Error("no block");
    const target = block.txs[block.txs.length - 1];
    const { manifestObject, chunks } = packBody(encodeBody(block.txs), chain.opts.dlfs);
    expect(chunks.length).toBeGreaterThan(1);
    const members = run.cluster.dlfs.directory.members();

    // Offline: a holder of the manifest. Per object, the copies a reader tries before its last holder's (placement
    // is in rendezvous order, the order readers try) are damaged or deleted, or sit on the offline node: one good copy
    // of each object is left, and the reader must skip every bad one before it.
    const offline = placeReplicas(manifestObject.cid, members, 3)[0];
    const expected = new Map<string, Array<{ node: string; cid: string; reason: string }>>();
    for (const o of [manifestObject, ...chunks]) {
      const cid = cidToString(o.cid);
      const holders = placeReplicas(o.cid, members, 3);
      const good = holders.filter((h) => h !== offline).at(-1) as string;
      const skipped: Array<{ node: string; cid: string; reason: string }> = [];
      let corrupted = false;
      for (const h of holders.slice(0, holders.indexOf(good))) {
        if (h === offline) skipped.push({ node: h, cid, reason: "unreachable" });
        else if (!corrupted) {
          corrupted = true;
          const damaged = o.bytes.map((b) => b ^ 0xff);
          await run.cluster.dlfs
            .storageNode(indexOf(h))
            .kv.batch([{ type: "put", key: dlfsObjectKey(o.cid), value: damaged }]);
          skipped.push({ node: h, cid, reason: "corrupt" });
        } else {
          await run.cluster.dlfs.storageNode(indexOf(h)).store.delete(o.cid);
          skipped.push({ node: h, cid, reason: "missing" });
        }
      }
      expected.set(cid, skipped);
    }
    await run.cluster.dlfs.crashStorage(indexOf(offline));

    const url = `${light.url()}/v1/chains/0/shards/0/blocks/${best.height}/proof?tx=${bytesToHex(txHash(target.tx))}`;
    const res = await drive(run, fetch(url));
    const proof = (await res.json()) as {
      verified: boolean;
      blockHash: string;
      index: number;
      body: { from: string; skipped: Array<{ node: string; cid: string; reason: string }> };
    };
    expect(res.status).toBe(200);
    expect(proof.verified).toBe(true);
    expect(proof.blockHash).toBe(bytesToHex(headerHash(block.header)));
    expect(proof.index).toBe(block.txs.length - 1);
    expect(proof.body.from).toBe("dlfs");
    for (const [cid, skipped] of expected)
      expect(proof.body.skipped.filter((s) => s.cid === cid)).toEqual(skipped);
    const reasons = new Set(proof.body.skipped.map((s) => s.reason));
    expect(reasons.has("corrupt") && reasons.has("unreachable")).toBe(true);

    // Checked again by hand: the proof against the hash of the header the light node holds.
    const answer = await drive(run, light.txProof(0, 0, best.height, txHash(target.tx)));
    const held = await light.db.getHeaderByHeight(0, 0, best.height);
    if (!held) throw new Error("the light node holds no such header");
    expect(verifyTxInclusion(answer.proof, headerHash(held))).toBe(true);
    await drive(run, run.cluster.dlfs.restartStorage(indexOf(offline)));
  }, 120_000);

  it("after a storage node leaves, repair restores three healthy copies of every object", async () => {
    const node = run.cluster.node(0);
    await publishersIdle(run);
    const height = node.main.chain.head().height;
    const objects = await objectsUpTo(node, height);
    await drive(run, run.cluster.dlfs.removeStorage(2));
    const members = run.cluster.dlfs.directory.members();
    expect(members).not.toContain("storage-2");
    await repairUntilQuiet(run);
    for (const o of objects) {
      const holders = placeReplicas(o.cid, members, 3);
      for (const h of holders)
        expect(
          await run.cluster.dlfs.storageNode(indexOf(h)).store.health(o.cid),
          `${cidToString(o.cid)} on ${h}`,
        ).toBe("healthy");
    }
    const stats = (await (await drive(run, fetch(`${light.url()}/v1/dlfs/stats`))).json()) as {
      underReplicated: number;
      repairs: number;
      compressionRatio: number;
      nodes: Array<{ id: string; online: boolean }>;
    };
    expect(stats.underReplicated).toBe(0);
    expect(stats.repairs).toBeGreaterThan(0);
    expect(stats.compressionRatio).toBeGreaterThan(1);
    expect(stats.nodes.map((n) => n.id).sort()).toEqual([...members].sort());
    console.log(
      `DLFS after repair: ${objects.length} objects of ${height} blocks, ${stats.repairs} copies repaired, ` +
        `compression ratio ${stats.compressionRatio.toFixed(2)}`,
    );
  }, 120_000);

  it("bodies proposed while no storage node answered are published after the proposer restarts", async () => {
    const dlfs = run.cluster.dlfs;
    const members = dlfs.directory.members();
    const chain = () => run.cluster.node(0).main.chain;
    for (const id of members) await drive(run, dlfs.crashStorage(indexOf(id)));
    const from = chain().head().height;
    await submitTransfers(run, 2);
    expect(await run.runUntil(() => chain().head().height >= from + 20, 60_000)).toBe(true);
    // Both validators go down with bodies they could not publish; the storage nodes come back; so do the validators.
    await drive(run, run.cluster.crash(0));
    await drive(run, run.cluster.crash(1));
    for (const id of members) await drive(run, dlfs.restartStorage(indexOf(id)));
    await drive(run, run.cluster.restart(0));
    await drive(run, run.cluster.restart(1));
    await publishersIdle(run);
    // The restarted proposers published what they had missed: none gave up on a body.
    const publishers = run.cluster.running().map(({ node }) => node.dlfs?.publisher.stats());
    expect(publishers.reduce((n, s) => n + (s?.published ?? 0), 0)).toBeGreaterThan(0);
    expect(publishers.every((s) => s?.failed === 0)).toBe(true);
    // A copy that timed out while the machine was busy (virtual time runs on while a database write waits) is left
    // to repair, as in production: one quiet repair pass, then every placed copy is there.
    await repairUntilQuiet(run);
    const objects = await objectsUpTo(run.cluster.node(0), from + 20);
    for (const o of objects) {
      const holders = placeReplicas(o.cid, members, 3);
      for (const h of holders)
        expect(await dlfs.storageNode(indexOf(h)).store.health(o.cid), `${cidToString(o.cid)} on ${h}`).toBe(
          "healthy",
        );
    }
  }, 120_000);
});
