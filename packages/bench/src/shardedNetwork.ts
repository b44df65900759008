import { BenchError } from "./benchError.ts";
import { CONSENSUS_PLUGINS, type ConsensusPluginName } from "./devnetConfig.ts";

/**
 * The sharded network a benchmark run launches (`vshard devnet` without `--consensus`): `validators` nodes in one
 * process, each running the main chain and every shard of one worker chain of `shards` shards whose shards all run
 * `consensus`. Every node runs every shard; committees are dealt from the validators, one seat each.
 */
export interface ShardedNetworkConfig {
  shards: number;
  validators: number;
  consensus: ConsensusPluginName;
}

/** The most shards a bench chain may have: a schema's limit is 1,024, but every shard runs in the one process. */
export const MAX_BENCH_SHARDS = 64;

function refuse(field: string, message: string): never {
  throw new BenchError({ code: "BENCH_ERROR_INVALID_INPUT", field }, message);
}

/**
 * The fewest validators the committees need: one for solo shards (with fewer validators than shards the network deals
 * its validators again, so one validator is the authority of every shard, and every tx is checked once), two per
 * shard for bft or dpos (2·S: one seat each, the least that makes a committee of several members).
 */
export function minValidators(shards: number, consensus: ConsensusPluginName): number {
  return consensus === "solo" ? 1 : 2 * shards;
}

/**
 * Validates `--shards`, `--validators` and `--shard-consensus` (validators `undefined`: {@link minValidators}).
 * Throws a {@link BenchError} naming the field: a shard count outside 1..{@link MAX_BENCH_SHARDS}, an unknown
 * plugin, or fewer validators than the committees need.
 */
export function shardedNetworkConfig(
  shards: number,
  validators: number | undefined,
  consensus: string,
): ShardedNetworkConfig {
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_BENCH_SHARDS)
    refuse("shards", `the shard count must be a whole number in 1..${MAX_BENCH_SHARDS}, got ${shards}`);
  if (!(CONSENSUS_PLUGINS as readonly string[]).includes(consensus))
    refuse(
      "shardConsensus",
      `unknown shard consensus '${consensus}' (expected ${CONSENSUS_PLUGINS.join(", ")})`,
    );
  const plugin = consensus as ConsensusPluginName;
  const least = minValidators(shards, plugin);
  const v = validators ?? least;
  if (!Number.isInteger(v) || v < 1)
    refuse("validators", `--validators must be a whole number ≥ 1, got ${v}`);
  if (v < least)
    refuse(
      "validators",
      `${shards} ${plugin} shards need --validators ≥ 2·${shards} = ${least}: committees are dealt from the ` +
        `validators, one seat each, and a ${plugin} committee needs 2 or more members; got ${v}`,
    );
  return { shards, validators: v, consensus: plugin };
}

/** "2 shards × solo, 2 validators": a network in tables and progress lines. */
export function shardedNetworkLabel(config: ShardedNetworkConfig): string {
  const s = config.shards === 1 ? "shard" : "shards";
  const v = config.validators === 1 ? "validator" : "validators";
  return `${config.shards} ${s} × ${config.consensus}, ${config.validators} ${v}`;
}

/**
 * Parses a `--sweep-shards` list such as `1,2,4` (spaces allowed): whole shard counts in 1..{@link MAX_BENCH_SHARDS},
 * each once. A bad entry throws a {@link BenchError} whose field is `sweepShards[i]` and whose message quotes it.
 */
export function parseShardCountList(text: string): number[] {
  const seen = new Set<number>();
  return text.split(",").map((raw, i) => {
    const entry = raw.trim();
    const fail = (why: string): never =>
      refuse(`sweepShards[${i}]`, `--sweep-shards entry ${i + 1} '${entry}': ${why}`);
    if (!/^\d+$/.test(entry)) fail("expected a whole number of shards, e.g. 1,2,4");
    const n = Number(entry);
    if (n < 1 || n > MAX_BENCH_SHARDS) fail(`expected 1..${MAX_BENCH_SHARDS} shards`);
    if (seen.has(n)) fail("listed twice");
    seen.add(n);
    return n;
  });
}
