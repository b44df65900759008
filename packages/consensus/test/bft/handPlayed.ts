import { bytesToHex } from "@vshard/crypto";
import { type ConsensusApp, type ConsensusChannel, consensusAppWith, type Logger } from "@vshard/engine";
import { type Block, headerHash } from "@vshard/types";
import { BftSigner } from "../../src/bft/bftSigner.ts";
import { LOCK_KEY } from "../../src/bft/lockStore.ts";
import { type BftMessage, MessageCheck } from "../../src/bft/messageCheck.ts";
import { BFT_PROPOSAL, BFT_VOTE, encodeVote, VoteType } from "../../src/bft/messages.ts";
import type { SimClock } from "../fakeBus.ts";
import { type BftNode, CHAIN, createCluster, memberKeys, reopenNode } from "./bftCluster.ts";

/** The hex hash of a block. */
export const hashOf = (block: Block): string => bytesToHex(headerHash(block.header));

/**
 * A 4-member cluster of which only member `me` runs its plugin; the test signs the other members' proposals and votes
 * by hand, and reads what `me` sends. Every step is exact: no timing or seed decides the outcome.
 */
export class HandPlayed {
  /** Messages `me` sent, decoded, in order (its current plugin's and earlier ones'). */
  readonly sent: BftMessage[] = [];
  private readonly signers = Array.from({ length: 4 }, (_, index) => {
    const k = memberKeys(index);
    return new BftSigner(CHAIN, {
      ed25519SecretKey: k.ed25519.secretKey,
      blsSecretKey: k.bls.secretKey,
      index,
    });
  });
  private readonly driver: ConsensusChannel;

  private constructor(
    private readonly cluster: Awaited<ReturnType<typeof createCluster>>,
    readonly me: number,
    public node: BftNode,
  ) {
    const { bus, committee } = cluster;
    this.driver = bus.channel("driver");
    const check = new MessageCheck(committee, CHAIN);
    const spy = bus.channel("spy");
    for (const kind of [BFT_PROPOSAL, BFT_VOTE])
      spy.subscribe(kind, (from, data) => {
        const m = from === node.id ? check.decode(kind, data) : null;
        if (m && m !== "malformed") this.sent.push(m);
      });
  }

  /** Starts member `me` of a fresh cluster; `app` may stand between its plugin and its chain. */
  static async start(me: number, opts: NodeOptions = {}): Promise<HandPlayed> {
    const cluster = await createCluster({ members: 4 });
    const fresh = cluster.nodes[me];
    const node = opts.app || opts.logger ? await reopenNode(cluster, fresh, me, opts) : fresh;
    const played = new HandPlayed(cluster, me, node);
    await played.node.plugin.start();
    return played;
  }

  get clock(): SimClock {
    return this.cluster.clock;
  }

  /** A new block at `me`'s next height, stamped as proposed by member `proposer` (blocks of different ones differ). */
  async block(proposer: number): Promise<Block> {
    const { chain } = this.node;
    const time = chain.headTime() + 1 + proposer;
    const proposerKey = memberKeys(proposer).ed25519.publicKey;
    return (await chain.prepareProposal({ proposer: proposerKey, time, epoch: 0 })).block;
  }

  /** Member `signer` (the proposer of the round) proposes `block` in `round`. */
  propose(signer: number, round: number, block: Block, validRound = -1, polka: Uint8Array[] = []): void {
    const height = block.header.height;
    this.driver.publish(BFT_PROPOSAL, this.signers[signer].proposal(height, round, validRound, block, polka));
  }

  /** Members `voters` vote `hash` ("" for nil) at (height, round). */
  vote(type: VoteType, voters: number[], height: number, round: number, hash: string): void {
    for (const v of voters)
      this.driver.publish(BFT_VOTE, encodeVote(this.signers[v].vote(type, height, round, hash)));
  }

  /** The hash `me` voted for (a `type` vote at height and round), once it sent it; undefined while it has not. */
  votedFor(type: VoteType, height: number, round: number): string | undefined {
    const v = this.sent.find(
      (m) => m.kind === "vote" && m.vote.type === type && m.height === height && m.round === round,
    );
    return v?.hash;
  }

  /** Runs the clock until `me` sent a proposal for (height, round) and returns it (fails after 30 s). */
  async awaitProposal(height: number, round: number): Promise<Extract<BftMessage, { kind: "proposal" }>> {
    const find = () =>
      this.sent.find((m) => m.kind === "proposal" && m.height === height && m.round === round) as
        | Extract<BftMessage, { kind: "proposal" }>
        | undefined;
    await this.clock.runUntil(() => find() !== undefined, 30_000);
    return find() ?? Promise.reject(new Error(`member ${this.me} sent no proposal`));
  }

  /** Runs the clock until `me` sent a `type` vote at (height, round) and returns its hash (fails after 30 s). */
  async awaitVote(type: VoteType, height: number, round: number): Promise<string> {
    const sent = await this.clock.runUntil(() => this.votedFor(type, height, round) !== undefined, 30_000);
    if (!sent)
      throw new Error(`member ${this.me} sent no ${VoteType.Prevote === type ? "prevote" : "precommit"}`);
    return this.votedFor(type, height, round) as string;
  }

  /**
   * Crashes `me` and starts it again on the same database; `hideLock`: the restarted plugin does not find the stored
   * lock (as if the record were deleted).
   */
  async restart(opts: { hideLock?: boolean; logger?: Logger } = {}): Promise<void> {
    await this.node.plugin.stop();
    const app = opts.hideLock ? withoutLock : undefined;
    this.node = await reopenNode(this.cluster, this.node, this.me, { app, logger: opts.logger });
    await this.node.plugin.start();
  }
}

/** How a hand-played member is built. */
export interface NodeOptions {
  app?: (chain: ConsensusApp) => ConsensusApp;
  logger?: Logger;
}

/** `chain` as a plugin sees it, minus the stored lock. */
function withoutLock(chain: ConsensusApp): ConsensusApp {
  const app = consensusAppWith(chain, (stxs) => chain.submitTxs(stxs));
  return {
    ...app,
    loadConsensusData: (name) => (name === LOCK_KEY ? Promise.resolve(null) : app.loadConsensusData(name)),
  };
}

/** A logger that keeps the messages of errors. */
export function errorLog(): Logger & { errors: string[] } {
  const errors: string[] = [];
  const logger = {
    errors,
    debug() {},
    info() {},
    warn() {},
    error(_context: object, message: string) {
      errors.push(message);
    },
    child: () => logger,
  };
  return logger;
}
