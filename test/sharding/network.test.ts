import {
  certificateVerifiers,
  decodeBftCertificate,
  encodeBftCertificate,
  signerBitmap,
  signersOf,
} from "@vshard/consensus";
import { bytesToHex } from "@vshard/crypto";
import {
  assignCommittees,
  assignmentFromJson,
  assignmentToJson,
  epochSeed,
  epochSeedAlpha,
  genesisSeed,
  MAIN_CHAIN_ID,
  type RegistryReader,
  shardsAddedBefore,
  sortitionPhaseStart,
  verifyAssignment,
} from "@vshard/engine";
import { createAnchorVerifier, type NetworkNode } from "@vshard/node";
import { EpochProofPurpose, encodeSchema, headerHash, parseWorkerChainSchema, TxKind } from "@vshard/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimNetworkRun, startSimNetwork } from "../helpers/simNetwork.ts";
import { exampleSchema, signedFor, smallGpuRental } from "./fixtures.ts";

const EPOCH_BLOCKS = 16;
const RULES = { epochBlocks: EPOCH_BLOCKS, anchorDelayBlocks: 6 };

/** What anyone can do with the main chain's published records: derive every seed and assignment up to `epoch`. */
async function recomputeEpochs(registry: RegistryReader, upTo: number, witnesses: number) {
  const seeds = [genesisSeed(MAIN_CHAIN_ID)];
  for (let e = 0; e < upTo; e++) {
    const alpha = epochSeedAlpha(seeds[e], e);
    const proofs = [];
    for (const p of await registry.epochProofs(e, EpochProofPurpose.Seed)) {
      const v = await registry.getValidator(p.validator);
      if (v) proofs.push({ publicKey: v.vrfPublicKey, proof: p.proof });
    }
    seeds.push(epochSeed(seeds[e], proofs, alpha));
  }
  const chains = await registry.listChains();
  const out = [];
  for (let e = 0; e <= upTo; e++) {
    const validators = [];
    for (const p of await registry.epochProofs(e, EpochProofPurpose.Sortition)) {
      const v = await registry.getValidator(p.validator);
      if (v) validators.push({ id: p.validator, vrfPublicKey: v.vrfPublicKey, proof: p.proof });
    }
    const cut = e === 0 ? 1 : sortitionPhaseStart(e - 1, { ...RULES, minDeposit: 0n });
    out.push(
      assignCommittees({
        seed: seeds[e],
        epoch: e,
        validators,
        shards: shardsAddedBefore(chains, cut),
        witnessesPerCommittee: witnesses,
      }),
    );
  }
  return out;
}

describe("a sharded network: main chain, worker shards, epochs, anchoring", () => {
  let run: SimNetworkRun;
  let nodes: NetworkNode[];
  const shardsRunning = (chainId: number, count: number, height: number) =>
    nodes.every((n) =>
      Array.from({ length: count }, (_, s) => n.runtime(chainId, s)).every(
        (r) => r !== undefined && r.chain.finalizedHeight() >= height,
      ),
    );

  beforeAll(async () => {
    run = await startSimNetwork({
      seed: 7,
      validators: 4,
      chains: [smallGpuRental()],
      rules: RULES,
      blockIntervalMs: 100,
      witnessesPerCommittee: 4,
      network: { latencyMs: 5, jitterMs: 5, lossRate: 0 },
    });
    nodes = run.cluster.running().map(({ node }) => node);
  }, 120_000);
  afterAll(async () => run?.close());

  it("runs the genesis worker chain's shards on every node, each with its epoch-0 committee", async () => {
    expect(await run.runUntil(() => shardsRunning(1, 2, 3), 30_000)).toBe(true);
    for (const node of nodes) {
      const bft = node.runtime(1, 0);
      const dpos = node.runtime(1, 1);
      expect(bft?.consensus.name).toBe("bft");
      expect(dpos?.consensus.name).toBe("dpos");
      expect(bft?.committee.epoch).toBe(0);
      expect(dpos?.committee.epoch).toBe(0);
      // 4 validators dealt over 2 shards: 2 each, all of them witnesses.
      expect(bft?.committee.members).toHaveLength(2);
      expect(dpos?.committee.members).toHaveLength(2);
    }
  }, 120_000);

  it("re-draws committees every epoch from published VRF proofs, and anyone recomputes them", async () => {
    const epochs = 4;
    expect(
      await run.runUntil(
        () => nodes.every((n) => n.main.chain.head().height >= epochs * EPOCH_BLOCKS),
        60_000,
      ),
    ).toBe(true);
    const registry = nodes[0].registry;
    const recomputed = await recomputeEpochs(registry, epochs, 4);
    const seats = new Set<string>();
    for (const node of nodes)
      for (let e = 0; e <= epochs; e++) {
        const used = await node.tracker.committeesOf(e);
        expect(used?.assignment, `node assignment of epoch ${e}`).not.toBeNull();
        const published = assignmentToJson(used?.assignment ?? recomputed[e]);
        expect(published).toEqual(assignmentToJson(recomputed[e]));
        const check = verifyAssignment(assignmentFromJson(published), {
          seed: recomputed[e].seed,
          registry: (await registry.listValidators()).map((v) => ({
            id: v.publicKey,
            vrfPublicKey: v.vrfPublicKey,
          })),
        });
        expect(check.differences).toEqual([]);
        expect(check.ok).toBe(true);
        const seed = await node.tracker.seed(e);
        if (e > 0) expect(seed?.fallback).toBe(false);
        seats.add(
          recomputed[e].committees.map((c) => c.members.map((m) => bytesToHex(m.id)).join()).join("|"),
        );
      }
    // Re-drawn: the epochs did not all seat the validators the same way.
    expect(seats.size).toBeGreaterThan(1);
    // What the nodes used: every final block of the bft shard names the epoch its height belongs to, and its
    // certificate verifies against that epoch's recomputed committee (the witnesses drawn for the shard).
    const validators = new Map((await registry.listValidators()).map((v) => [bytesToHex(v.publicKey), v]));
    const shard = nodes[0].runtime(1, 0);
    const schedule = nodes[0].book.get(1, 0);
    if (!shard || !schedule) throw new Error("shard 1/0 not running");
    const epochsSeen = new Set<number>();
    for (let h = 1; h <= shard.chain.finalizedHeight(); h++) {
      const block = await shard.chain.getBlock(h);
      if (!block) throw new Error(`block ${h} missing`);
      const epoch = block.header.epoch;
      expect(epoch).toBe(schedule.epochOfHeight(h));
      if (epoch > epochs) break;
      epochsSeen.add(epoch);
      const drawn = recomputed[epoch].committees.find((c) => c.chainId === 1 && c.shard === 0);
      const committee = {
        epoch,
        members: (drawn?.witnesses ?? []).map((id) => {
          const v = validators.get(bytesToHex(id));
          return { publicKey: id, blsPublicKey: v?.blsPublicKey, weight: 1 };
        }),
      };
      expect(certificateVerifiers.bft(committee, { chainId: 1, shard: 0 }, block.header), `height ${h}`).toBe(
        true,
      );
    }
    expect(epochsSeen.size).toBeGreaterThan(2);
    for (const node of nodes)
      expect(node.runtime(1, 0)?.consensus.status().counters.committeeRotations).toBeGreaterThan(0);
  }, 180_000);

  it("anchors shard headers on the main chain once their certificates check out", async () => {
    const anchored = async (shard: number) => (await nodes[0].registry.anchorHead(1, shard))?.height ?? 0;
    let heights = [0, 0];
    for (let i = 0; i < 40 && (heights[0] < 2 || heights[1] < 2); i++) {
      await run.runUntil(() => false, 500);
      heights = [await anchored(0), await anchored(1)];
    }
    expect(heights[0]).toBeGreaterThanOrEqual(2);
    expect(heights[1]).toBeGreaterThanOrEqual(2);
    for (const node of nodes) {
      const head = await node.registry.anchorHead(1, 0);
      const block = await node.runtime(1, 0)?.chain.getBlock(head?.height ?? 0);
      expect(head && block && bytesToHex(head.hash)).toBe(block && bytesToHex(headerHash(block.header)));
    }
  }, 120_000);

  it("anchors every final block of each shard, none skipped, the head at the highest height", async () => {
    const registry = nodes[0].registry;
    const upTo = [0, 1].map((s) => nodes[0].runtime(1, s)?.chain.finalizedHeight() ?? 0);
    /** The heights 1..upTo[shard] of a shard that no header is anchored at yet. */
    const missing = async (shard: number) => {
      const out: number[] = [];
      for (let h = 1; h <= upTo[shard]; h++)
        if ((await registry.anchoredHeader(1, shard, h)) === null) out.push(h);
      return out;
    };
    let gaps = [await missing(0), await missing(1)];
    for (let i = 0; i < 60 && gaps.some((g) => g.length > 0); i++) {
      await run.runUntil(() => false, 500);
      gaps = [await missing(0), await missing(1)];
    }
    expect(upTo.every((h) => h > EPOCH_BLOCKS)).toBe(true);
    expect(gaps).toEqual([[], []]);
    for (const shard of [0, 1]) {
      const head = await registry.anchorHead(1, shard);
      expect(head?.height).toBeGreaterThanOrEqual(upTo[shard]);
      // Each anchored header is the shard's final block at that height.
      const block = await nodes[0].runtime(1, shard)?.chain.getBlock(upTo[shard]);
      const anchored = await registry.anchoredHeader(1, shard, upTo[shard]);
      expect(anchored && bytesToHex(anchored.hash)).toBe(block && bytesToHex(headerHash(block.header)));
    }
  }, 120_000);

  it("refuses an anchor whose shard certificate is forged or short of a quorum", async () => {
    const node = nodes[0];
    const shard = node.runtime(1, 0);
    const block = await shard?.chain.getBlock(shard.chain.finalizedHeight());
    if (!block) throw new Error("no final bft block");
    const forgedSignature = Uint8Array.from(block.header.certificate);
    forgedSignature[forgedSignature.length - 5] ^= 0x01;
    // The main chain's check itself: the real header passes; the same header with a flipped signature bit, or with a
    // certificate signed by one member of two (short of the quorum), does not.
    const verify = createAnchorVerifier(node.book, { ...RULES, minDeposit: 0n });
    const entry = await node.registry.getChain(1);
    if (!entry) throw new Error("chain 1 not registered");
    const mainHeight = node.main.chain.head().height + 1;
    expect(verify(block.header, entry, mainHeight)).toBeNull();
    expect(verify({ ...block.header, certificate: forgedSignature }, entry, mainHeight)).toMatch(
      /does not verify/,
    );
    const cert = decodeBftCertificate(block.header.certificate);
    const oneSigner = encodeBftCertificate({
      ...cert,
      signers: signerBitmap(2, [signersOf(cert.signers)[0]]),
    });
    expect(verify({ ...block.header, certificate: oneSigner }, entry, mainHeight)).toMatch(/does not verify/);
    // And as a transaction: the main chain's producer refuses it when building a block.
    const client = run.clients[0];
    for (const certificate of [forgedSignature, oneSigner]) {
      const header = { ...block.header, height: block.header.height + 1000, certificate };
      const stx = await signedFor(node, client, {
        chainId: MAIN_CHAIN_ID,
        shard: 0,
        kind: TxKind.Anchor,
        fee: 1n,
        payload: { header },
      });
      const [admitted] = await node.main.submitTxs([stx]);
      expect(admitted.ok).toBe(true);
      const assembled = await node.main.chain.prepareProposal({
        proposer: node.opts.keys.publicKey,
        time: node.main.chain.headTime() + 1,
        epoch: 0,
      });
      const refused = assembled.execution.rejected.find((r) => r.tx.hashHex === admitted.hash);
      expect(refused?.error.code).toBe("TX_ERROR_BAD_CERTIFICATE");
      expect(refused?.error.message).toMatch(/certificate/);
    }
  }, 60_000);

  it("starts a chain registered on the running network, and the shards an update adds, on every node", async () => {
    const owner = run.clients[1];
    const tokens = exampleSchema("token-ledger.json");
    const schema = { ...tokens, shards: [(tokens.shards as unknown[])[0]] };
    const register = await signedFor(nodes[0], owner, {
      chainId: MAIN_CHAIN_ID,
      shard: 0,
      kind: TxKind.RegisterChain,
      fee: 1n,
      payload: { schema: encodeSchema(parseWorkerChainSchema(schema)) },
    });
    expect((await nodes[0].submitTxs([register]))[0]).toMatchObject({ ok: true });
    expect(await run.runUntil(() => shardsRunning(2, 1, 2), 60_000)).toBe(true);

    const updated = {
      ...schema,
      version: 2,
      shards: [...(schema.shards as unknown[]), { consensus: { plugin: "bft", params: {} } }],
    };
    const update = await signedFor(nodes[0], owner, {
      chainId: MAIN_CHAIN_ID,
      shard: 0,
      kind: TxKind.UpdateChain,
      fee: 1n,
      payload: { chainId: 2, schema: encodeSchema(parseWorkerChainSchema(updated)) },
    });
    expect((await nodes[0].submitTxs([update]))[0]).toMatchObject({ ok: true });
    expect(await run.runUntil(() => shardsRunning(2, 2, 2), 60_000)).toBe(true);
    const entry = await nodes[0].registry.getChain(2);
    expect(entry?.version).toBe(2);
    expect(entry?.shardsAddedAt).toHaveLength(2);
  }, 240_000);

  it("a node killed and restarted on its folder catches up on the main chain and every shard", async () => {
    await run.cluster.crash(3);
    nodes = run.cluster.running().map(({ node }) => node);
    await run.runUntil(() => false, 2_000);
    const target = new Map(
      [nodes[0].main, ...nodes[0].workerShards()].map((r) => [r.key, r.chain.finalizedHeight()] as const),
    );
    const restarted = await run.cluster.restart(3);
    nodes = run.cluster.running().map(({ node }) => node);
    const caughtUp = () =>
      [...target].every(([key, height]) => {
        const [chainId, shard] = key.split("/").map(Number);
        return (restarted.runtime(chainId, shard)?.chain.finalizedHeight() ?? -1) >= height;
      });
    expect(await run.runUntil(caughtUp, 60_000)).toBe(true);
    // Same blocks as a node that never stopped, shard by shard.
    for (const [key, height] of target) {
      const [chainId, shard] = key.split("/").map(Number);
      const mine = await restarted.runtime(chainId, shard)?.chain.getBlock(height);
      const theirs = await nodes[0].runtime(chainId, shard)?.chain.getBlock(height);
      expect(mine && bytesToHex(headerHash(mine.header)), key).toBe(
        theirs && bytesToHex(headerHash(theirs.header)),
      );
    }
  }, 180_000);
});
