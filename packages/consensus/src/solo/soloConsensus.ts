import { bytesEqual, createEd25519Signer, ed25519Verify } from "@vshard/crypto";
import type { ConsensusContext, ConsensusPlugin, ConsensusStatus, Evidence } from "@vshard/engine";
import { type Block, type Header, headerHash } from "@vshard/types";
import { BlockSync, defaultBlockSyncOptions } from "../sync/blockSync.ts";

/** Parameters of the solo plugin. */
export interface SoloOptions {
  /** Target time between blocks. */
  blockIntervalMs: number;
  /** Produce blocks even when the mempool is empty (a visible heartbeat for dev chains). */
  emptyBlocks: boolean;
}

/** 250 ms blocks: sub-second finality for a dev chain; empty blocks on, so a running chain is visibly alive. */
export const defaultSoloOptions: SoloOptions = { blockIntervalMs: 250, emptyBlocks: true };

/** Reads solo parameters, falling back to the defaults. */
export function soloOptionsFrom(params: Record<string, unknown>): SoloOptions {
  const interval = params.blockIntervalMs;
  return {
    blockIntervalMs:
      typeof interval === "number" && interval > 0 ? interval : defaultSoloOptions.blockIntervalMs,
    emptyBlocks:
      typeof params.emptyBlocks === "boolean" ? params.emptyBlocks : defaultSoloOptions.emptyBlocks,
  };
}

/**
 * One authority proposes every block and finalises it at once: its certificate is the authority's ed25519 signature over
 * the header hash. For dev chains and single-node benchmarks; with a channel (a shard hosted by several nodes), the
 * other nodes follow by block sync, checking the authority's signature on each block.
 */
export class SoloConsensus implements ConsensusPlugin {
  readonly name = "solo";
  private readonly opts: SoloOptions;
  private readonly authority: Uint8Array;
  private cancelTimer: (() => void) | null = null;
  private running = false;
  private inFlight: Promise<void> = Promise.resolve();
  private sync: BlockSync | null = null;
  /** Synced blocks are applied one batch at a time, in order. */
  private following: Promise<void> = Promise.resolve();
  /** Blocks this node produced and committed since it was created. */
  private blocksProduced = 0;
  /** Signs headers through node:crypto: noble's signing cost ~10 ms a block in profiles, this ~50 µs. */
  private readonly signHeader: (hash: Uint8Array) => Uint8Array;

  constructor(private readonly ctx: ConsensusContext) {
    this.opts = soloOptionsFrom(ctx.params);
    const members = ctx.committee.members;
    if (members.length !== 1)
      throw new Error(`solo consensus needs a committee of exactly one, got ${members.length}`);
    this.authority = members[0].publicKey;
    const signer = createEd25519Signer(ctx.keys.ed25519.secretKey);
    this.signHeader = (hash) => signer.sign(hash);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    // The genesis block is final by definition; so is everything a solo authority committed before a restart.
    this.ctx.app.markFinalized(this.ctx.app.head().height);
    const { channel, clock, logger, app } = this.ctx;
    if (channel) {
      this.sync = new BlockSync(defaultBlockSyncOptions, {
        channel,
        clock,
        logger,
        source: { height: () => app.head().height, blockAt: (h) => app.getBlock(h) },
        onBlocks: (_from, blocks) => {
          this.following = this.following.then(() => this.follow(blocks));
          return this.following;
        },
      });
      this.sync.start();
    }
    if (!bytesEqual(this.ctx.keys.ed25519.publicKey, this.authority)) {
      this.ctx.logger.info({}, "solo: this node is not the authority; it follows only");
      return;
    }
    this.schedule(this.opts.blockIntervalMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.sync?.stop();
    this.sync = null;
    await this.inFlight;
    await this.following;
  }

  verifyCertificate(header: Header): boolean {
    return ed25519Verify(header.certificate, headerHash(header), this.authority);
  }

  /** A single authority cannot contradict itself to anyone: there is no evidence to gather. */
  evidence(): Evidence[] {
    return [];
  }

  /** The next height; counter `blocksProduced`: blocks this authority committed. */
  status(): ConsensusStatus {
    const height = this.ctx.app.head().height + 1;
    return { plugin: this.name, height, counters: { blocksProduced: this.blocksProduced } };
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.cancelTimer = this.ctx.clock.setTimer(ms, () => {
      this.inFlight = this.produce();
      return this.inFlight;
    });
  }

  private async produce(): Promise<void> {
    const started = this.ctx.clock.now();
    try {
      const { app, keys } = this.ctx;
      const assembled = await app.prepareProposal({
        proposer: keys.ed25519.publicKey,
        time: started,
        epoch: this.ctx.committee.epoch,
      });
      if (assembled.block.txs.length > 0 || this.opts.emptyBlocks) {
        assembled.block.header.certificate = this.signHeader(headerHash(assembled.block.header));
        const head = await app.commitBlock(assembled);
        app.markFinalized(head.height);
        this.blocksProduced++;
        this.sync?.announce();
      }
    } catch (err) {
      // A failed round (e.g. a storage error) is logged and retried on the next tick; the node keeps serving.
      this.ctx.logger.error({ err }, "solo: block production failed");
    }
    const elapsed = this.ctx.clock.now() - started;
    this.schedule(Math.max(0, this.opts.blockIntervalMs - elapsed));
  }

  /** Applies the next blocks a peer sent, each signed by the authority; stops at the first that does not fit. */
  private async follow(blocks: Block[]): Promise<void> {
    const { app, logger } = this.ctx;
    for (const block of blocks) {
      if (!this.running || block.header.height !== app.head().height + 1) continue;
      if (!this.verifyCertificate(block.header)) {
        logger.warn(
          { height: block.header.height },
          "solo: synced block not signed by the authority; dropped",
        );
        return;
      }
      try {
        const assembled = await app.processProposal(block);
        const head = await app.commitBlock(assembled);
        app.markFinalized(head.height);
      } catch (err) {
        logger.warn({ err, height: block.header.height }, "solo: synced block refused");
        return;
      }
    }
  }
}
