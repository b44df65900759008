import { bytesEqual } from "@vshard/crypto";
import type {
  AssembledBlock,
  ConsensusChannel,
  ConsensusContext,
  ConsensusPlugin,
  Evidence,
  Logger,
  PeerFault,
} from "@vshard/engine";
import type { Header } from "@vshard/types";
import { BlockSync, defaultBlockSyncOptions } from "../sync/blockSync.ts";
import { BftError } from "./bftError.ts";
import { BftHeight } from "./bftHeight.ts";
import { BftSigner } from "./bftSigner.ts";
import { BftStats, type BftStatus } from "./bftStats.ts";
import { applySyncedBlocks } from "./catchUp.ts";
import { verifyBftCertificate } from "./certificate.ts";
import { EvidenceLog } from "./evidenceLog.ts";
import { defaultFutureMessagesOptions, FutureMessages } from "./futureMessages.ts";
import { LockStore } from "./lockStore.ts";
import { type BftMessage, MessageCheck } from "./messageCheck.ts";
import { BFT_PROPOSAL, BFT_VOTE, VoteType } from "./messages.ts";
import { type BftOptions, bftOptionsFrom } from "./options.ts";
import { MAX_ROUNDS_AHEAD } from "./roundState.ts";
import { SignGuard, SignStep } from "./signGuard.ts";
import { exceedsOneThird } from "./voteSet.ts";

export type { BftCounters, BftStatus } from "./bftStats.ts";

/**
 * Tendermint-style BFT: one height at a time, rotating proposers, BLS-signed prevotes and precommits, a block decided
 * by a quorum (> 2/3 of the weight) of precommits, whose aggregate is the header's certificate. Messages for the next
 * heights are kept until the node gets there; a node that fell behind catches up by block sync. Every handler and
 * timer runs its work through one queue and returns its promise. The rules are in `RoundState`, one height's work in
 * `BftHeight`; this class routes messages, keeps the evidence and moves from height to height.
 */
export class BftConsensus implements ConsensusPlugin {
  readonly name = "bft";
  private readonly opts: BftOptions;
  private readonly weights: number[];
  private readonly totalWeight: number;
  private readonly ownIndex: number;
  private readonly signer: BftSigner | null = null;
  private guard: SignGuard | null = null;
  private lockStore: LockStore | null = null;
  private readonly channel: ConsensusChannel;
  private readonly logger: Logger;
  private readonly check: MessageCheck;
  private readonly sync: BlockSync;
  private readonly future = new FutureMessages();
  private readonly evidenceLog: EvidenceLog;
  private readonly stats = new BftStats();
  private current: BftHeight;
  private readonly timers = new Set<() => void>();
  private readonly unsubscribe: Array<() => void> = [];
  private queue: Promise<void> = Promise.resolve();
  private running = false;

  constructor(private readonly ctx: ConsensusContext) {
    this.opts = bftOptionsFrom(ctx.params);
    const { members } = ctx.committee;
    const fail = (code: BftError["code"], field: string, message: string): never => {
      throw new BftError({ code, field }, `bft: ${message}`);
    };
    if (members.length === 0) fail("BFT_ERROR_BAD_COMMITTEE", "members", "the committee is empty");
    for (const [i, m] of members.entries()) {
      if (!Number.isSafeInteger(m.weight) || m.weight <= 0)
        fail("BFT_ERROR_BAD_COMMITTEE", `members[${i}].weight`, `member ${i} has weight ${m.weight}`);
      if (!m.blsPublicKey)
        fail("BFT_ERROR_BAD_COMMITTEE", `members[${i}].blsPublicKey`, `member ${i} has no BLS key`);
    }
    this.channel = ctx.channel ?? fail("BFT_ERROR_NO_CHANNEL", "channel", "needs a message channel");
    this.weights = members.map((m) => m.weight);
    this.totalWeight = this.weights.reduce((a, b) => a + b, 0);
    this.ownIndex = members.findIndex((m) => bytesEqual(m.publicKey, ctx.keys.ed25519.publicKey));
    if (this.ownIndex >= 0) {
      const bls = ctx.keys.bls;
      if (!bls || !bytesEqual(bls.publicKey, members[this.ownIndex].blsPublicKey as Uint8Array))
        fail("BFT_ERROR_MISSING_KEY", "keys.bls", "a member needs the BLS key its committee entry names");
      const keys = { ed25519SecretKey: ctx.keys.ed25519.secretKey, index: this.ownIndex };
      this.signer = new BftSigner(ctx.chain, {
        ...keys,
        blsSecretKey: (bls as { secretKey: Uint8Array }).secretKey,
      });
    }
    this.logger = ctx.logger.child({ module: "bft" });
    this.check = new MessageCheck(ctx.committee, ctx.chain);
    this.evidenceLog = new EvidenceLog(this.logger);
    this.current = this.heightAt(ctx.app.head().height + 1);
    const { app } = ctx;
    this.sync = new BlockSync(defaultBlockSyncOptions, {
      channel: this.channel,
      clock: ctx.clock,
      source: { height: () => app.head().height, blockAt: (h) => app.getBlock(h) },
      onBlocks: (from, blocks) =>
        this.enqueue(async () => {
          const verifyCertificate = (h: Header) => this.verifyCertificate(h);
          const applied = await applySyncedBlocks(app, blocks, {
            verifyCertificate,
            logger: this.logger,
            from,
            epoch: ctx.committee.epoch,
          });
          if (applied > 0) await this.enterHeight(app.head().height + 1, 0);
        }),
      logger: this.logger,
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    const { app } = this.ctx;
    if (this.signer) this.guard = await SignGuard.load(app);
    if (this.signer) this.lockStore = await LockStore.load(app);
    this.running = true;
    // Committed is final in bft: a block is committed only with a quorum certificate.
    app.markFinalized(app.head().height);
    for (const kind of [BFT_PROPOSAL, BFT_VOTE])
      this.unsubscribe.push(
        this.channel.subscribe(kind, (from, data) =>
          this.enqueue(() => this.handle(kind, from, data, false)),
        ),
      );
    this.sync.start();
    if (this.ownIndex < 0) this.logger.info({}, "bft: this node is not in the committee; it follows only");
    await this.enqueue(async () => {
      await this.enterHeight(app.head().height + 1, 0);
      await this.current.restoreLock();
      // After a restart: count again the last message this member signed at this height (and send it again).
      const last = this.guard?.lastSigned();
      if (last?.height !== this.current.height) return;
      const kind = last.step === SignStep.Propose ? BFT_PROPOSAL : BFT_VOTE;
      this.channel.publish(kind, last.data);
      await this.handle(kind, "self", last.data, true);
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const u of this.unsubscribe.splice(0)) u();
    this.sync.stop();
    this.cancelTimers();
    this.current.close();
    await this.queue;
  }

  verifyCertificate(header: Header): boolean {
    return verifyBftCertificate(this.ctx.committee, this.ctx.chain, header);
  }

  evidence(): Evidence[] {
    return this.evidenceLog.all();
  }

  /** The height, round and step this node is in, its locks, and its counters (see `BftCounters`). */
  status(): BftStatus {
    return this.stats.status(this.current.state);
  }

  /** Runs `task` after every task queued before it; resolves with its result (undefined if it failed or we stopped). */
  private enqueue<T>(task: () => Promise<T>): Promise<T | undefined> {
    const run = this.queue
      .then(() => (this.running ? task() : undefined))
      .catch((err) => {
        this.logger.error({ err }, "bft: task failed");
        return undefined;
      });
    this.queue = run.then(() => undefined);
    return run;
  }

  private setTimer(ms: number, task: () => Promise<void>): void {
    const cancel = this.ctx.clock.setTimer(ms, () => {
      this.timers.delete(cancel);
      return this.enqueue(task);
    });
    this.timers.add(cancel);
  }

  private cancelTimers(): void {
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }

  private heightAt(height: number): BftHeight {
    const { app, clock, keys, committee } = this.ctx;
    return new BftHeight(height, {
      app,
      channel: this.stats.counting(this.channel),
      members: committee.members,
      ownIndex: this.ownIndex,
      signer: this.signer,
      guard: this.guard,
      lockStore: this.lockStore,
      opts: this.opts,
      logger: this.logger,
      build: (extraMs: number): Promise<AssembledBlock> => {
        const time = Math.max(clock.now(), app.headTime() + 1) + extraMs;
        return app.prepareProposal({ proposer: keys.ed25519.publicKey, time, epoch: committee.epoch });
      },
      setTimer: (ms, task) => this.setTimer(ms, task),
      feedPolkaVote: async (from, data, polka) => {
        await this.handle(BFT_VOTE, from, data, false, polka);
      },
      addEvidence: (e) => this.stats.recordEvidence(this.evidenceLog, e),
      onCommitted: () => this.enterHeight(app.head().height + 1, this.opts.blockIntervalMs),
    });
  }

  /** Moves to `height` (after a commit or a sync): a fresh height, started after `delayMs`, fed its kept messages. */
  private async enterHeight(height: number, delayMs: number): Promise<void> {
    this.cancelTimers();
    this.current.close();
    this.stats.heightEnded(this.current.state);
    const next = this.heightAt(height);
    this.current = next;
    this.check.prune(height);
    next.begin(delayMs);
    for (const m of this.future.take(height)) {
      if (this.current !== next) break;
      await this.handle(m.kind, m.from, m.data, true);
    }
  }

  /**
   * Decodes, checks and routes one message; `replayed` ones were checked when they were kept for later. `polka`: the
   * message came inside a proposal as part of its proof of lock, and must be a prevote of that round for that block.
   */
  private async handle(
    kind: string,
    from: string,
    data: Uint8Array,
    replayed: boolean,
    polka?: { round: number; hash: string },
  ): Promise<PeerFault | undefined> {
    const m = this.check.decode(kind, data);
    if (m === "malformed") {
      this.logger.debug({ from, kind }, "bft: malformed message dropped");
      return "malformed";
    }
    if (!m) return;
    const { height, state } = this.current;
    if (m.height < height) return;
    if (m.height > height + defaultFutureMessagesOptions.heightsAhead) {
      this.sync.observe(from, m.height - 1);
      return;
    }
    if (m.height === height ? !state.accepts(m.round) : m.round > MAX_ROUNDS_AHEAD) return;
    if (polka) {
      const matches = m.kind === "vote" && m.vote.type === VoteType.Prevote && m.height === height;
      if (!matches || m.round !== polka.round || m.hash !== polka.hash) return;
      if (state.votesAt(m.round, VoteType.Prevote)?.has(m.signer, m.hash)) return;
    }
    if (!replayed && !this.check.seen(m)) {
      // Not charged to the sender: near an epoch change an honest member's message can be checked against the
      // wrong committee (the next height may belong to the next epoch's).
      if (!this.check.verify(m)) {
        this.logger.debug({ from, kind }, "bft: bad signature, message dropped");
        return;
      }
    } else if (!replayed && !polka) return; // a copy of a message already handled
    if (m.height > height) {
      this.keepForLater(m, kind, from, data);
      return;
    }
    this.check.remember(m);
    if (m.kind === "proposal") await this.current.onProposal(m, from, data);
    else await this.current.onVote(m, data, polka !== undefined);
  }

  private keepForLater(m: BftMessage, kind: string, from: string, data: Uint8Array): void {
    const { height } = this.current;
    if (this.future.add(height, m.height, m.signer, { kind, from, data })) this.check.remember(m);
    // A message two heights up, or more than a third of the weight at the next height: others committed blocks that
    // this node lacks; ask block sync for them.
    let ahead = m.height > height + 1;
    if (!ahead) {
      let weight = 0;
      for (const i of this.future.membersAt(height + 1)) weight += this.weights[i];
      ahead = exceedsOneThird(weight, this.totalWeight);
    }
    if (ahead) this.sync.observe(from, m.height - 1);
  }
}
