import { benchChainSchema } from "./benchChainSchema.ts";
import type { LoadBenchCliOptions } from "./benchCommand.ts";
import { BenchError } from "./benchError.ts";
import {
  DEFAULT_CONSENSUS_SWEEP,
  DEFAULT_DEVNET,
  type DevnetConfig,
  devnetConfig,
  isSoloDevnet,
  parseDevnetConfigList,
} from "./devnetConfig.ts";
import { parseShardCountList, type ShardedNetworkConfig, shardedNetworkConfig } from "./shardedNetwork.ts";

function refuse(field: string, message: string): never {
  throw new BenchError({ code: "BENCH_ERROR_INVALID_INPUT", field }, message);
}

/** The first option of a sweep's run that asks for another load than saturation, or `--url`; null if none. */
function saturationClash(o: LoadBenchCliOptions): string | null {
  return o.url
    ? "--url"
    : o.sweepRates
      ? "--sweep-rates"
      : o.ramp
        ? "--ramp"
        : o.rate !== "saturate"
          ? "--rate"
          : null;
}

/**
 * The devnets the options ask for: one (`--consensus`, `--nodes`) or the `--sweep-consensus` list; null with `--url`.
 * Throws a {@link BenchError} for a bad entry or options that do not go together.
 */
export function devnetsOf(o: LoadBenchCliOptions): { devnet: DevnetConfig; sweep: DevnetConfig[] | null } {
  const devnet = devnetConfig(o.consensus ?? "solo", o.nodes ?? 1, "consensus");
  const custom = !isSoloDevnet(devnet);
  if (o.url && custom)
    refuse("consensus", "--consensus and --nodes choose the devnet the harness starts: not with --url");
  if (o.sweepConsensus === undefined) return { devnet, sweep: null };
  const sweep = parseDevnetConfigList(o.sweepConsensus === true ? DEFAULT_CONSENSUS_SWEEP : o.sweepConsensus);
  const clash = saturationClash(o) ?? (custom ? "--consensus/--nodes" : null);
  if (clash) refuse("sweepConsensus", `--sweep-consensus runs each devnet at saturation: not with ${clash}`);
  return { devnet: DEFAULT_DEVNET, sweep };
}

/**
 * The `--cross-shard` ratio (0 when not given). Throws a {@link BenchError} (field `crossShard`) unless it is in 0..1,
 * and, above 0, unless the run is a `transfer` run on a sharded network of 2 or more shards (`--shards`, or a
 * `--sweep-shards` list without 1): a cross-shard transfer goes to another shard of the bench chain.
 */
export function crossShardOf(o: LoadBenchCliOptions): number {
  const ratio = o.crossShard ?? 0;
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1)
    refuse("crossShard", `--cross-shard expects a ratio in 0..1 (e.g. 0.5), got ${ratio}`);
  if (ratio === 0) return 0;
  if (o.workload !== "transfer")
    refuse("crossShard", `--cross-shard applies to the transfer workload, not ${o.workload}`);
  if (o.shards === undefined && o.sweepShards === undefined)
    refuse("crossShard", "--cross-shard needs a sharded run: pass --shards 2 (or more) or --sweep-shards");
  const counts = o.sweepShards !== undefined ? parseShardCountList(o.sweepShards) : [o.shards as number];
  const one = counts.find((s) => s < 2);
  if (one !== undefined)
    refuse(
      "crossShard",
      `--cross-shard needs 2 or more shards (a cross-shard transfer goes to another shard); ` +
        `${o.sweepShards !== undefined ? `--sweep-shards lists ${one}` : `got --shards ${one}`}`,
    );
  return ratio;
}

/**
 * The sharded networks the options ask for: one (`--shards`, with `--validators` and `--shard-consensus`), the
 * `--sweep-shards` list (one network per shard count, `--validators` fixed or the fewest each count needs), or none.
 * Throws a {@link BenchError} naming the field for a bad value or options that do not go together: a sharded run
 * launches its own network (not with `--url`, `--consensus`/`--nodes` or `--sweep-consensus`), and a shard sweep runs
 * each network at saturation.
 */
export function shardedNetworksOf(o: LoadBenchCliOptions): {
  network: ShardedNetworkConfig | null;
  sweep: ShardedNetworkConfig[] | null;
} {
  const sharded = o.shards !== undefined || o.sweepShards !== undefined;
  if (!sharded) {
    if (o.validators !== undefined || o.shardConsensus !== undefined)
      refuse(
        o.validators !== undefined ? "validators" : "shardConsensus",
        "--validators and --shard-consensus shape a sharded network: pass --shards or --sweep-shards",
      );
    return { network: null, sweep: null };
  }
  const field = o.sweepShards !== undefined ? "sweepShards" : "shards";
  const flag = field === "shards" ? "--shards" : "--sweep-shards";
  if (o.shards !== undefined && o.sweepShards !== undefined)
    refuse("sweepShards", "--sweep-shards sets the shard count of each run: not with --shards");
  const singleChain =
    o.url !== undefined
      ? "--url"
      : !isSoloDevnet(devnetConfig(o.consensus ?? "solo", o.nodes ?? 1, "consensus"))
        ? "--consensus/--nodes (use --shard-consensus and --validators)"
        : o.sweepConsensus !== undefined
          ? "--sweep-consensus"
          : null;
  if (singleChain) refuse(field, `${flag} launches its own sharded network: not with ${singleChain}`);
  const plugin = o.shardConsensus ?? "solo";
  // The schema each run writes, checked now rather than after the verify-rate measurement (e.g. --block-interval 5).
  const checked = (config: ShardedNetworkConfig) => {
    benchChainSchema({
      shards: config.shards,
      consensus: config.consensus,
      blockIntervalMs: o.blockInterval,
    });
    return config;
  };
  if (o.shards !== undefined)
    return { network: checked(shardedNetworkConfig(o.shards, o.validators, plugin)), sweep: null };
  const clash = saturationClash(o);
  if (clash) refuse("sweepShards", `--sweep-shards runs each shard count at saturation: not with ${clash}`);
  const counts = parseShardCountList(o.sweepShards as string);
  return { network: null, sweep: counts.map((s) => checked(shardedNetworkConfig(s, o.validators, plugin))) };
}
