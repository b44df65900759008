import { bytesToHex } from "@vshard/crypto";
import {
  type AssembledBlock,
  BlockError,
  type CommitteeMember,
  type ConsensusApp,
  type ConsensusChannel,
  type Evidence,
  type Logger,
} from "@vshard/engine";
import { type Block, headerHash } from "@vshard/types";
import { type BftSigner, equivocalHash } from "./bftSigner.ts";
import { makeBftCertificate } from "./certificate.ts";
import { HeightLock } from "./heightLock.ts";
import type { LockStore } from "./lockStore.ts";
import type { BftMessage } from "./messageCheck.ts";
import { BFT_PROPOSAL, BFT_VOTE, type BftVote, encodeVote, VoteType } from "./messages.ts";
import { type BftOptions, bftTimeoutMs } from "./options.ts";
import { type BftAction, RoundState } from "./roundState.ts";
import { type SignGuard, SignStep } from "./signGuard.ts";

/** What a {@link BftHeight} is given by its plugin. */
export interface BftHeightModules {
  app: ConsensusApp;
  channel: ConsensusChannel;
  members: CommitteeMember[];
  ownIndex: number;
  /** Null for a follower. */
  signer: BftSigner | null;
  /** Refuses to sign twice for one step (null for a follower). */
  guard: SignGuard | null;
  /** Keeps the lock across restarts (null for a follower). */
  lockStore: LockStore | null;
  opts: BftOptions;
  logger: Logger;
  /** Builds a new block from the mempool, stamped `extraMs` after now. */
  build(extraMs: number): Promise<AssembledBlock>;
  /** Runs `task` on the plugin's queue after `ms` (cancelled when the height ends). */
  setTimer(ms: number, task: () => Promise<void>): void;
  /** Checks and counts a prevote that came in a proposal's proof of lock (`polka`: its round and block). */
  feedPolkaVote(from: string, data: Uint8Array, polka: { round: number; hash: string }): Promise<void>;
  addEvidence(e: Evidence): void;
  /** Called after this height's block is committed (or its commit failed): the plugin moves on. */
  onCommitted(): Promise<void>;
}

/**
 * One height of the bft plugin: drives its {@link RoundState} with checked messages and timeouts, and performs the
 * state machine's actions (build and sign proposals, sign votes, commit the decided block with its certificate).
 * Messages of the current round this node signed are sent again every `rebroadcastMs` until the height ends, so that
 * a lost message delays a round instead of stalling it.
 */
export class BftHeight {
  readonly state: RoundState<BftVote>;
  /** Blocks seen at this height by hash (hex): executed, or null when invalid. */
  private readonly candidates = new Map<string, AssembledBlock | null>();
  /** The first proposal of each round, encoded (evidence quotes it). */
  private readonly firstProposals = new Map<number, Uint8Array>();
  /** Proposals this node signed, by round (two when equivocating). */
  private readonly ownProposals = new Map<number, Uint8Array[]>();
  /** Rounds this node proposed two blocks in (fault injection): the second block's hash. */
  private readonly otherBlocks = new Map<number, string>();
  /** Stores the lock when it changes, and takes it back after a restart (null for a follower). */
  private readonly lock: HeightLock | null;
  private closed = false;

  constructor(
    readonly height: number,
    private readonly m: BftHeightModules,
  ) {
    const weights = m.members.map((x) => x.weight);
    this.state = new RoundState(height, weights, m.ownIndex);
    const { lockStore: store, logger, feedPolkaVote } = m;
    const blockOf = (hash: string) => this.candidates.get(hash)?.block;
    const validate = (block: Block, hash: string) => this.validate(block, hash);
    this.lock =
      store && new HeightLock(height, { store, state: this.state, logger, feedPolkaVote, blockOf, validate });
  }

  /** After a restart, before the rounds start: takes back the lock stored at this height, if any (see `HeightLock`). */
  async restoreLock(): Promise<void> {
    await this.lock?.restore();
  }

  /** Ends the height: pending work and timers of it do nothing from now on. */
  close(): void {
    this.closed = true;
  }

  /** Starts round 0 after `delayMs` (later when blocks are not made empty and there is nothing to propose). */
  begin(delayMs: number): void {
    this.m.setTimer(delayMs, async () => {
      const { state } = this;
      if (this.closed || state.step !== "new-height" || state.decision) return;
      if (!this.m.opts.emptyBlocks && !state.hasMessages()) {
        const probe = await this.m.build(0).catch(() => null);
        if (!probe || probe.block.txs.length === 0) return this.begin(this.m.opts.blockIntervalMs);
      }
      if (this.m.signer) this.scheduleRebroadcast();
      await this.run(state.start());
    });
  }

  async onProposal(
    msg: Extract<BftMessage, { kind: "proposal" }>,
    from: string,
    data: Uint8Array,
  ): Promise<void> {
    const { round, hash, proposal } = msg;
    const first = this.state.proposalAt(round);
    if (first) {
      if (first.hash !== hash) this.addEvidence("double-proposal", msg, this.firstProposals.get(round), data);
      return;
    }
    // The proof of lock first, so that the proposal finds its polka counted.
    if (proposal.validRound >= 0) {
      const polka = { round: proposal.validRound, hash };
      for (const vote of proposal.polka.slice(0, this.m.members.length))
        await this.m.feedPolkaVote(from, vote, polka);
    }
    const valid = await this.validate(proposal.block, hash);
    if (this.closed || this.state.proposalAt(round)) return;
    this.firstProposals.set(round, data);
    await this.run(this.state.addProposal({ round, validRound: proposal.validRound, hash }, valid));
  }

  /** Counts a checked vote; `force`: it is part of a proof of lock (see `VoteSet.add`). */
  async onVote(msg: Extract<BftMessage, { kind: "vote" }>, data: Uint8Array, force = false): Promise<void> {
    const { vote, hash } = msg;
    const { result, actions } = this.state.addVote(vote.type, vote.round, vote.voter, hash, vote, force);
    if (result.kind === "conflict") this.addEvidence("double-vote", msg, encodeVote(result.first), data);
    await this.run(actions);
  }

  private addEvidence(
    kind: Evidence["kind"],
    msg: BftMessage,
    first: Uint8Array | undefined,
    second: Uint8Array,
  ) {
    if (!first) return;
    const offender = this.m.members[msg.signer].publicKey;
    this.m.addEvidence({ kind, offender, height: msg.height, round: msg.round, first, second });
  }

  /** Executes a proposed block once; a `BlockError` makes it invalid. */
  private async validate(block: Block, hash: string): Promise<boolean> {
    if (this.candidates.has(hash)) return this.candidates.get(hash) !== null;
    try {
      this.candidates.set(hash, await this.m.app.processProposal(block));
      return true;
    } catch (err) {
      if (!(err instanceof BlockError)) {
        this.m.logger.error({ err, hash }, "bft: a proposal could not be checked");
        return false;
      }
      this.m.logger.info({ err: err.message, hash }, "bft: invalid proposal");
      this.candidates.set(hash, null);
      return false;
    }
  }

  /** Performs the state machine's actions, and those they lead to, while the height lasts. */
  private async run(actions: BftAction[]): Promise<void> {
    const pending = [...actions];
    for (let a = pending.shift(); a && !this.closed; a = pending.shift()) {
      // The lock is stored before anything signed after it changed is sent.
      const stored = (await this.lock?.persist()) ?? true;
      if (a.type === "timeout") {
        const { step, round } = a;
        this.m.setTimer(bftTimeoutMs(this.m.opts, step, round), () =>
          this.closed ? Promise.resolve() : this.run(this.state.onTimeout(step, round)),
        );
      } else if (a.type === "decide") await this.decide(a.round, a.hash);
      else if (!stored || this.closed) continue;
      else if (a.type === "propose") pending.push(...(await this.propose(a.round, a.reproposal)));
      else pending.push(...(await this.castVote(a.voteType, a.round, a.hash)));
    }
    if (!this.closed) await this.lock?.persist();
  }

  private scheduleRebroadcast(): void {
    this.m.setTimer(this.m.opts.rebroadcastMs, async () => {
      if (this.closed) return;
      const { round } = this.state;
      for (const data of this.ownProposals.get(round) ?? []) this.m.channel.publish(BFT_PROPOSAL, data);
      for (const type of [VoteType.Prevote, VoteType.Precommit]) {
        const own = this.state.votesAt(round, type)?.voteOf(this.m.ownIndex);
        if (own) this.m.channel.publish(BFT_VOTE, encodeVote(own.payload));
      }
      this.scheduleRebroadcast();
    });
  }

  private async propose(
    round: number,
    reproposal: { hash: string; validRound: number } | null,
  ): Promise<BftAction[]> {
    const { signer, guard } = this.m;
    if (!signer || !guard) return [];
    const reused = reproposal ? this.candidates.get(reproposal.hash) : null;
    const validRound = reused && reproposal ? reproposal.validRound : -1;
    let assembled: AssembledBlock;
    try {
      assembled = reused ?? (await this.m.build(0));
    } catch (err) {
      this.m.logger.error({ err, height: this.height, round }, "bft: could not build a proposal");
      return [];
    }
    const sign = (a: AssembledBlock, vr: number) => {
      const hash = bytesToHex(headerHash(a.block.header));
      const votes = vr < 0 ? [] : (this.state.votesAt(vr, VoteType.Prevote)?.votesFor(hash) ?? []);
      const polka = votes.map((v) => encodeVote(v.payload));
      return { hash, data: signer.proposal(this.height, round, vr, a.block, polka) };
    };
    const send = (a: AssembledBlock, hash: string, data: Uint8Array) => {
      this.m.channel.publish(BFT_PROPOSAL, data);
      if (!this.firstProposals.has(round)) this.firstProposals.set(round, data);
      this.ownProposals.set(round, [...(this.ownProposals.get(round) ?? []), data]);
      this.candidates.set(hash, a);
    };
    const { hash, data } = sign(assembled, validRound);
    if (!(await this.claim(guard, round, SignStep.Propose, hash, data)) || this.closed) return [];
    send(assembled, hash, data);
    if (this.m.opts.faults.equivocate) {
      // Fault injection: a second block for the same round, one millisecond later, signed and sent as well.
      const other = await this.m.build(1).catch(() => null);
      if (other && !this.closed) {
        const second = sign(other, -1);
        send(other, second.hash, second.data);
        this.otherBlocks.set(round, second.hash);
      }
    }
    return this.closed ? [] : this.state.addProposal({ round, validRound, hash }, true);
  }

  private async castVote(type: VoteType, round: number, hash: string): Promise<BftAction[]> {
    const { signer, guard } = this.m;
    if (!signer || !guard) return [];
    const step = type === VoteType.Prevote ? SignStep.Prevote : SignStep.Precommit;
    const vote = signer.vote(type, this.height, round, hash);
    const data = encodeVote(vote);
    if (!(await this.claim(guard, round, step, hash, data)) || this.closed) return [];
    this.m.channel.publish(BFT_VOTE, data);
    if (this.m.opts.faults.equivocate) {
      // Fault injection: the same vote for another hash, this node's other block if it has one.
      const alt = this.otherBlocks.get(round);
      const other = alt && alt !== hash ? alt : equivocalHash(this.height, round, type, hash);
      this.m.channel.publish(BFT_VOTE, encodeVote(signer.vote(type, this.height, round, other)));
    }
    return this.state.addVote(type, round, vote.voter, hash, vote).actions;
  }

  /** Asks the guard; a refusal (a step signed before a restart) or a storage error is logged, and nothing is sent. */
  private async claim(
    guard: SignGuard,
    round: number,
    step: SignStep,
    hash: string,
    data: Uint8Array,
  ): Promise<boolean> {
    try {
      if (await guard.claim(this.height, round, step, hash, data)) return true;
      this.m.logger.warn(
        { height: this.height, round, step },
        "bft: not signing: this step was signed before",
      );
    } catch (err) {
      this.m.logger.error(
        { err, height: this.height, round },
        "bft: could not store the signed step; not sending",
      );
    }
    return false;
  }

  /** Commits the decided block with its certificate: the aggregate of the round's precommits for it. */
  private async decide(round: number, hash: string): Promise<void> {
    const assembled = this.candidates.get(hash);
    if (!assembled) return; // the state machine decides only blocks found valid, which are all here
    const precommits = this.state.votesAt(round, VoteType.Precommit)?.votesFor(hash) ?? [];
    const certificate = makeBftCertificate(
      this.m.members.length,
      round,
      precommits.map((v) => ({ voter: v.voter, signature: v.payload.signature })),
    );
    const header = { ...assembled.block.header, certificate };
    try {
      await this.m.app.commitBlock({ ...assembled, block: { ...assembled.block, header } });
      this.m.app.markFinalized(header.height);
      this.m.logger.debug({ height: header.height, round, hash }, "bft: block committed");
    } catch (err) {
      this.m.logger.error({ err, height: header.height }, "bft: commit of a decided block failed");
    }
    this.close();
    await this.m.onCommitted();
  }
}
