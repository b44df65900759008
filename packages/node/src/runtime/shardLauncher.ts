import { bytesToHex } from "@vshard/crypto";
import {
  type ChainEntry,
  type EpochTracker,
  epochOf,
  epochStart,
  firstEpochIncluding,
  type Logger,
  type MainChainRules,
  type RegistryReader,
  type ShardChain,
  type ShardSortition,
} from "@vshard/engine";
import { SerialPass } from "./serialPass.ts";
import { type ShardCommitteeBook, ShardCommitteeSchedule, shardEpochBlocks } from "./shardCommittees.ts";
import { type WorkerGenesisRules, type WorkerShardSetup, workerShardSetup } from "./workerShard.ts";

/**
 * Live sharding: after every main-chain commit, finds the worker shards the registry lists that this node does not run
 * yet, and for each one whose committee is fixed (the first epoch whose assignment gives it witnesses) computes its
 * setup — the same on every node — records its committee and hands it to `start`. Passes run one at a time.
 */
export class ShardLauncher {
  /** Shards started or being started, by `chainId/shard`. */
  private readonly launched = new Set<string>();
  /** The next epoch to look in for a shard whose committees so far were empty. */
  private readonly nextEpoch = new Map<string, number>();
  private readonly passes: SerialPass;

  constructor(
    private readonly opts: {
      rules: MainChainRules;
      worker: WorkerGenesisRules;
      genesisTime: number;
      /** The main chain's block interval: sets how many shard blocks an epoch holds. */
      mainBlockMs: number;
    },
    private readonly modules: {
      main: ShardChain;
      registry: RegistryReader;
      tracker: EpochTracker;
      book: ShardCommitteeBook;
      start: (setup: WorkerShardSetup, schedule: ShardCommitteeSchedule) => Promise<void>;
      logger: Logger;
    },
  ) {
    this.passes = new SerialPass(() => this.pass(), modules.logger, "shard launch pass");
  }

  /** Called on every main-chain commit (and once at start): runs a pass, one at a time. */
  onCommit(): void {
    this.passes.request();
  }

  /** Resolves when no pass is running or due. */
  idle(): Promise<void> {
    return this.passes.idle();
  }

  private async pass(): Promise<void> {
    const chains = await this.modules.registry.listChains();
    for (const entry of chains)
      for (const [shard, addedAt] of entry.shardsAddedAt.entries()) {
        const key = `${entry.chainId}/${shard}`;
        if (this.launched.has(key)) continue;
        const found = await this.committeeOf(entry, shard, addedAt);
        if (!found) continue;
        this.launched.add(key);
        const setup = await this.setupOf(entry, shard, found);
        const schedule = new ShardCommitteeSchedule(
          {
            chainId: entry.chainId,
            shard,
            plugin: setup.consensus.name,
            spec: setup.schema.shards[shard],
            startEpoch: found.epoch,
            startCommittee: setup.committee,
            epochBlocks: shardEpochBlocks(
              this.opts.rules,
              this.opts.mainBlockMs,
              setup.chain.blockIntervalMs,
            ),
            rules: this.opts.rules,
          },
          { tracker: this.modules.tracker, registry: this.modules.registry },
        );
        this.modules.book.set(schedule);
        try {
          await this.modules.start(setup, schedule);
        } catch (err) {
          this.modules.logger.error({ err, chain: key }, "worker shard failed to start");
        }
      }
    // Every committee fixed so far, fetched now so that anchor checks never wait for one.
    await this.modules.book.prefetch(epochOf(this.modules.main.head().height + 1, this.opts.rules));
  }

  /** The first fixed epoch (from the one that first includes the shard) whose assignment gives it witnesses. */
  private async committeeOf(
    entry: ChainEntry,
    shard: number,
    addedAt: number,
  ): Promise<{ epoch: number; sortition: ShardSortition; fixedAtHeight: number } | null> {
    const key = `${entry.chainId}/${shard}`;
    const { tracker } = this.modules;
    let epoch = this.nextEpoch.get(key) ?? firstEpochIncluding(addedAt, this.opts.rules);
    for (;;) {
      const committees = await tracker.committeesOf(epoch);
      if (!committees) {
        this.nextEpoch.set(key, epoch);
        return null;
      }
      const sortition = committees.assignment?.committees.find(
        (c) => c.chainId === entry.chainId && c.shard === shard,
      );
      if (sortition && sortition.witnesses.length > 0)
        return { epoch, sortition, fixedAtHeight: committees.fixedAtHeight };
      this.modules.logger.warn(
        { chain: key, epoch },
        "no validator drawn for this shard; waiting for the next epoch",
      );
      epoch++;
    }
  }

  private async setupOf(
    entry: ChainEntry,
    shard: number,
    found: { epoch: number; sortition: ShardSortition },
  ): Promise<WorkerShardSetup> {
    const validators = new Map(
      (await this.modules.registry.listValidators()).map((v) => [bytesToHex(v.publicKey), v]),
    );
    return workerShardSetup({
      entry,
      shard,
      sortition: found.sortition,
      validators,
      epoch: found.epoch,
      time: await this.startTime(found.epoch),
      rules: this.opts.worker,
    });
  }

  /** A shard's genesis time: the main chain's genesis for epoch 0, else the time of the block that closed the epoch before. */
  private async startTime(epoch: number): Promise<number> {
    if (epoch === 0) return this.opts.genesisTime;
    const height = epochStart(epoch, this.opts.rules) - 1;
    const block = await this.modules.main.getBlock(height);
    if (!block) throw new Error(`main block ${height} is not committed yet`);
    return block.header.time;
  }
}
