import { bytesToHex } from "@vshard/crypto";
import { type ConsensusApp, consensusAppWith } from "@vshard/engine";
import type { Block } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { decodeStoredLock, encodeStoredLock, LOCK_KEY } from "../../src/bft/lockStore.ts";
import { decodeVote, VoteType } from "../../src/bft/messages.ts";
import { NIL } from "../../src/bft/voteSet.ts";
import { errorLog, HandPlayed, hashOf } from "./handPlayed.ts";

const { Prevote, Precommit } = VoteType;

async function storedLock(played: HandPlayed) {
  const bytes = await played.node.chain.loadConsensusData(LOCK_KEY);
  expect(bytes).not.toBeNull();
  return decodeStoredLock(bytes as Uint8Array);
}

/**
 * Member `me` of 4 locks on a block B of height 1 in round 0 (member 1 proposes it, two others prevote it) and
 * precommits it; then it crashes and restarts before the height is decided, and the two others precommit nil in round
 * 0, which takes it to round 1. `hideLock`: the restarted member does not find its stored lock (the control).
 */
async function lockedThenRestarted(me: number, hideLock: boolean): Promise<{ played: HandPlayed; b: Block }> {
  const played = await HandPlayed.start(me);
  const b = await played.block(1);
  const two = [0, 1, 2, 3].filter((i) => i !== me).slice(0, 2);
  played.propose(1, 0, b);
  played.vote(Prevote, two, 1, 0, hashOf(b));
  expect(await played.awaitVote(Precommit, 1, 0)).toBe(hashOf(b));
  expect(played.node.plugin.status()).toMatchObject({ height: 1, lockedRound: 0, validRound: 0 });
  const lock = await storedLock(played);
  expect(lock).toMatchObject({ height: 1, lockedRound: 0, validRound: 0 });
  expect([lock.locked, lock.valid].map((x) => x && hashOf(x))).toEqual([hashOf(b), hashOf(b)]);
  expect(lock.polka).toHaveLength(3);
  await played.restart({ hideLock });
  played.vote(Precommit, two, 1, 0, NIL);
  return { played, b };
}

describe("bft lock across restarts", () => {
  it("a member locked on B and restarted prevotes nil for another block proposed without a proof of lock", async () => {
    const { played, b } = await lockedThenRestarted(0, false);
    expect(played.node.plugin.status()).toMatchObject({ lockedRound: 0, validRound: 0 });
    const other = await played.block(2);
    expect(hashOf(other)).not.toBe(hashOf(b));
    played.propose(2, 1, other);
    expect(await played.awaitVote(Prevote, 1, 1)).toBe(NIL);
    expect(played.node.plugin.status()).toMatchObject({ height: 1, round: 1, lockedRound: 0 });
    // Round 1 fails; in round 2 member 3 proposes B again: the restarted member prevotes it.
    played.vote(Precommit, [1, 2, 3], 1, 1, NIL);
    played.propose(3, 2, b);
    expect(await played.awaitVote(Prevote, 1, 2)).toBe(hashOf(b));
    await played.node.plugin.stop();
    expect(played.node.plugin.evidence()).toEqual([]);

    // Control: the same run, but the restarted member does not find the stored lock: it prevotes the other block,
    // contradicting its precommit for B in round 0 (amnesia).
    const control = await lockedThenRestarted(0, true);
    expect(control.played.node.plugin.status().lockedRound).toBe(-1);
    const otherAgain = await control.played.block(2);
    control.played.propose(2, 1, otherAgain);
    expect(await control.played.awaitVote(Prevote, 1, 1)).toBe(hashOf(otherAgain));
    await control.played.node.plugin.stop();
  });

  it("a restarted proposer re-proposes its valid block with its proof of lock", async () => {
    // Member 2 proposes at height 1, round 1.
    const { played, b } = await lockedThenRestarted(2, false);
    const { hash, proposal } = await played.awaitProposal(1, 1);
    expect(hash).toBe(hashOf(b));
    expect(proposal.validRound).toBe(0);
    const polka = proposal.polka.map((v) => decodeVote(v));
    expect(polka.map((v) => v.voter).sort()).toEqual([0, 1, 2]);
    for (const v of polka)
      expect([v.type, v.height, v.round, bytesToHex(v.blockHash)]).toEqual([Prevote, 1, 0, hashOf(b)]);
    await played.node.plugin.stop();

    // Control: without the stored lock it proposes a new block.
    const control = await lockedThenRestarted(2, true);
    const fresh = await control.played.awaitProposal(1, 1);
    expect(fresh.hash).not.toBe(hashOf(b));
    expect(fresh.proposal.validRound).toBe(-1);
    await control.played.node.plugin.stop();
  });

  it("ignores a stored lock of an older height, and replaces it with the first lock of the new one", async () => {
    const played = await HandPlayed.start(0);
    const b = await played.block(1);
    played.propose(1, 0, b);
    played.vote(Prevote, [1, 2], 1, 0, hashOf(b));
    await played.awaitVote(Precommit, 1, 0);
    played.vote(Precommit, [1, 2], 1, 0, hashOf(b));
    expect(await played.clock.runUntil(() => played.node.chain.head().height === 1, 10_000)).toBe(true);
    expect((await storedLock(played)).height).toBe(1);
    const log = errorLog();
    await played.restart({ logger: log });
    const c = await played.block(2);
    played.propose(2, 0, c);
    expect(await played.awaitVote(Prevote, 2, 0)).toBe(hashOf(c));
    expect(played.node.plugin.status()).toMatchObject({ height: 2, lockedRound: -1 });
    played.vote(Prevote, [2, 3], 2, 0, hashOf(c));
    expect(await played.awaitVote(Precommit, 2, 0)).toBe(hashOf(c));
    const lock = await storedLock(played);
    expect([lock.height, lock.lockedRound, lock.locked && hashOf(lock.locked)]).toEqual([2, 0, hashOf(c)]);
    await played.node.plugin.stop();
    expect(log.errors).toEqual([]);
  });

  it("starts without a stored lock whose block is no longer valid, and logs an error", async () => {
    const played = await HandPlayed.start(0);
    const b = await played.block(1);
    const broken = { ...b, header: { ...b.header, stateRoot: new Uint8Array(32).fill(9) } };
    const lock = { height: 1, lockedRound: 0, locked: broken, validRound: 0, valid: broken, polka: [] };
    await played.node.chain.saveConsensusData(LOCK_KEY, encodeStoredLock(lock));
    const log = errorLog();
    await played.restart({ logger: log });
    played.propose(1, 0, b);
    expect(await played.awaitVote(Prevote, 1, 0)).toBe(hashOf(b));
    await played.node.plugin.stop();
    expect(log.errors).toContainEqual(expect.stringMatching(/stored locked block is no longer valid/));
  });

  it("refuses to start on an unreadable stored lock", async () => {
    const played = await HandPlayed.start(0);
    await played.node.chain.saveConsensusData(LOCK_KEY, new Uint8Array([0x93, 1, 2, 3]));
    const started = played.restart();
    await expect(started).rejects.toMatchObject({
      code: "BFT_ERROR_BAD_STORED_DATA",
      type: { field: LOCK_KEY },
    });
    await expect(started).rejects.toThrowError(
      /stored lock \(consensus data "bft\/lock"\) is unreadable: bft lock/,
    );
  });

  it("a member that cannot store its lock does not send the precommit that follows from it", async () => {
    const failing = (chain: ConsensusApp): ConsensusApp => ({
      ...consensusAppWith(chain, (stxs) => chain.submitTxs(stxs)),
      saveConsensusData: (name, value) =>
        name === LOCK_KEY ? Promise.reject(new Error("disk full")) : chain.saveConsensusData(name, value),
    });
    const log = errorLog();
    const played = await HandPlayed.start(0, { app: failing, logger: log });
    const b = await played.block(1);
    played.propose(1, 0, b);
    played.vote(Prevote, [1, 2], 1, 0, hashOf(b));
    expect(await played.awaitVote(Prevote, 1, 0)).toBe(hashOf(b));
    await played.clock.advance(3_000);
    expect(played.node.plugin.status()).toMatchObject({ round: 0, step: "precommit", lockedRound: 0 });
    expect(played.votedFor(Precommit, 1, 0)).toBeUndefined();
    expect(log.errors).toContainEqual("bft: could not store the lock; not signing");
    await played.node.plugin.stop();
  });
});
