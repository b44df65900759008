import type { CommitteeSchedule } from "@vshard/consensus";
import { bytesToHex } from "@vshard/crypto";
import {
  type Committee,
  type EpochTracker,
  epochStart,
  type MainChainRules,
  type RegistryReader,
  type ValidatorEntry,
} from "@vshard/engine";
import type { ShardSpec } from "@vshard/types";
import { committeeMembers } from "./workerShard.ts";

/** The plugins whose committee is re-drawn every epoch (dpos shards elect their producers by stake instead). */
export const ROTATING_PLUGINS: ReadonlySet<string> = new Set(["bft", "solo"]);

/**
 * Shard blocks per committee epoch: as many as fit in one main-chain epoch at the shard's cadence, so a shard reaches
 * its next epoch about when the main chain fixes that epoch's committee.
 */
export function shardEpochBlocks(rules: MainChainRules, mainBlockMs: number, shardBlockMs: number): number {
  return Math.max(1, Math.round((rules.epochBlocks * mainBlockMs) / shardBlockMs));
}

/**
 * The committees of one worker shard, epoch by epoch, the same on every node: the shard starts in `startEpoch` with
 * that epoch's draw; for a rotating plugin, shard heights [1 + k·L, (k+1)·L] are decided by epoch startEpoch + k's
 * draw (an epoch that seats nobody in this shard keeps the previous committee); a dpos shard keeps its start committee
 * (its producer candidates). Committees once fetched are kept, so certificate checks can read them synchronously.
 */
export class ShardCommitteeSchedule implements CommitteeSchedule {
  private readonly committees = new Map<number, Committee>();

  constructor(
    readonly opts: {
      chainId: number;
      shard: number;
      plugin: string;
      spec: ShardSpec;
      startEpoch: number;
      startCommittee: Committee;
      /** Shard blocks per epoch (`shardEpochBlocks`). */
      epochBlocks: number;
      rules: MainChainRules;
    },
    private readonly modules: { tracker: EpochTracker; registry: RegistryReader },
  ) {
    this.committees.set(opts.startEpoch, opts.startCommittee);
  }

  get rotates(): boolean {
    return ROTATING_PLUGINS.has(this.opts.plugin);
  }

  epochOfHeight(height: number): number {
    if (!this.rotates) return this.opts.startEpoch;
    return this.opts.startEpoch + Math.floor(Math.max(0, height - 1) / this.opts.epochBlocks);
  }

  /** Main height of the last block whose data fixed epoch e's committee. */
  fixedAtHeight(epoch: number): number {
    return epoch === 0 ? 0 : epochStart(epoch, this.opts.rules) - 1;
  }

  knownCommittee(epoch: number): Committee | undefined {
    return this.committees.get(this.rotates ? epoch : this.opts.startEpoch);
  }

  async committee(epoch: number): Promise<Committee | null> {
    const known = this.knownCommittee(epoch);
    if (known) return known;
    if (epoch < this.opts.startEpoch) return null;
    const drawn = await this.modules.tracker.committeesOf(epoch);
    if (!drawn) return null;
    const sortition = drawn.assignment?.committees.find(
      (c) => c.chainId === this.opts.chainId && c.shard === this.opts.shard,
    );
    let committee: Committee | null;
    if (sortition && sortition.witnesses.length > 0) {
      const validators = new Map<string, ValidatorEntry>(
        (await this.modules.registry.listValidators()).map((v) => [bytesToHex(v.publicKey), v]),
      );
      committee = { epoch, members: committeeMembers(sortition, this.opts.spec, validators) };
    } else {
      const previous = await this.committee(epoch - 1);
      committee = previous && { epoch, members: previous.members };
    }
    if (committee) this.committees.set(epoch, committee);
    return committee;
  }
}

/** Every worker shard's committee schedule, filled as the main chain fixes them (the anchor verifier reads it). */
export class ShardCommitteeBook {
  private readonly schedules = new Map<string, ShardCommitteeSchedule>();

  set(schedule: ShardCommitteeSchedule): void {
    this.schedules.set(`${schedule.opts.chainId}/${schedule.opts.shard}`, schedule);
  }

  get(chainId: number, shard: number): ShardCommitteeSchedule | undefined {
    return this.schedules.get(`${chainId}/${shard}`);
  }

  all(): ShardCommitteeSchedule[] {
    return [...this.schedules.values()];
  }

  /** Fetches every shard's committees up to `epoch` (so certificate checks find them without waiting). */
  async prefetch(epoch: number): Promise<void> {
    for (const s of this.schedules.values())
      if (s.rotates) for (let e = s.opts.startEpoch + 1; e <= epoch; e++) await s.committee(e);
  }
}
