import { VoteType } from "./messages.ts";
import type { TimeoutStep } from "./options.ts";
import { exceedsOneThird, NIL, type VoteAddResult, VoteSet } from "./voteSet.ts";

/** Where a node is within a round. `new-height`: the height's rounds have not started (the wait after a commit). */
export type BftStep = "new-height" | "propose" | "prevote" | "precommit";

/** What the state machine asks its plugin to do; block hashes are hex, {@link NIL} for nil. */
export type BftAction =
  /** Propose in `round`: the block of `reproposal` (valid since its `validRound`) or a new one. */
  | { type: "propose"; round: number; reproposal: { hash: string; validRound: number } | null }
  /** Sign and send a vote, then feed it back through `addVote`. */
  | { type: "vote"; voteType: VoteType; round: number; hash: string }
  /** Call `onTimeout(step, round)` after the step's timeout for that round. */
  | { type: "timeout"; step: TimeoutStep; round: number }
  /** A quorum precommitted the valid block `hash` in `round`: commit it. */
  | { type: "decide"; round: number; hash: string };

/** A proposal as the state machine sees it (its signature was checked, its block validated, by the caller). */
export interface ProposalInfo {
  round: number;
  validRound: number;
  hash: string;
}

/**
 * Most rounds ahead of its own that a node keeps messages for. Honest nodes are at most a few rounds apart (the f+1 rule
 * pulls laggards forward), so 32 loses nothing while bounding what a Byzantine member can make a node store.
 */
export const MAX_ROUNDS_AHEAD = 32;

/**
 * Tendermint's consensus for one height ("The latest gossip on BFT consensus", Buchman, Kwon, Milosevic 2018,
 * Algorithm 1), as a pure state machine: inputs are checked proposals, checked votes and timeouts; outputs are
 * actions. Locking (lockedValue/lockedRound) and validValue/validRound make it safe with f Byzantine of 3f+1 by weight;
 * growing timeouts and the f+1 round skip make it live once the network settles. `T` is what is kept per vote.
 */
export class RoundState<T> {
  round = 0;
  step: BftStep = "new-height";
  lockedRound = -1;
  lockedHash: string | null = null;
  validRound = -1;
  validHash: string | null = null;
  decision: { round: number; hash: string } | null = null;
  private readonly proposals = new Map<number, ProposalInfo>();
  private readonly validity = new Map<string, boolean>();
  private readonly votes = new Map<number, { prevote: VoteSet<T>; precommit: VoteSet<T> }>();
  /** Rules that fire once per round ("for the first time" in Algorithm 1). */
  private readonly fired = new Set<string>();

  /** `weights[i]` is member i's weight; `ownIndex` is this node's member index, -1 for a follower. */
  constructor(
    readonly height: number,
    private readonly weights: readonly number[],
    private readonly ownIndex: number,
  ) {}

  /** The member that proposes in `round`: leaders rotate with height and round. */
  proposer(round: number): number {
    return (this.height + round) % this.weights.length;
  }

  /** The first proposal kept for `round`. */
  proposalAt(round: number): ProposalInfo | undefined {
    return this.proposals.get(round);
  }

  /** Whether the block `hash` was found valid (undefined: not seen). */
  validityOf(hash: string): boolean | undefined {
    return this.validity.get(hash);
  }

  /** The votes of a type in a round, if any came. */
  votesAt(round: number, type: VoteType): VoteSet<T> | undefined {
    const sets = this.votes.get(round);
    return type === VoteType.Prevote ? sets?.prevote : sets?.precommit;
  }

  /** Whether any proposal or vote of this height was kept. */
  hasMessages(): boolean {
    return this.proposals.size > 0 || this.votes.size > 0;
  }

  /** Whether messages of `round` are kept (not too far ahead). */
  accepts(round: number): boolean {
    return round <= this.round + MAX_ROUNDS_AHEAD;
  }

  /** Starts round 0 (ends the wait after the previous commit). */
  start(): BftAction[] {
    if (this.step !== "new-height" || this.decision) return [];
    return [...this.enterRound(0), ...this.evaluate()];
  }

  /**
   * Takes back the lock and valid value this node had at this height before a restart (their blocks found valid
   * again); only before the rounds start, when the node cannot have locked on anything yet.
   */
  restoreLock(lock: Pick<RoundState<T>, "lockedRound" | "lockedHash" | "validRound" | "validHash">): void {
    if (this.step !== "new-height") return;
    this.lockedRound = lock.lockedRound;
    this.lockedHash = lock.lockedHash;
    this.validRound = lock.validRound;
    this.validHash = lock.validHash;
    for (const hash of [lock.lockedHash, lock.validHash]) if (hash !== null) this.validity.set(hash, true);
  }

  /** Keeps the first proposal of its round; `valid` is the application's verdict on its block. */
  addProposal(p: ProposalInfo, valid: boolean): BftAction[] {
    if (!this.accepts(p.round) || this.proposals.has(p.round)) return [];
    this.proposals.set(p.round, p);
    if (!this.validity.has(p.hash)) this.validity.set(p.hash, valid);
    return this.evaluate();
  }

  /**
   * Counts a vote whose signature was checked; a conflict is the voter's second, different vote (evidence). `force`:
   * see {@link VoteSet.add}.
   */
  addVote(
    type: VoteType,
    round: number,
    voter: number,
    hash: string,
    payload: T,
    force = false,
  ): { result: VoteAddResult<T> | { kind: "ignored" }; actions: BftAction[] } {
    if (!this.accepts(round)) return { result: { kind: "ignored" }, actions: [] };
    let sets = this.votes.get(round);
    if (!sets) {
      sets = { prevote: new VoteSet<T>(this.weights), precommit: new VoteSet<T>(this.weights) };
      this.votes.set(round, sets);
    }
    const result = (type === VoteType.Prevote ? sets.prevote : sets.precommit).add(
      voter,
      hash,
      payload,
      force,
    );
    const counted = result.kind === "added" || (result.kind === "conflict" && result.counted);
    return { result, actions: counted ? this.evaluate() : [] };
  }

  /** A timeout scheduled by a `timeout` action fell due; stale ones (another round or step) do nothing. */
  onTimeout(step: TimeoutStep, round: number): BftAction[] {
    if (this.decision || round !== this.round || this.step === "new-height") return [];
    if (step === "propose" && this.step === "propose") {
      this.step = "prevote";
      return [this.vote(VoteType.Prevote, NIL), ...this.evaluate()];
    }
    if (step === "prevote" && this.step === "prevote") {
      this.step = "precommit";
      return [this.vote(VoteType.Precommit, NIL), ...this.evaluate()];
    }
    if (step === "precommit") return [...this.enterRound(round + 1), ...this.evaluate()];
    return [];
  }

  private vote(voteType: VoteType, hash: string): BftAction {
    return { type: "vote", voteType, round: this.round, hash };
  }

  private once(rule: string): boolean {
    const key = `${rule}/${this.round}`;
    if (this.fired.has(key)) return false;
    this.fired.add(key);
    return true;
  }

  private enterRound(round: number): BftAction[] {
    this.round = round;
    this.step = "propose";
    const out: BftAction[] = [];
    if (this.proposer(round) === this.ownIndex)
      out.push({
        type: "propose",
        round,
        reproposal: this.validHash === null ? null : { hash: this.validHash, validRound: this.validRound },
      });
    // Every node waits for the proposal, the proposer too: if it fails to build one, it still moves on.
    out.push({ type: "timeout", step: "propose", round });
    return out;
  }

  /** Fires rules until none applies; each fires at most once per state, so this ends. */
  private evaluate(): BftAction[] {
    const out: BftAction[] = [];
    for (;;) {
      const fired = this.fireOne();
      if (fired === null) return out;
      out.push(...fired);
    }
  }

  private fireOne(): BftAction[] | null {
    if (this.decision) return null;
    // Line 49: a quorum of precommits for a valid block, in any round, decides it.
    for (const [round, sets] of this.votes) {
      const hash = sets.precommit.quorumBlock();
      if (hash !== null && this.validity.get(hash) === true) {
        this.decision = { round, hash };
        return [{ type: "decide", round, hash }];
      }
    }
    if (this.step === "new-height") return null;
    // Line 55: more than a third of the weight is in a higher round: at least one honest node is there, go too.
    let skipTo = -1;
    for (const round of this.votes.keys())
      if (round > this.round && round > skipTo && this.participates(round)) skipTo = round;
    if (skipTo >= 0) return this.enterRound(skipTo);
    return this.onProposeStep() ?? this.onPrevotes() ?? this.onPrecommits();
  }

  private participates(round: number): boolean {
    const sets = this.votes.get(round);
    if (!sets) return false;
    const voters = new Set([...sets.prevote.voters(), ...sets.precommit.voters()]);
    let weight = 0;
    for (const v of voters) weight += this.weights[v];
    const total = this.weights.reduce((a, b) => a + b, 0);
    return exceedsOneThird(weight, total);
  }

  /** Lines 22 and 28: prevote the round's proposal unless locked on another block (the validRound exception). */
  private onProposeStep(): BftAction[] | null {
    if (this.step !== "propose") return null;
    const p = this.proposals.get(this.round);
    if (!p) return null;
    const valid = this.validity.get(p.hash) === true;
    let accept: boolean;
    if (p.validRound < 0) accept = valid && (this.lockedRound < 0 || this.lockedHash === p.hash);
    else if (p.validRound < this.round && this.votes.get(p.validRound)?.prevote.hasQuorumFor(p.hash))
      accept = valid && (this.lockedRound <= p.validRound || this.lockedHash === p.hash);
    else return null; // wait for the polka it claims, or the propose timeout
    this.step = "prevote";
    return [this.vote(VoteType.Prevote, accept ? p.hash : NIL)];
  }

  /** Lines 34, 36 and 44: prevote timeout, lock on a polka, precommit nil on a nil quorum. */
  private onPrevotes(): BftAction[] | null {
    if (this.step !== "prevote" && this.step !== "precommit") return null;
    const prevotes = this.votes.get(this.round)?.prevote;
    if (!prevotes) return null;
    if (this.step === "prevote" && prevotes.hasQuorumAny() && this.once("prevote-timeout"))
      return [{ type: "timeout", step: "prevote", round: this.round }];
    const polka = prevotes.quorumBlock();
    if (polka !== null && this.validity.get(polka) === true && this.once("polka")) {
      const out: BftAction[] = [];
      if (this.step === "prevote") {
        this.lockedHash = polka;
        this.lockedRound = this.round;
        this.step = "precommit";
        out.push(this.vote(VoteType.Precommit, polka));
      }
      this.validHash = polka;
      this.validRound = this.round;
      return out;
    }
    if (this.step === "prevote" && prevotes.hasQuorumNil()) {
      this.step = "precommit";
      return [this.vote(VoteType.Precommit, NIL)];
    }
    return null;
  }

  /** Line 47: a quorum of any precommits starts the precommit timeout, after which the next round starts. */
  private onPrecommits(): BftAction[] | null {
    const precommits = this.votes.get(this.round)?.precommit;
    if (precommits?.hasQuorumAny() && this.once("precommit-timeout"))
      return [{ type: "timeout", step: "precommit", round: this.round }];
    return null;
  }
}
