import { randomInt } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { shardTakeoverBound, smallestSafeCommitteeSize } from "@vshard/engine";
import { parseWorkerChainSchema } from "@vshard/types";
import { takeoverReportLines } from "../cli/committeesCommand.ts";
import { realTimeScheduler } from "../network/index.ts";
import { relayKeys, startRelay } from "../relay/startRelay.ts";
import { FAUCET_BALANCE, openDevnetFolder, startInProcess } from "./devnetFolder.ts";
import { clusterPeerId } from "./inProcessNodes.ts";
import { NetworkCluster } from "./networkCluster.ts";
import type { NodeOptions } from "./nodeOptions.ts";

/** Options of `vshard devnet` (the sharded network `npm start` runs). */
export interface NetworkDevnetOptions {
  dataDir: string;
  host: string;
  /** Node i's API listens on port + i. */
  port: number;
  validators: number;
  /** Schema files of the worker chains registered at genesis (first start only). */
  chains: string[];
  blockIntervalMs: number;
  /** Main-chain blocks per epoch. */
  epochBlocks: number;
  witnessesPerCommittee: number;
  /** Byzantine share assumed when the devnet prints its takeover bound, and the bound it warns above. */
  byzantineFraction: number;
  maxTakeover: number;
  verifyThreads: number;
  logLevel: NodeOptions["logLevel"];
  /** Relays run in the devnet's process (relay i reads node i's API; its key and state in the data folder). */
  relays: number;
  /** DLFS storage nodes (`storage-i`, each with its folder) and the copies kept of each object. */
  storageNodes: number;
  replicas: number;
  /** Light nodes following every genesis worker shard's headers (API on the ports after the validators'). */
  lightNodes: number;
}

/**
 * What a network devnet folder remembers so that a restart resumes the same network (`network.json`). A process
 * devnet's file (see networkFile.ts) also fixes the committees' size and the DLFS copies, and lists the faucet in
 * `accounts`; the in-process devnet takes those from its options and funds its faucet itself.
 */
export interface NetworkDevnetConfig {
  validators: number;
  seed: number;
  genesisTime: number;
  epochBlocks: number;
  blockIntervalMs: number;
  /** The genesis worker chains' schemas, as read on the first start. */
  chains: unknown[];
  /**
   * Accounts funded at genesis besides the faucet, on the main chain and on every worker chain (a folder prepared
   * beforehand, e.g. by the benchmark, lists its clients here).
   */
  accounts?: Array<{ address: string; balance: string }>;
  witnessesPerCommittee?: number;
  replicas?: number;
}

/** Reads a worker-chain schema file and checks it; errors name the file. */
export async function readSchemaFile(path: string): Promise<unknown> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    throw new Error(`cannot read schema ${path}: ${(err as Error).message}`);
  }
  try {
    parseWorkerChainSchema(json);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
  return json;
}

/**
 * Reads a devnet's `network.json`, or on the first start makes one (a fresh seed, genesis time now, the schemas read
 * from `opts.chains`, then the `fresh` fields) and writes it. A file of another validator count is an error naming it.
 */
export async function loadNetworkDevnetConfig(
  path: string,
  opts: Pick<NetworkDevnetOptions, "validators" | "epochBlocks" | "blockIntervalMs" | "chains">,
  fresh: Partial<NetworkDevnetConfig> = {},
): Promise<NetworkDevnetConfig> {
  if (existsSync(path)) {
    const config = JSON.parse(await readFile(path, "utf8")) as NetworkDevnetConfig;
    if (config.validators !== opts.validators)
      throw new Error(
        `${path} holds a network of ${config.validators} validators, not ${opts.validators}: ` +
          "use another --data-dir or delete that folder",
      );
    return config;
  }
  const config: NetworkDevnetConfig = {
    validators: opts.validators,
    seed: randomInt(2 ** 31),
    genesisTime: Date.now(),
    epochBlocks: opts.epochBlocks,
    blockIntervalMs: opts.blockIntervalMs,
    chains: await Promise.all(opts.chains.map(readSchemaFile)),
    ...fresh,
  };
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
  return config;
}

/** A devnet light node asks for new headers every second: a few blocks of each shard per round. */
const LIGHT_SYNC_MS = 1_000;

/** The devnet's takeover report: its validators dealt over its genesis shards, at the assumed Byzantine share. */
export function devnetTakeoverLines(
  validators: number,
  shards: number,
  fraction: number,
  max: number,
): string[] {
  if (shards === 0) return ["no worker shard at genesis: no committee to bound"];
  const committeeSize = Math.floor(validators / shards);
  if (committeeSize === 0)
    return [`WARNING: ${validators} validators cannot seat one member in each of ${shards} shards`];
  const input = { validators, byzantineFraction: fraction, shards };
  return takeoverReportLines(
    shardTakeoverBound({ ...input, committeeSize }),
    max,
    smallestSafeCommitteeSize({ ...input, max }),
  );
}

/**
 * Starts a whole sharded network in one process: `validators` nodes, each running the main chain (dpos) and every
 * worker shard on its own classic-level folder and API port, joined by the real-time simulated network, and `relays`
 * relays delivering cross-shard receipts (each resumes from its state file). Keys derive from a seed kept in
 * `network.json`, so the same command resumes the network. Logs go to `dataDir/node.log`.
 */
export async function startNetworkDevnet(opts: NetworkDevnetOptions) {
  const folder = await openDevnetFolder(opts);
  const configPath = join(opts.dataDir, "network.json");
  const config = await loadNetworkDevnetConfig(configPath, opts);
  // Its accounts list the faucet already: funding it again here would make another genesis.
  if (config.witnessesPerCommittee !== undefined) {
    await folder.verifier?.close();
    throw new Error(
      `${configPath} holds a network of separate processes: run it with \`vshard devnet --processes\` or use another --data-dir`,
    );
  }
  const { faucetKeyPath, logger, verifier } = folder;
  const cluster = NetworkCluster.create(
    {
      validators: config.validators,
      seed: config.seed,
      genesisTime: config.genesisTime,
      dataDir: opts.dataDir,
      chains: config.chains,
      accounts: [{ address: folder.faucetAddress, balance: FAUCET_BALANCE }, ...(config.accounts ?? [])],
      rules: { epochBlocks: config.epochBlocks },
      blockIntervalMs: config.blockIntervalMs,
      witnessesPerCommittee: opts.witnessesPerCommittee,
      network: { latencyMs: 1, jitterMs: 1, lossRate: 0 },
      api: { host: opts.host, port: opts.port },
      storageNodes: opts.storageNodes,
      dlfs: { replicas: opts.replicas },
    },
    { scheduler: realTimeScheduler(config.seed), logger, ...(verifier ? { verifier } : {}) },
  );
  const stopCluster = await startInProcess(cluster, folder);
  const urls = cluster.running().map(({ node }) => node.url());
  const relays = await Promise.all(
    Array.from({ length: opts.relays }, async (_, i) => {
      const statePath = join(opts.dataDir, `relay-${i}.json`);
      const { keys } = await relayKeys(statePath);
      const running = await startRelay({
        apiUrl: urls[i % urls.length],
        statePath,
        keys,
        logger: logger.child({ relay: i }),
      });
      return { ...running, statePath };
    }),
  );
  const followed = config.chains.flatMap((c, i) =>
    parseWorkerChainSchema(c).shards.map((_, shard) => ({ chainId: i + 1, shard })),
  );
  const lights = await Promise.all(
    Array.from({ length: opts.lightNodes }, (_, i) =>
      cluster.dlfs.addLight({
        shards: followed,
        fullNodes: cluster.running().map(({ index }) => clusterPeerId(index)),
        api: { host: opts.host, port: opts.port && opts.port + config.validators + i },
        syncIntervalMs: LIGHT_SYNC_MS,
      }),
    ),
  );
  const stop = async () => {
    await Promise.all(relays.map((r) => r.stop()));
    await stopCluster();
  };
  const genesisShards = followed.length;
  return {
    cluster,
    urls,
    relays: relays.map(({ relay, statePath }) => ({ address: relay.address, statePath })),
    lightUrls: lights.map((l) => l.url()),
    faucetKeyPath,
    takeover: devnetTakeoverLines(config.validators, genesisShards, opts.byzantineFraction, opts.maxTakeover),
    stop,
  };
}
