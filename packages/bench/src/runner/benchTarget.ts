import type { Ed25519KeyPair } from "@vshard/crypto";
import { ApiClient } from "@vshard/node";
import type { BenchCheck } from "../benchResult.ts";
import type { BenchRelays } from "../crossShard/benchRelays.ts";
import { type DevnetConfig, devnetLabel, isSoloDevnet } from "../devnetConfig.ts";
import type { Workload } from "../workloads/workload.ts";
import { type FinalitySource, FinalityTracker } from "./finalityTracker.ts";
import { fundAccounts } from "./fundAccounts.ts";
import type { Measured } from "./measureRun.ts";
import { type LaunchedNode, launchNode } from "./nodeLauncher.ts";

/**
 * What a run drives: a node given by URL, a single-chain devnet or a sharded network the harness launched. It says
 * where txs go, how finality is followed, which process to meter, and fills in what only it knows.
 */
export interface BenchTarget {
  /** The API the harness sends txs to and reads from (node-0 of a cluster or network). */
  url: string;
  finality: FinalitySource;
  /** The process the harness launched (for its CPU and memory); null when it drives a node given by URL. */
  process: { name: string; pid: number } | null;
  /** Signature checks one tx costs across the nodes: every node of a launched cluster or network checks it once. */
  replicas: number;
  /** A sharded network's shard count (per-shard figures); 0 for one chain. */
  shards: number;
  /** The relays the harness runs for cross-shard transfers; absent when it runs none. */
  relays?: BenchRelays;
  /** Funds the workload's accounts where no genesis of ours did (a cluster's faucet, a funder key with `url`). */
  fund(workload: Workload, drainMs: number, log: (line: string) => void): Promise<void>;
  /** Adds what the target knows to a measured run: devnet shape, per-shard figures, disk bytes, compression. */
  complete(measured: Measured): Promise<void>;
  /** The workload's end-of-run checks against the target's state. */
  check(workload: Workload): Promise<BenchCheck[]>;
  /** Closes the event streams and stops what the harness launched. */
  stop(): Promise<void>;
}

/** Options of {@link openSingleChainTarget}. */
export interface SingleChainTargetOptions {
  /** Existing node to drive; without it the harness launches a devnet. */
  url?: string;
  devnet?: DevnetConfig;
  /** Base units each account receives from a launched cluster's faucet. */
  fundAmount: bigint;
  /** With `url`: a key that funds the workload's accounts first, and how much each gets. */
  funding?: { funder: Ed25519KeyPair; amount: bigint };
  blockIntervalMs: number;
  cpuProfDir?: string;
}

/** "node" for the single solo node; "nodes (bft:4)" for a cluster, whose nodes all live in that one process. */
function nodeProcessName(devnet: DevnetConfig): string {
  return isSoloDevnet(devnet) ? "node" : `nodes (${devnetLabel(devnet)})`;
}

/** Reaches (`url`) or launches a single-chain devnet and follows its default chain's event stream. */
export async function openSingleChainTarget(
  opts: SingleChainTargetOptions,
  workload: Workload,
  log: (line: string) => void,
): Promise<BenchTarget> {
  const node: LaunchedNode | null = opts.url
    ? null
    : await launchNode({
        accounts: workload.genesisAccounts(),
        ...(opts.devnet ? { devnet: opts.devnet } : {}),
        blockIntervalMs: opts.blockIntervalMs,
        cpuProfDir: opts.cpuProfDir,
      });
  const url = opts.url ?? (node as LaunchedNode).url;
  if (node)
    log(
      isSoloDevnet(node.devnet)
        ? `node started at ${url} (data ${node.dataDir})`
        : `${node.devnet.nodes} ${node.devnet.consensus} nodes started in one process, node-0 at ${url} (data ${node.dataDir})`,
    );
  const tracker = new FinalityTracker(url);
  const stop = async () => {
    await tracker.stop();
    await node?.stop();
  };
  try {
    await tracker.start();
  } catch (err) {
    await stop();
    throw err;
  }
  const funding = opts.url
    ? opts.funding
    : node?.funder
      ? { funder: node.funder, amount: opts.fundAmount }
      : undefined;
  return {
    url,
    finality: tracker,
    process: node ? { name: nodeProcessName(node.devnet), pid: node.pid } : null,
    replicas: node && !isSoloDevnet(node.devnet) ? node.devnet.nodes : 1,
    shards: 0,
    async fund(w, drainMs, logLine) {
      if (funding)
        await fundAccounts({
          url,
          ...funding,
          accounts: w.genesisAccounts(),
          tracker,
          drainMs,
          log: logLine,
        });
    },
    async complete({ result }) {
      if (node) {
        result.diskBytes = await node.diskBytes();
        result.consensus = node.devnet.consensus;
        result.nodes = node.devnet.nodes;
      }
      const stats = (await new ApiClient(url).request("GET", "/v1/node/stats")) as {
        storage: { compressionRatio: number | null };
      };
      result.compressionRatio = stats.storage.compressionRatio;
    },
    async check(w) {
      if (!w.check) return [];
      const c = await w.check(new ApiClient(url), tracker.finalOrder);
      return [{ name: c.name, passed: c.passed, detail: c.details }];
    },
    stop,
  };
}
