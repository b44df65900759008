import { bytesToHex } from "@vshard/crypto";
import type { NetworkNode } from "@vshard/node";
import { addressFromPublicKey, headerHash, txHash, verifyTxInclusion } from "@vshard/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimNetworkRun } from "../helpers/simNetwork.ts";
import { smallGpuRental } from "../sharding/fixtures.ts";
import { drive, startDlfsNetworkWith, startFullNode, submitShardTransfers } from "./dlfsFixtures.ts";

/** The shard the full node serves (bft), and the one it does not (dpos). */
const SERVED = { chainId: 1, shard: 0 };
const SKIPPED = { chainId: 1, shard: 1 };

/**
 * A full node that is no validator: it follows the main chain by block sync, runs only the worker shard it was told to
 * serve (catching up on it from the validators), keeps no block of the other shard, and proves a tx of its shard from
 * its own database.
 */
describe("a full node beside the validators' archive nodes", () => {
  let run: SimNetworkRun;
  let full: NetworkNode;
  let validators: NetworkNode[];
  /** Hashes (hex) of the transfers sent on the served shard. */
  let sent: string[];
  /** A client that sent 2 of them. */
  let sender: Uint8Array;

  beforeAll(async () => {
    run = await startDlfsNetworkWith(31, {
      validators: 4,
      chains: [smallGpuRental()],
      witnessesPerCommittee: 4,
      storageNodes: 3,
      dlfs: { replicas: 2 },
    });
    validators = run.cluster.running().map(({ node }) => node);
    const shardUp = () => validators.every((n) => (n.runtime(1, 0)?.chain.finalizedHeight() ?? 0) >= 2);
    expect(await run.runUntil(shardUp, 30_000)).toBe(true);
    // Transfers on the served shard, so that its blocks are not empty; then the network runs on before the full
    // node joins, which then has blocks to sync on both chains.
    const transfers = await submitShardTransfers(run, SERVED, 2);
    sent = transfers.map((stx) => bytesToHex(txHash(stx.tx)));
    sender = transfers[0].tx.sender;
    const shard = validators[0].runtime(1, 0)?.chain;
    expect(
      await run.runUntil(
        () => shard?.mempool.size() === 0 && validators[0].main.chain.head().height >= 24,
        30_000,
      ),
    ).toBe(true);
    full = await startFullNode(run, "full-0", [SERVED]);
  }, 120_000);

  afterAll(async () => {
    if (full) await drive(run, full.stop());
    await run?.close();
  });

  it("is a full node of no committee, serving only the shard it was given", () => {
    expect(full.dlfs?.role).toBe("full");
    expect(full.serves(SERVED.chainId, SERVED.shard)).toBe(true);
    expect(full.serves(SKIPPED.chainId, SKIPPED.shard)).toBe(false);
    expect(validators[0].serves(SKIPPED.chainId, SKIPPED.shard)).toBe(true);
    const me = bytesToHex(full.opts.keys.publicKey);
    const members = full.main.committee.members.map((m) => bytesToHex(m.publicKey));
    expect(members).not.toContain(me);
  });

  it("catches up on the main chain and the served shard, with the validators' blocks", async () => {
    const target = {
      main: validators[0].main.chain.head().height,
      shard: validators[0].runtime(1, 0)?.chain.finalizedHeight() ?? 0,
    };
    expect(target.main).toBeGreaterThanOrEqual(24);
    const caughtUp = () =>
      full.main.chain.head().height >= target.main &&
      (full.runtime(1, 0)?.chain.finalizedHeight() ?? 0) >= target.shard;
    expect(await run.runUntil(caughtUp, 30_000)).toBe(true);
    // And it keeps up as the validators go on (within a couple of blocks of them).
    await run.runUntil(() => false, 1_000);
    const lag = (a: number, b: number) => Math.abs(a - b);
    expect(lag(full.main.chain.head().height, validators[0].main.chain.head().height)).toBeLessThanOrEqual(2);
    const served = full.runtime(1, 0);
    expect(served?.consensus.name).toBe("bft");
    expect(
      lag(served?.chain.finalizedHeight() ?? 0, validators[0].runtime(1, 0)?.chain.finalizedHeight() ?? 0),
    ).toBeLessThanOrEqual(2);
    // Same blocks as a validator's: the main chain and the served shard, at a few heights.
    for (const [chainId, shard, top] of [
      [0, 0, target.main],
      [1, 0, target.shard],
    ] as const)
      for (const h of [1, Math.floor(top / 2), top]) {
        const mine = await full.runtime(chainId, shard)?.chain.getBlock(h);
        const theirs = await validators[1].runtime(chainId, shard)?.chain.getBlock(h);
        expect(mine, `${chainId}/${shard} block ${h}`).toBeTruthy();
        expect(mine && bytesToHex(headerHash(mine.header)), `${chainId}/${shard} block ${h}`).toBe(
          theirs && bytesToHex(headerHash(theirs.header)),
        );
      }
  }, 60_000);

  it("runs no other shard and keeps none of its blocks, which an archive validator holds", async () => {
    expect(full.runtime(SKIPPED.chainId, SKIPPED.shard)).toBeUndefined();
    expect(full.workerShards().map((r) => r.key)).toEqual(["1/0"]);
    expect(await full.db.getHashByHeight(SKIPPED.chainId, SKIPPED.shard, 1)).toBeNull();
    expect(await validators[0].db.getHashByHeight(SKIPPED.chainId, SKIPPED.shard, 1)).not.toBeNull();
    // Still, the launcher recorded the skipped shard's committee: anchors of it are checked on the main chain.
    expect(full.book.get(SKIPPED.chainId, SKIPPED.shard)).toBeDefined();
    // A tx for the skipped shard is refused; a proof from it too.
    await expect(
      full.dlfs?.txProof(SKIPPED.chainId, SKIPPED.shard, 1, new Uint8Array(32)),
    ).rejects.toMatchObject({
      code: "API_ERROR_SHARD_NOT_HOSTED",
    });
  });

  it("proves a tx of a served-shard block from its own database", async () => {
    const shard = full.runtime(1, 0)?.chain;
    if (!shard || !full.dlfs) throw new Error("the full node does not run shard 1/0");
    // The block holding the first transfer sent.
    let found: { height: number; hash: Uint8Array } | null = null;
    for (let h = 1; h <= shard.finalizedHeight() && !found; h++) {
      const block = await shard.getBlock(h);
      const tx = block?.txs.find((t) => sent.includes(bytesToHex(txHash(t.tx))));
      if (tx) found = { height: h, hash: txHash(tx.tx) };
    }
    if (!found) throw new Error("no served-shard block holds a transfer");
    const answer = await full.dlfs.txProof(1, 0, found.height, found.hash);
    expect(answer.body).toMatchObject({ from: "local" });
    const theirs = await validators[2].runtime(1, 0)?.chain.getBlock(found.height);
    if (!theirs) throw new Error("validator 2 has no such block");
    expect(bytesToHex(answer.blockHash)).toBe(bytesToHex(headerHash(theirs.header)));
    expect(verifyTxInclusion(answer.proof, headerHash(theirs.header))).toBe(true);
    // A height above its head is not found.
    await expect(full.dlfs.txProof(1, 0, shard.finalizedHeight() + 1000, found.hash)).rejects.toMatchObject({
      code: "API_ERROR_BLOCK_NOT_FOUND",
    });
  });

  it("every transfer sent on the served shard committed on the full node", async () => {
    const shard = full.runtime(1, 0)?.chain;
    const seen = new Set<string>();
    for (let h = 1; h <= (shard?.finalizedHeight() ?? 0); h++)
      for (const t of (await shard?.getBlock(h))?.txs ?? []) seen.add(bytesToHex(txHash(t.tx)));
    expect(sent.filter((h) => !seen.has(h))).toEqual([]);
    const [account] = (await shard?.getAccounts([addressFromPublicKey(sender)])) ?? [];
    expect(account?.nonce).toBe(2);
  });
});
