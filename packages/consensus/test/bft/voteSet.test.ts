import { describe, expect, it } from "vitest";
import { exceedsOneThird, MAX_HASHES_PER_VOTER, NIL, quorumWeight, VoteSet } from "../../src/bft/voteSet.ts";

const A = "aa".repeat(32);
const B = "bb".repeat(32);

describe("quorum thresholds", () => {
  it("a quorum is more than two thirds, f+1 more than a third", () => {
    expect([1, 3, 4, 6, 7, 10, 100].map(quorumWeight)).toEqual([1, 3, 3, 5, 5, 7, 67]);
    expect(exceedsOneThird(1, 4)).toBe(false);
    expect(exceedsOneThird(2, 4)).toBe(true);
    expect(exceedsOneThird(1, 3)).toBe(false);
    expect(exceedsOneThird(2, 6)).toBe(false);
    expect(exceedsOneThird(3, 7)).toBe(true);
  });
});

describe("VoteSet", () => {
  it("finds a quorum for a block, by weight", () => {
    const set = new VoteSet<string>([1, 1, 1, 1]);
    expect(set.add(0, A, "v0")).toEqual({ kind: "added" });
    expect(set.add(1, A, "v1")).toEqual({ kind: "added" });
    expect(set.hasQuorumFor(A)).toBe(false);
    expect(set.quorumBlock()).toBeNull();
    expect(set.add(2, A, "v2")).toEqual({ kind: "added" });
    expect(set.hasQuorumFor(A)).toBe(true);
    expect(set.quorumBlock()).toBe(A);
    expect(set.votesFor(A).map((v) => v.voter)).toEqual([0, 1, 2]);
    const weighted = new VoteSet<string>([5, 1, 1, 1]);
    weighted.add(0, B, "heavy");
    expect(weighted.hasQuorumFor(B)).toBe(false);
    weighted.add(1, B, "x");
    expect(weighted.hasQuorumFor(B)).toBe(true);
  });

  it("a quorum of nil is not a block quorum; mixed votes reach the any-quorum", () => {
    const set = new VoteSet<string>([1, 1, 1, 1]);
    for (const v of [0, 1, 2]) set.add(v, NIL, "nil");
    expect(set.hasQuorumNil()).toBe(true);
    expect(set.quorumBlock()).toBeNull();
    const mixed = new VoteSet<string>([1, 1, 1, 1]);
    mixed.add(0, A, "a");
    mixed.add(1, B, "b");
    expect(mixed.hasOneThirdAny()).toBe(true);
    expect(mixed.hasQuorumAny()).toBe(false);
    mixed.add(2, NIL, "nil");
    expect(mixed.hasQuorumAny()).toBe(true);
    expect(mixed.hasQuorumNil() || mixed.hasQuorumFor(A) || mixed.hasQuorumFor(B)).toBe(false);
  });

  it("f+1: more than a third of the weight", () => {
    const set = new VoteSet<string>([1, 1, 1, 1]);
    set.add(3, A, "a");
    expect(set.hasOneThirdAny()).toBe(false);
    set.add(2, NIL, "nil");
    expect(set.hasOneThirdAny()).toBe(true);
  });

  it("repeats are duplicates; a second, different vote is a conflict that keeps the first", () => {
    const set = new VoteSet<string>([1, 1, 1, 1]);
    set.add(0, A, "first");
    expect(set.add(0, A, "again")).toEqual({ kind: "duplicate" });
    expect(set.add(0, B, "second")).toEqual({ kind: "conflict", first: "first", counted: true });
    expect(set.voteOf(0)).toEqual({ hash: A, payload: "first" });
    // The equivocator counts once towards "any", once for each block it signed.
    expect(set.votedWeight()).toBe(1);
    expect(set.weightFor(A)).toBe(1);
    expect(set.weightFor(B)).toBe(1);
    // Past the per-voter bound, further hashes are evidence only, unless forced (a proof of lock).
    expect(MAX_HASHES_PER_VOTER).toBe(2);
    expect(set.add(0, NIL, "third")).toEqual({ kind: "conflict", first: "first", counted: false });
    expect(set.weightFor(NIL)).toBe(0);
    expect(set.add(0, NIL, "forced", true)).toEqual({ kind: "conflict", first: "first", counted: true });
    expect(set.has(0, NIL)).toBe(true);
  });

  it("votes of unknown members are refused", () => {
    const set = new VoteSet<string>([1, 1]);
    expect(set.add(2, A, "x")).toEqual({ kind: "unknown-voter" });
    expect(set.add(-1, A, "x")).toEqual({ kind: "unknown-voter" });
    expect(set.add(0.5, A, "x")).toEqual({ kind: "unknown-voter" });
    expect(set.voters()).toEqual([]);
  });
});
