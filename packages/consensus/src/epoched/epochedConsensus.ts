import type {
  Committee,
  ConsensusApp,
  ConsensusContext,
  ConsensusFactory,
  ConsensusPlugin,
  ConsensusStatus,
  Evidence,
} from "@vshard/engine";
import type { Header } from "@vshard/types";
import type { CertificateVerifier } from "../certificateVerifiers.ts";

/** Which committee decides each height of a shard, epoch by epoch. */
export interface CommitteeSchedule {
  /** The epoch whose committee decides block `height` (≥ 1); the same on every node. */
  epochOfHeight(height: number): number;
  /** That epoch's committee; null while the main chain has not fixed it yet (the shard waits for it). */
  committee(epoch: number): Promise<Committee | null>;
  /** The committee of an epoch already fetched, without waiting (certificate checks); undefined otherwise. */
  knownCommittee(epoch: number): Committee | undefined;
}

/**
 * How long a shard that reached an epoch whose committee is not fixed yet waits before asking again: a tenth of a
 * typical main-chain epoch, so the delay it adds stays small next to the epoch itself.
 */
export const COMMITTEE_RETRY_MS = 250;

/**
 * Runs a committee-based plugin (bft, solo) under a committee that changes every epoch: one inner plugin per epoch,
 * built with that epoch's committee; when the block that ends an epoch is committed, the inner plugin stops and the
 * next epoch's starts from the committed head (after waiting, if needed, until the main chain fixes its committee).
 * Certificates of any epoch are checked against that epoch's committee; a header must name the epoch its height
 * belongs to.
 */
export class EpochedConsensus implements ConsensusPlugin {
  readonly name: string;
  private current: { epoch: number; plugin: ConsensusPlugin } | null = null;
  /** Evidence gathered by the plugins of past epochs. */
  private readonly pastEvidence: Evidence[] = [];
  private running = false;
  private rotating: Promise<void> = Promise.resolve();
  private rotations = 0;
  private readonly app: ConsensusApp;

  constructor(
    private readonly ctx: ConsensusContext,
    private readonly inner: { name: string; factory: ConsensusFactory; verifier: CertificateVerifier },
    private readonly schedule: CommitteeSchedule,
  ) {
    this.name = inner.name;
    // The inner plugins commit through this app, so a commit that ends an epoch triggers the rotation.
    this.app = {
      ...ctx.app,
      commitBlock: async (assembled) => {
        const head = await ctx.app.commitBlock(assembled);
        if (this.running && this.schedule.epochOfHeight(head.height + 1) !== this.current?.epoch)
          ctx.clock.setTimer(0, () => this.rotate());
        return head;
      },
    };
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.rotate();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.rotating;
    await this.current?.plugin.stop();
  }

  verifyCertificate(header: Header): boolean {
    if (header.height < 1 || header.epoch !== this.schedule.epochOfHeight(header.height)) return false;
    const committee = this.schedule.knownCommittee(header.epoch);
    return committee !== undefined && this.inner.verifier(committee, this.ctx.chain, header);
  }

  evidence(): Evidence[] {
    return [...this.pastEvidence, ...(this.current?.plugin.evidence() ?? [])];
  }

  status(): ConsensusStatus {
    const epoch = this.schedule.epochOfHeight(this.ctx.app.head().height + 1);
    const inner = this.current?.plugin.status() ?? {
      plugin: this.name,
      height: this.ctx.app.head().height + 1,
      counters: {},
    };
    return {
      ...inner,
      epoch,
      counters: { ...inner.counters, committeeRotations: this.rotations },
    };
  }

  /** Moves to the epoch of the next height if it changed; retries later while its committee is not fixed. */
  private rotate(): Promise<void> {
    this.rotating = this.rotating.then(async () => {
      if (!this.running) return;
      const epoch = this.schedule.epochOfHeight(this.ctx.app.head().height + 1);
      if (this.current?.epoch === epoch) return;
      // The old committee must not decide the first height of the new epoch, even while the new one is not known.
      if (this.current) {
        await this.current.plugin.stop();
        this.pastEvidence.push(...this.current.plugin.evidence());
        this.current = null;
        this.rotations++;
      }
      const committee = await this.schedule.committee(epoch);
      if (!committee) {
        this.ctx.clock.setTimer(COMMITTEE_RETRY_MS, () => this.rotate());
        return;
      }
      this.ctx.logger.info({ epoch, members: committee.members.length }, "epoch committee in force");
      const plugin = this.inner.factory({ ...this.ctx, app: this.app, committee });
      this.current = { epoch, plugin };
      await plugin.start();
    });
    return this.rotating;
  }
}
