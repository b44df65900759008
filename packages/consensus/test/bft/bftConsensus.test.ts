import { blsKeyGen, blsSign } from "@vshard/crypto";
import { nullLogger } from "@vshard/engine";
import { describe, expect, it } from "vitest";
import { BftConsensus } from "../../src/bft/bftConsensus.ts";
import { decodeBftCertificate, verifyBftCertificate } from "../../src/bft/certificate.ts";
import { BFT_PROPOSAL, BFT_VOTE, encodeVote, VoteType, voteMessage } from "../../src/bft/messages.ts";
import { consensusFactory } from "../../src/registry.ts";
import {
  type BftNode,
  CHAIN,
  committedHashes,
  committeeOf,
  createCluster,
  memberKeys,
  stopAll,
  transfers,
} from "./bftCluster.ts";

/** Every node holds the same blocks (hash and state root) at every height they all have. */
async function expectSameChain(nodes: BftNode[]): Promise<void> {
  const hashes = await committedHashes(nodes);
  const common = Math.min(...hashes.map((h) => h.length));
  expect(common).toBeGreaterThan(0);
  for (const h of hashes) expect(h.slice(0, common)).toEqual(hashes[0].slice(0, common));
}

async function certificateRound(node: BftNode, height: number): Promise<number> {
  const block = await node.chain.getBlock(height);
  return decodeBftCertificate(block!.header.certificate).round;
}

describe("bft consensus", () => {
  it("4 members and a follower finalise the same blocks with transfers", async () => {
    const { clock, nodes, committee } = await createCluster({ members: 4, followers: 1 });
    const txs = transfers(5);
    for (const n of nodes) await n.chain.submitTxs(txs);
    for (const n of nodes) await n.plugin.start();
    expect(await clock.runUntil(() => nodes.every((n) => n.chain.finalizedHeight() >= 3), 20_000)).toBe(true);
    await stopAll(nodes.map((n) => n.plugin));
    await expectSameChain(nodes);
    const block1 = await nodes[4].chain.getBlock(1);
    expect(block1?.txs).toHaveLength(5);
    for (let h = 1; h <= 3; h++) {
      const header = (await nodes[4].chain.getBlock(h))!.header;
      for (const n of nodes) expect(n.plugin.verifyCertificate(header)).toBe(true);
      expect(verifyBftCertificate(committee, CHAIN, header)).toBe(true);
    }
    // Leaders rotate: height h is proposed by member h % 4 when round 0 succeeds.
    expect((await nodes[0].chain.getBlock(2))!.header.proposer).toEqual(committee.members[2].publicKey);
    expect(nodes.flatMap((n) => n.plugin.evidence())).toEqual([]);
  });

  it("goes on past a crashed leader, with growing timeouts", async () => {
    const { clock, bus, nodes } = await createCluster({ members: 4 });
    bus.setDown("n1"); // proposer of heights 1 and 5 in round 0
    for (const n of nodes) await n.plugin.start();
    const live = [nodes[0], nodes[2], nodes[3]];
    expect(await clock.runUntil(() => live.every((n) => n.chain.finalizedHeight() >= 5), 60_000)).toBe(true);
    await stopAll(nodes.map((n) => n.plugin));
    await expectSameChain(live);
    expect(await certificateRound(nodes[0], 1)).toBe(1);
    expect(await certificateRound(nodes[0], 2)).toBe(0);
    expect(await certificateRound(nodes[0], 5)).toBe(1);
    expect(nodes[1].chain.head().height).toBe(0);
  });

  it("each failed round waits longer than the one before", async () => {
    // 7 members tolerate 2 faults: with members 1 and 2 down, height 1 fails rounds 0 and 1 (their turns to propose).
    const { clock, bus, nodes } = await createCluster({ members: 7 });
    bus.setDown("n1");
    bus.setDown("n2");
    for (const n of nodes) await n.plugin.start();
    const starts: number[] = [];
    const watch = nodes[0];
    await clock.runUntil(() => {
      const { height, round, step } = watch.plugin.status();
      if (height === 1 && step !== "new-height" && starts.length === round) starts.push(clock.now());
      return watch.chain.finalizedHeight() >= 1;
    }, 30_000);
    await stopAll(nodes.map((n) => n.plugin));
    expect(await certificateRound(watch, 1)).toBe(2);
    expect(starts).toHaveLength(3);
    const [first, second] = [starts[1] - starts[0], starts[2] - starts[1]];
    // Round r waits timeoutPropose(r) then timeoutPrecommit(r): 1000 + 500, then 1500 + 1000 (plus network delays).
    expect(first).toBeGreaterThanOrEqual(1_500);
    expect(second).toBeGreaterThanOrEqual(2_500);
    expect(second - first).toBeGreaterThanOrEqual(900);
  });

  it("a node cut off catches up by block sync, then takes part again", async () => {
    const { clock, bus, nodes } = await createCluster({ members: 4 });
    bus.setDown("n3");
    for (const n of nodes) await n.plugin.start();
    const others = nodes.slice(0, 3);
    expect(await clock.runUntil(() => others.every((n) => n.chain.finalizedHeight() >= 6), 30_000)).toBe(
      true,
    );
    expect(nodes[3].chain.head().height).toBe(0);
    bus.setDown("n3", false);
    const target = Math.max(...others.map((n) => n.chain.head().height));
    expect(await clock.runUntil(() => nodes[3].chain.finalizedHeight() >= target, 30_000)).toBe(true);
    // Now n3 is needed for a quorum: without n0, the chain moves only if n3 votes.
    bus.setDown("n0");
    const before = nodes[1].chain.head().height;
    const rest = nodes.slice(1);
    expect(
      await clock.runUntil(() => rest.every((n) => n.chain.finalizedHeight() >= before + 3), 60_000),
    ).toBe(true);
    await stopAll(nodes.map((n) => n.plugin));
    await expectSameChain(nodes);
  });

  it("a member restarted mid-height rejoins without contradicting what it signed before", async () => {
    // With n3 down, every quorum needs n0: its votes before and after the restart are all counted.
    const { clock, bus, nodes, committee } = await createCluster({ members: 4 });
    bus.setDown("n3");
    for (const n of nodes) await n.plugin.start();
    const prevoted = () => {
      const s = nodes[0].plugin.status();
      return s.height === 2 && s.step === "prevote";
    };
    expect(await clock.runUntil(prevoted, 20_000)).toBe(true);
    await nodes[0].plugin.stop();
    bus.setDown("n0"); // its last prevote, still in flight, is lost
    await clock.advance(300);
    bus.setDown("n0", false);
    const restarted = new BftConsensus({
      app: nodes[0].chain,
      chain: CHAIN,
      committee,
      keys: memberKeys(0),
      channel: bus.channel("n0"),
      clock,
      logger: nullLogger,
      // Impatient after the restart: it gives up on the proposal (prevote nil) before the proposer sends it again.
      params: { timeoutProposeMs: 50 },
    });
    nodes[0] = { ...nodes[0], plugin: restarted };
    await restarted.start();
    const live = nodes.slice(0, 3);
    expect(await clock.runUntil(() => live.every((n) => n.chain.finalizedHeight() >= 5), 60_000)).toBe(true);
    await stopAll(nodes.map((n) => n.plugin));
    await expectSameChain(live);
    expect(nodes.flatMap((n) => n.plugin.evidence())).toEqual([]);
  });

  it("without empty blocks, a height waits for transactions", async () => {
    const { clock, nodes } = await createCluster({ members: 4, params: () => ({ emptyBlocks: false }) });
    for (const n of nodes) await n.plugin.start();
    await clock.advance(5_000);
    expect(nodes.map((n) => n.chain.head().height)).toEqual([0, 0, 0, 0]);
    for (const n of nodes) await n.chain.submitTxs(transfers(2));
    expect(await clock.runUntil(() => nodes.every((n) => n.chain.finalizedHeight() >= 1), 10_000)).toBe(true);
    expect((await nodes[0].chain.getBlock(1))?.txs).toHaveLength(2);
    await clock.advance(5_000);
    expect(nodes.map((n) => n.chain.head().height)).toEqual([1, 1, 1, 1]);
    await stopAll(nodes.map((n) => n.plugin));
  });

  it("drops garbage, forged and far-off messages and keeps going", async () => {
    const { clock, bus, nodes } = await createCluster({ members: 4 });
    const rogue = bus.channel("rogue");
    for (const n of nodes) await n.plugin.start();
    const outsider = blsKeyGen(new Uint8Array(32).fill(250));
    let i = 0;
    const spam = () => {
      i++;
      rogue.publish(BFT_PROPOSAL, new Uint8Array([0x96, i & 0x7f, 1, 2]));
      rogue.publish(BFT_VOTE, new Uint8Array(i % 50).fill(i));
      // Signed by a key outside the committee, in the name of a member.
      const height = 1 + (i % 3);
      const blockHash = new Uint8Array(32).fill(i);
      const signature = blsSign(
        outsider.secretKey,
        voteMessage(CHAIN, VoteType.Precommit, height, 0, blockHash),
      );
      const forged = { type: VoteType.Precommit, height, round: 0, blockHash, voter: i % 4, signature };
      rogue.publish(BFT_VOTE, encodeVote(forged));
      rogue.publish(BFT_VOTE, encodeVote({ ...forged, height: 1_000_000 }));
      rogue.publish(BFT_VOTE, encodeVote({ ...forged, voter: 4 + i }));
      clock.setTimer(7, spam);
    };
    spam();
    expect(await clock.runUntil(() => nodes.every((n) => n.chain.finalizedHeight() >= 3), 20_000)).toBe(true);
    await stopAll(nodes.map((n) => n.plugin));
    await expectSameChain(nodes);
  });

  it("is built from the registry and refuses a committee or keys it cannot work with", () => {
    const committee = committeeOf(4);
    const base = {
      chain: CHAIN,
      clock: { now: () => 0, setTimer: () => () => {} },
      logger: nullLogger,
      params: {},
    };
    const app = { head: () => ({ height: 0, hash: new Uint8Array(32), stateRoot: new Uint8Array(32) }) };
    const channel = { publish() {}, send() {}, subscribe: () => () => {} };
    const ctx = { ...base, app, committee, keys: memberKeys(0), channel } as unknown as ConstructorParameters<
      typeof BftConsensus
    >[0];
    expect(consensusFactory("bft")(ctx).name).toBe("bft");
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as { code: string }).code;
      }
      return "none";
    };
    expect(code(() => new BftConsensus({ ...ctx, channel: null }))).toBe("BFT_ERROR_NO_CHANNEL");
    expect(code(() => new BftConsensus({ ...ctx, keys: { ed25519: memberKeys(0).ed25519 } }))).toBe(
      "BFT_ERROR_MISSING_KEY",
    );
    expect(code(() => new BftConsensus({ ...ctx, keys: { ...memberKeys(0), bls: memberKeys(1).bls } }))).toBe(
      "BFT_ERROR_MISSING_KEY",
    );
    const keyless = { epoch: 0, members: committee.members.map((m) => ({ ...m, blsPublicKey: undefined })) };
    expect(code(() => new BftConsensus({ ...ctx, committee: keyless }))).toBe("BFT_ERROR_BAD_COMMITTEE");
    const zero = { epoch: 0, members: committee.members.map((m) => ({ ...m, weight: 0 })) };
    expect(code(() => new BftConsensus({ ...ctx, committee: zero }))).toBe("BFT_ERROR_BAD_COMMITTEE");
    expect(code(() => new BftConsensus({ ...ctx, params: { bogus: 1 } }))).toBe("BFT_ERROR_BAD_OPTION");
    // A node outside the committee needs no BLS key: it follows.
    expect(code(() => new BftConsensus({ ...ctx, keys: { ed25519: memberKeys(9).ed25519 } }))).toBe("none");
  });
});
