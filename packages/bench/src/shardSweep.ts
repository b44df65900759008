import type { BenchRunResult } from "./benchResult.ts";
import { type ConsensusSweepOutcome, runSaturationSweep } from "./consensusSweep.ts";
import type { ShardedNetworkConfig } from "./shardedNetwork.ts";

/** Options of {@link runShardSweep}. */
export interface ShardSweepOptions {
  /** One network per shard count, in the order of the table (by increasing shard count for the chart). */
  networks: readonly ShardedNetworkConfig[];
  /** Runs of each network (min/median/max over them). */
  repeats: number;
  /** One run at saturation on a fresh network of `config`; `repeat` is 0-based (the caller varies the seed with it). */
  run: (config: ShardedNetworkConfig, repeat: number) => Promise<BenchRunResult>;
  log: (line: string) => void;
}

/** A shard count in tables and progress lines: "4 (solo, 4 validators)". */
export function shardSweepLabel(config: ShardedNetworkConfig): string {
  return `${config.shards} (${config.consensus}, ${config.validators} validator${config.validators === 1 ? "" : "s"})`;
}

/**
 * A sweep over shard counts, each run at saturation on a fresh network: point x = the shard count, so that the
 * charts draw committed TPS and p99 latency against it. Stops at a failing run as {@link runSaturationSweep}.
 */
export function runShardSweep(opts: ShardSweepOptions): Promise<ConsensusSweepOutcome> {
  return runSaturationSweep({
    ...opts,
    configs: opts.networks,
    name: "shard sweep",
    label: shardSweepLabel,
    x: (c) => c.shards,
    sweep: { parameter: "shards", xLabel: "shards" },
  });
}
