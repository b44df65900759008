import { describe, expect, it } from "vitest";
import { VoteType } from "../../src/bft/messages.ts";
import { type BftAction, MAX_ROUNDS_AHEAD, RoundState } from "../../src/bft/roundState.ts";
import { NIL } from "../../src/bft/voteSet.ts";

const A = "aa".repeat(32);
const B = "bb".repeat(32);
const { Prevote, Precommit } = VoteType;

/** Height 1 of a 4-member committee; proposers by round: 1, 2, 3, 0, 1... */
function node(own = 0): RoundState<string> {
  return new RoundState<string>(1, [1, 1, 1, 1], own);
}

function votes(
  st: RoundState<string>,
  type: VoteType,
  round: number,
  voters: number[],
  hash: string,
): BftAction[] {
  return voters.flatMap((v) => st.addVote(type, round, v, hash, `${v}`).actions);
}

const prevote = (round: number, hash: string): BftAction => ({
  type: "vote",
  voteType: Prevote,
  round,
  hash,
});
const precommit = (round: number, hash: string): BftAction => ({
  type: "vote",
  voteType: Precommit,
  round,
  hash,
});

/** Locks `st` (member 0) on A in round 0: proposal A, a polka for A. */
function lockedOnA(): RoundState<string> {
  const st = node(0);
  st.start();
  st.addProposal({ round: 0, validRound: -1, hash: A }, true);
  votes(st, Prevote, 0, [1, 2, 3], A);
  expect([st.lockedRound, st.lockedHash]).toEqual([0, A]);
  return st;
}

describe("RoundState (Tendermint, one height)", () => {
  it("starts round 0: the proposer proposes, everyone waits for the proposal", () => {
    expect(node(1).start()).toEqual([
      { type: "propose", round: 0, reproposal: null },
      { type: "timeout", step: "propose", round: 0 },
    ]);
    const st = node(2);
    expect(st.start()).toEqual([{ type: "timeout", step: "propose", round: 0 }]);
    expect(st.start()).toEqual([]);
    expect(st.proposer(0)).toBe(1);
    expect(st.proposer(3)).toBe(0);
  });

  it("prevotes a valid proposal, nil for an invalid one or none", () => {
    const st = node(2);
    st.start();
    expect(st.addProposal({ round: 0, validRound: -1, hash: A }, true)).toEqual([prevote(0, A)]);
    expect(st.step).toBe("prevote");
    const bad = node(2);
    bad.start();
    expect(bad.addProposal({ round: 0, validRound: -1, hash: B }, false)).toEqual([prevote(0, NIL)]);
    const late = node(2);
    late.start();
    expect(late.onTimeout("propose", 1)).toEqual([]); // stale: another round
    expect(late.onTimeout("propose", 0)).toEqual([prevote(0, NIL)]);
    expect(late.onTimeout("propose", 0)).toEqual([]); // already past the step
  });

  it("locks and precommits on a polka; precommits nil on a nil quorum or after the prevote timeout", () => {
    const st = node(2);
    st.start();
    st.addProposal({ round: 0, validRound: -1, hash: A }, true);
    expect(votes(st, Prevote, 0, [0, 1], A)).toEqual([]);
    expect(votes(st, Prevote, 0, [2], A)).toEqual([
      { type: "timeout", step: "prevote", round: 0 },
      precommit(0, A),
    ]);
    expect([st.lockedRound, st.lockedHash, st.validRound, st.validHash]).toEqual([0, A, 0, A]);
    const nil = node(2);
    nil.start();
    nil.onTimeout("propose", 0);
    expect(votes(nil, Prevote, 0, [0, 1, 3], NIL)).toContainEqual(precommit(0, NIL));
    expect(nil.lockedRound).toBe(-1);
    const mixed = node(2);
    mixed.start();
    mixed.onTimeout("propose", 0);
    votes(mixed, Prevote, 0, [0], A);
    votes(mixed, Prevote, 0, [1], B);
    expect(votes(mixed, Prevote, 0, [2], NIL)).toEqual([{ type: "timeout", step: "prevote", round: 0 }]);
    expect(mixed.onTimeout("prevote", 0)).toEqual([precommit(0, NIL)]);
  });

  it("decides on a quorum of precommits for a valid block, in any round, and only once", () => {
    const st = node(2);
    st.start();
    // Block not seen yet: no decision (the f+1 rule takes the node to round 3, where it waits).
    expect(votes(st, Precommit, 3, [0, 1, 3], A).map((a) => a.type)).toEqual(["timeout", "timeout"]);
    expect(st.round).toBe(3);
    expect(st.addProposal({ round: 3, validRound: 2, hash: A }, true)).toEqual([
      { type: "decide", round: 3, hash: A },
    ]);
    expect(st.decision).toEqual({ round: 3, hash: A });
    expect(votes(st, Precommit, 3, [2], A)).toEqual([]);
    expect(st.onTimeout("propose", 0)).toEqual([]);
    // An invalid block is never decided.
    const other = node(2);
    other.addProposal({ round: 0, validRound: -1, hash: B }, false);
    expect(votes(other, Precommit, 0, [0, 1, 3], B)).toEqual([]);
  });

  it("before round 0 starts (after a commit) it keeps messages and acts on them at the start", () => {
    const st = node(2);
    expect(st.addProposal({ round: 0, validRound: -1, hash: A }, true)).toEqual([]);
    expect(st.step).toBe("new-height");
    expect(st.hasMessages()).toBe(true);
    expect(st.start()).toEqual([{ type: "timeout", step: "propose", round: 0 }, prevote(0, A)]);
  });

  it("a node locked on A prevotes nil for another block, unless a later polka unlocks it", () => {
    const st = lockedOnA();
    st.onTimeout("precommit", 0); // no precommit quorum timer here: next round by hand
    expect(st.round).toBe(1);
    expect(st.addProposal({ round: 1, validRound: -1, hash: B }, true)).toEqual([prevote(1, NIL)]);
    // Round 2: B proposed again with a polka from round 1 (above the lock in round 0): prevote it.
    const unlocked = lockedOnA();
    unlocked.onTimeout("precommit", 0);
    votes(unlocked, Prevote, 1, [1, 2, 3], B);
    unlocked.onTimeout("prevote", 1);
    unlocked.onTimeout("precommit", 1);
    expect(unlocked.round).toBe(2);
    expect(unlocked.addProposal({ round: 2, validRound: 1, hash: B }, true)).toEqual([prevote(2, B)]);
  });

  it("a lock restored before the rounds start binds as the lock it was; once started, nothing is restored", () => {
    const lock = { lockedRound: 0, lockedHash: A, validRound: 0, validHash: A };
    const st = node(0);
    st.restoreLock(lock);
    expect(st.validityOf(A)).toBe(true);
    st.start();
    expect(st.addProposal({ round: 0, validRound: -1, hash: B }, true)).toEqual([prevote(0, NIL)]);
    const again = node(0);
    again.restoreLock(lock);
    again.start();
    expect(again.addProposal({ round: 0, validRound: -1, hash: A }, true)).toEqual([prevote(0, A)]);
    // Member 3 proposes in round 2: it re-proposes the restored valid block.
    const proposer = node(3);
    proposer.restoreLock({ lockedRound: -1, lockedHash: null, validRound: 1, validHash: B });
    proposer.start();
    proposer.onTimeout("propose", 0);
    votes(proposer, Precommit, 0, [0, 1, 2], NIL);
    proposer.onTimeout("precommit", 0);
    votes(proposer, Precommit, 1, [0, 1, 2], NIL);
    expect(proposer.onTimeout("precommit", 1)).toContainEqual({
      type: "propose",
      round: 2,
      reproposal: { hash: B, validRound: 1 },
    });
    const late = node(0);
    late.start();
    late.restoreLock(lock);
    expect([late.lockedRound, late.lockedHash]).toEqual([-1, null]);
  });

  it("a polka older than the lock does not unlock; a claimed polka not seen is waited for", () => {
    const st = node(0);
    st.start();
    st.onTimeout("propose", 0);
    votes(st, Prevote, 0, [1, 2, 3], B); // polka for B in round 0, B not seen
    st.onTimeout("prevote", 0);
    st.onTimeout("precommit", 0);
    st.addProposal({ round: 1, validRound: -1, hash: A }, true);
    votes(st, Prevote, 1, [1, 2, 3], A);
    expect([st.lockedRound, st.lockedHash]).toEqual([1, A]);
    st.onTimeout("precommit", 1);
    // Round 2 re-proposes B with validRound 0 < lockedRound 1: nil.
    expect(st.addProposal({ round: 2, validRound: 0, hash: B }, true)).toEqual([prevote(2, NIL)]);
    const waiting = node(0);
    waiting.start();
    waiting.onTimeout("propose", 0);
    waiting.onTimeout("prevote", 0);
    votes(waiting, Precommit, 0, [1, 2, 3], NIL);
    waiting.onTimeout("precommit", 0);
    expect(waiting.addProposal({ round: 1, validRound: 0, hash: B }, true)).toEqual([]);
    expect(waiting.step).toBe("propose");
    expect(votes(waiting, Prevote, 0, [1, 2, 3], B)).toContainEqual(prevote(1, B));
  });

  it("a proposer re-proposes its valid block with its valid round", () => {
    const st = node(1); // proposes in rounds 0 and 4
    st.start();
    st.addProposal({ round: 0, validRound: -1, hash: A }, true);
    votes(st, Prevote, 0, [0, 2, 3], A);
    expect(votes(st, Precommit, 0, [0, 2, 3], NIL)).toEqual([
      { type: "timeout", step: "precommit", round: 0 },
    ]);
    for (let r = 0; r < 3; r++) st.onTimeout("precommit", r);
    expect(st.onTimeout("precommit", 3)).toEqual([
      { type: "propose", round: 4, reproposal: { hash: A, validRound: 0 } },
      { type: "timeout", step: "propose", round: 4 },
    ]);
  });

  it("skips to a higher round once more than a third of the weight is there", () => {
    const st = node(2);
    st.start();
    expect(votes(st, Prevote, 5, [0], NIL)).toEqual([]);
    expect(votes(st, Precommit, 5, [3], NIL)).toEqual([
      { type: "propose", round: 5, reproposal: null },
      { type: "timeout", step: "propose", round: 5 },
    ]);
    expect(st.round).toBe(5);
    // Messages too far ahead are not kept.
    expect(st.accepts(5 + MAX_ROUNDS_AHEAD)).toBe(true);
    expect(st.addVote(Prevote, 6 + MAX_ROUNDS_AHEAD, 0, NIL, "x").result).toEqual({ kind: "ignored" });
  });
});
