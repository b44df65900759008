import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { ProcessDevnet } from "../runtime/processDevnet.ts";
import { stopOnSignal } from "./devnetCommand.ts";

/** How often the process devnet prints a progress line. */
const PROGRESS_INTERVAL_MS = 5_000;

/** Nodes of `vshard devnet --processes` when --nodes is not given. */
const DEFAULT_PROCESS_NODES = 4;

/**
 * Storage nodes of a new `--processes` network when --storage-nodes is not given: 3, one per copy at the default 3
 * replicas, keeps the process count sane (the in-process devnet runs 5).
 */
const DEFAULT_PROCESS_STORAGE_NODES = 3;

/** Each node's finalized main-chain height, "down" for a node whose API does not answer (e.g. restarting). */
async function finalHeights(devnet: ProcessDevnet): Promise<string[]> {
  return Promise.all(
    devnet.nodes.map(async (n) => {
      try {
        const res = await fetch(`${n.apiUrl}/v1/head`, { signal: AbortSignal.timeout(2_000) });
        const head = (await res.json()) as { finalizedHeight: number };
        return `${n.name}:${head.finalizedHeight}`;
      } catch {
        return `${n.name}:down`;
      }
    }),
  );
}

/**
 * `vshard devnet --processes`: the sharded network as one OS process per node over libp2p, supervised (a node that
 * exits is restarted), with the relays in this process.
 */
export async function runProcessDevnet(
  o: Record<string, unknown>,
  command: Command,
  chains: string[],
): Promise<void> {
  if (o.consensus !== undefined)
    throw new Error("--processes runs the sharded network: leave out --consensus");
  if (command.getOptionValueSource("validators") === "cli")
    throw new Error("with --processes, --nodes sets the number of nodes (one validator each)");
  const nodes = command.getOptionValueSource("nodes") === "cli" ? (o.nodes as number) : DEFAULT_PROCESS_NODES;
  if (nodes < 1) throw new Error("--nodes must be at least 1");
  const dataDir = resolve(o.dataDir as string);
  // Not given: the folder's membership when it holds a network, else the default (a membership is fixed at creation).
  const storageNodes =
    command.getOptionValueSource("storageNodes") === "cli"
      ? (o.storageNodes as number)
      : existsSync(join(dataDir, "network.json"))
        ? undefined
        : DEFAULT_PROCESS_STORAGE_NODES;
  // Loaded here: the other devnets never load libp2p.
  const { startProcessDevnet } = await import("../runtime/processDevnet.ts");
  const devnet = await startProcessDevnet({
    dataDir,
    validators: nodes,
    hosts: Array.from({ length: nodes }, () => o.host as string),
    apiPort: o.port as number,
    p2pPort: o.p2pPort as number,
    chains: chains.map((c) => resolve(c)),
    blockIntervalMs: o.blockInterval as number,
    epochBlocks: o.epochBlocks as number,
    witnessesPerCommittee: o.witnesses as number,
    replicas: o.replicas as number,
    storageNodes,
    lightNodes: o.lightNodes as number,
    verifyThreads: o.verifyThreads as number,
    logLevel: o.logLevel as "info",
    relays: o.relays as number,
  });
  const first = devnet.nodes[0];
  console.log(
    `vshard devnet --processes: ${nodes} nodes, one OS process each over libp2p, main chain 0 (dpos) + ${devnet.plan.network.chains.length} worker chain(s)`,
  );
  // The first API line is node-0's: waitForDevnetApi (tests, the bench launcher) reads it back.
  console.log(
    `  API        ${first.apiUrl}   (node-0; every node runs every shard and takes txs for all of them)`,
  );
  for (const n of devnet.nodes) {
    console.log(`  ${n.name.padEnd(10)} pid ${n.pid()}  ${n.apiUrl}  ${n.multiaddr}`);
    console.log(`             log ${n.logPath}  (stdout ${n.stdoutPath})`);
  }
  for (const n of devnet.storage) {
    console.log(`  ${n.name.padEnd(10)} pid ${n.pid()}  ${n.apiUrl}  ${n.multiaddr}`);
    console.log(`             log ${n.logPath}  (DLFS storage node: curl ${n.apiUrl}/v1/node)`);
  }
  if (devnet.storage.length === 0)
    console.log(
      "  storage    none: block bodies stay on the chain nodes (a network made with --storage-nodes 0)",
    );
  else
    console.log(
      `  DLFS       ${devnet.storage.length} storage nodes, ${devnet.plan.network.replicas} copies of each object   (curl ${first.apiUrl}/v1/dlfs/stats)`,
    );
  const follows = devnet.plan.follows.map((f) => `${f.chainId}/${f.shard}`).join(" ");
  for (const n of devnet.lights) {
    console.log(`  ${n.name.padEnd(10)} pid ${n.pid()}  ${n.apiUrl}  ${n.multiaddr}`);
    console.log(
      `             log ${n.logPath}  (light node following ${follows}: curl "${n.apiUrl}/v1/chains/<c>/shards/<s>/blocks/<h>/proof?tx=<hash>")`,
    );
  }
  console.log(
    `  data       ${dataDir}   (network file ${devnet.plan.networkPath}; devnet log ${devnet.logPath})`,
  );
  console.log(`  faucet key ${devnet.faucetKeyPath}   (funded on the main chain and on every worker chain)`);
  for (const [i, r] of devnet.relays.entries())
    console.log(`  relay-${i}    ${r.address}   (reads ${r.apiUrl}; state ${r.statePath})`);
  console.log(
    "  restarts   a node that exits is restarted after 1 s (try: kill -9 $(cat <data>/node-2/node.pid))",
  );
  console.log(
    `  bench      npm run vshard -- bench --url ${first.apiUrl} --funder-key ${devnet.faucetKeyPath} --workload transfer`,
  );
  const progress = setInterval(() => {
    finalHeights(devnet).then(
      (heights) => {
        const all = [...devnet.storage, ...devnet.nodes, ...devnet.lights];
        const restarts = all.reduce((sum, n) => sum + n.supervisor.restarts, 0);
        console.log(`main final ${heights.join(" ")} · restarts ${restarts}`);
      },
      () => undefined,
    );
  }, PROGRESS_INTERVAL_MS);
  stopOnSignal(progress, "stopping the nodes...", () => devnet.stop());
}
