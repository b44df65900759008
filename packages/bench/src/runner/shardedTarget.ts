import { ApiClient } from "@vshard/node";
import type { BenchCheck } from "../benchResult.ts";
import { type BenchRelays, startBenchRelays } from "../crossShard/benchRelays.ts";
import { type ShardedNetworkConfig, shardedNetworkLabel } from "../shardedNetwork.ts";
import type { Workload } from "../workloads/workload.ts";
import type { BenchTarget } from "./benchTarget.ts";
import { launchNetwork } from "./networkLauncher.ts";
import { ShardFinality } from "./shardFinality.ts";

/** Options of {@link openShardedTarget}. */
export interface ShardedTargetOptions {
  network: ShardedNetworkConfig;
  blockIntervalMs: number;
  cpuProfDir?: string;
  /** Relays to run against node 0 while the network runs (cross-shard transfers); none when 0 or absent. */
  relays?: number;
}

/**
 * Launches a sharded network whose genesis funds the workload's accounts (in their home shards) and drives it through
 * node 0: every tx is posted there (it admits each on the shard the tx names and gossips it to the other nodes), and
 * each shard is followed on its chain-scoped event stream there. With `relays`, that many relays deliver the
 * receipts of cross-shard transfers through node 0's API (state files in the network's data folder) until the end.
 */
export async function openShardedTarget(
  opts: ShardedTargetOptions,
  workload: Workload,
  log: (line: string) => void,
): Promise<BenchTarget> {
  const network = await launchNetwork({
    config: opts.network,
    accounts: workload.genesisAccounts(),
    blockIntervalMs: opts.blockIntervalMs,
    ...(opts.cpuProfDir ? { cpuProfDir: opts.cpuProfDir } : {}),
    waitForAnchors: (opts.relays ?? 0) > 0,
  });
  const { config, chainId, url } = network;
  log(
    `network started in one process: ${shardedNetworkLabel(config)} (chain ${chainId}), node-0 at ${url} ` +
      `(data ${network.dataDir}); every node runs the main chain and every shard`,
  );
  const finality = new ShardFinality(url, chainId, config.shards);
  let relays: BenchRelays | undefined;
  const stop = async () => {
    await relays?.stop();
    await finality.stop();
    await network.stop();
  };
  try {
    await finality.start();
    if ((opts.relays ?? 0) > 0) {
      relays = await startBenchRelays(url, network.dataDir, opts.relays ?? 0);
      log(`relays running against node-0: ${relays.addresses.join(", ")} (state in ${network.dataDir})`);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    finality,
    process: { name: `network (${shardedNetworkLabel(config)})`, pid: network.pid },
    // Every node admits (and so verifies) every tx of every shard: gossip hands each tx to all of them.
    replicas: config.validators,
    shards: config.shards,
    ...(relays ? { relays } : {}),
    async fund() {},
    async complete({ result, perShard }) {
      result.diskBytes = await network.diskBytes();
      result.sharded = {
        chainId,
        shards: config.shards,
        validators: config.validators,
        shardConsensus: config.consensus,
        perShard: perShard.map((p, shard) => ({
          shard,
          submitted: p.submitted,
          committed: p.committed,
          committedTps: p.committed / result.durationSeconds,
        })),
      };
    },
    async check(w) {
      const checks: BenchCheck[] = [];
      if (!w.check) return checks;
      for (const s of finality.streams) {
        const c = await w.check(new ApiClient(url), s.tracker.finalOrder, { chainId, shard: s.shard });
        checks.push({ name: c.name, passed: c.passed, detail: c.details });
      }
      return checks;
    },
    stop,
  };
}
