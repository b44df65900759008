import { randomInt } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { realTimeScheduler } from "../network/index.ts";
import { Cluster } from "./cluster.ts";
import { FAUCET_BALANCE, openDevnetFolder, startInProcess } from "./devnetFolder.ts";
import type { NodeOptions } from "./nodeOptions.ts";

/** Options of `vshard devnet --nodes N --consensus bft|dpos`. */
export interface ClusterDevnetOptions {
  dataDir: string;
  host: string;
  /** Node i's API listens on port + i. */
  port: number;
  nodes: number;
  consensus: string;
  blockIntervalMs: number;
  /** Threads of the verify pool the in-process nodes share. */
  verifyThreads: number;
  logLevel: NodeOptions["logLevel"];
}

/** What a cluster devnet folder remembers so that a restart resumes the same chain. */
interface ClusterDevnetConfig {
  nodes: number;
  consensus: string;
  seed: number;
  genesisTime: number;
}

/** dpos epoch of 60 blocks: well above the irreversibility depth of any producer count a devnet runs. */
const DEVNET_DPOS_EPOCH = 60;

function pluginParams(opts: ClusterDevnetOptions): Record<string, unknown> {
  if (opts.consensus === "dpos")
    return { producers: opts.nodes, slotMs: opts.blockIntervalMs, epochLength: DEVNET_DPOS_EPOCH };
  return { blockIntervalMs: opts.blockIntervalMs };
}

async function loadConfig(path: string, opts: ClusterDevnetOptions): Promise<ClusterDevnetConfig> {
  if (!existsSync(path)) {
    const config = {
      nodes: opts.nodes,
      consensus: opts.consensus,
      seed: randomInt(2 ** 31),
      genesisTime: Date.now(),
    };
    await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
    return config;
  }
  const config = JSON.parse(await readFile(path, "utf8")) as ClusterDevnetConfig;
  if (config.nodes !== opts.nodes || config.consensus !== opts.consensus)
    throw new Error(
      `${path} holds a devnet of ${config.nodes} ${config.consensus} nodes, not ${opts.nodes} ${opts.consensus}: ` +
        "use another --data-dir or delete that folder",
    );
  return config;
}

/**
 * Starts an in-process cluster of `nodes` nodes of one chain on the real-time simulated network, each node with its
 * own classic-level folder under `dataDir` and its own API port; keys derive from a seed kept in `cluster.json`, so a
 * restart resumes the same chain. Logs of every node go to `dataDir/node.log`.
 */
export async function startClusterDevnet(opts: ClusterDevnetOptions) {
  const folder = await openDevnetFolder(opts);
  const config = await loadConfig(join(opts.dataDir, "cluster.json"), opts);
  const { faucetKeyPath, logger, verifier } = folder;
  const cluster = Cluster.create(
    {
      nodes: opts.nodes,
      consensus: { name: opts.consensus, params: pluginParams(opts) },
      seed: config.seed,
      genesisTime: config.genesisTime,
      dataDir: opts.dataDir,
      accounts: [{ address: folder.faucetAddress, balance: FAUCET_BALANCE }],
      network: { latencyMs: 1, jitterMs: 1, lossRate: 0 },
      api: { host: opts.host, port: opts.port },
    },
    { scheduler: realTimeScheduler(config.seed), logger, ...(verifier ? { verifier } : {}) },
  );
  const stop = await startInProcess(cluster, folder);
  const urls = cluster.running().map(({ node }) => node.url());
  return {
    cluster,
    urls,
    faucetKeyPath,
    stop,
  };
}
