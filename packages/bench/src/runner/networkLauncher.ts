import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiClient, waitForDevnetApi } from "@vshard/node";
import { BENCH_CHAIN_ID, benchNetworkFile } from "../benchChainSchema.ts";
import type { ShardedNetworkConfig } from "../shardedNetwork.ts";
import { folderBytes, vshardBin } from "./nodeLauncher.ts";

/** A sharded network the harness started in one process: its nodes' APIs and its folder. */
export interface LaunchedNetwork {
  /** Node 0's API: it takes txs for every shard and serves every shard's events and state. */
  url: string;
  /** The bench chain's id. */
  chainId: number;
  config: ShardedNetworkConfig;
  dataDir: string;
  pid: number;
  stop(): Promise<void>;
  /** Bytes of the whole folder: every node's database, the log. */
  diskBytes(): Promise<number>;
}

/** Options of {@link launchNetwork}. */
export interface NetworkLaunchOptions {
  config: ShardedNetworkConfig;
  /** Accounts funded at genesis, on the main chain and in their home shard of the bench chain. */
  accounts: Array<{ address: string; balance: string }>;
  blockIntervalMs: number;
  /** Seed of the validators' keys (kept in network.json); {@link BENCH_NETWORK_SEED} by default. */
  seed?: number;
  /** Write CPU profiles of the network process into this folder. */
  cpuProfDir?: string;
  /** Keep the data folder after the run (it is a temp folder otherwise removed). */
  keepData?: boolean;
  /** How long the network may take to run every shard with a first block; {@link NETWORK_READY_TIMEOUT_MS} by default. */
  readyTimeoutMs?: number;
  /**
   * Also wait until every shard has a header anchored on the main chain (a cross-shard run: anchoring starts only
   * once the first committee is `anchorDelayBlocks` main blocks old, and transfers sent before would queue).
   */
  waitForAnchors?: boolean;
}

/** The validators' key seed of bench networks: fixed, so runs are reproducible. */
export const BENCH_NETWORK_SEED = 1;

/** A network starts its genesis shards with its nodes; 60 s covers a loaded 2-core machine with dozens of shards. */
export const NETWORK_READY_TIMEOUT_MS = 60_000;

/** How often readiness is polled: a tenth of a second adds nothing noticeable to a start of seconds. */
const READY_POLL_MS = 100;

/**
 * Starts `vshard devnet` (the sharded network) in its own process on a fresh temp folder prepared with the bench
 * chain's schema and a `network.json` that funds `accounts`; resolves once every shard of the bench chain runs and
 * has committed a block on node 0 (and, with `waitForAnchors`, has a header anchored). The harness then talks to it through the public API only.
 */
export async function launchNetwork(opts: NetworkLaunchOptions): Promise<LaunchedNetwork> {
  const { config } = opts;
  const seed = opts.seed ?? BENCH_NETWORK_SEED;
  const network = benchNetworkFile({
    config,
    seed,
    genesisTime: Date.now(),
    blockIntervalMs: opts.blockIntervalMs,
    accounts: opts.accounts,
  });
  const dataDir = await mkdtemp(join(tmpdir(), "vshard-bench-net-"));
  const schemaPath = join(dataDir, "bench-chain.json");
  await writeFile(schemaPath, `${JSON.stringify(network.chains[0], null, 2)}\n`);
  await writeFile(join(dataDir, "network.json"), `${JSON.stringify(network, null, 2)}\n`);
  if (opts.cpuProfDir) await mkdir(opts.cpuProfDir, { recursive: true });
  const args = [
    ...(opts.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${opts.cpuProfDir}`] : []),
    vshardBin(),
    "devnet",
    "--data-dir",
    dataDir,
    "--port",
    "0",
    "--validators",
    String(config.validators),
    "--chain",
    schemaPath,
    "--block-interval",
    String(opts.blockIntervalMs),
    // Every validator dealt to a shard votes in it (the devnet draws 4 witnesses per committee otherwise).
    "--witnesses",
    String(Math.ceil(config.validators / config.shards)),
    // The harness runs the relays of a cross-shard run itself (see startBenchRelays); a same-shard run needs none.
    "--relays",
    "0",
    "--log-level",
    "warn",
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const abandon = async (err: unknown): Promise<never> => {
    child.kill("SIGINT");
    await exited;
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  };
  let url: string;
  try {
    url = await waitForDevnetApi(child);
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  try {
    await waitUntilReady(url, config, opts.readyTimeoutMs ?? NETWORK_READY_TIMEOUT_MS, opts.waitForAnchors);
  } catch (err) {
    return abandon(err);
  }
  return {
    url,
    chainId: BENCH_CHAIN_ID,
    config,
    dataDir,
    pid: child.pid ?? -1,
    diskBytes: () => folderBytes(dataDir),
    async stop() {
      // SIGINT: the nodes finish their blocks and, with --cpu-prof, the process writes its profile on exit.
      child.kill("SIGINT");
      await exited;
      if (!opts.keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until node 0 (`url`) runs every shard of the bench chain and each has committed a block there (and, with
 * `anchored`, has a header anchored on the main chain).
 */
async function waitUntilReady(
  url: string,
  config: ShardedNetworkConfig,
  timeoutMs: number,
  anchored = false,
): Promise<void> {
  const node0 = new ApiClient(url);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const chain = await node0
      .chains()
      .then((c) => c.chains.find((entry) => entry.chainId === BENCH_CHAIN_ID))
      .catch(() => undefined);
    const shards = chain?.shards ?? [];
    const ready = (s: (typeof shards)[number]) =>
      s.running && (s.height ?? 0) >= 1 && (!anchored || s.anchoredHeight !== null);
    if (shards.length === config.shards && shards.every(ready)) return;
    if (Date.now() > deadline) {
      const seen = shards.map(
        (s) =>
          `shard ${s.shard} ${s.running ? `at height ${s.height}` : "not running"}` +
          (anchored ? `, anchored ${s.anchoredHeight ?? "none"}` : ""),
      );
      throw new Error(
        `the sharded network did not run all ${config.shards} shards of chain ${BENCH_CHAIN_ID} with a block ` +
          `${anchored ? "and an anchored header " : ""}each within ${timeoutMs} ms (${seen.join(", ") || "chain not listed"})`,
      );
    }
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
}
