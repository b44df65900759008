import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import type { Command } from "commander";
import { startClusterDevnet } from "../runtime/clusterDevnet.ts";
import { startDevnet } from "../runtime/devnet.ts";
import { startNetworkDevnet } from "../runtime/networkDevnet.ts";
import { intOption } from "./options.ts";
import { runProcessDevnet } from "./processDevnetCommand.ts";

/** How often the devnet prints a progress line. */
const PROGRESS_INTERVAL_MS = 5_000;

/** `vshard devnet`: what `npm start` runs. */
export function registerDevnetCommand(program: Command): void {
  program
    .command("devnet")
    .description(
      "start a local devnet: by default a sharded network (main chain + worker chains from --chain schemas, one node " +
        "per validator); --consensus solo runs one single-chain node, --consensus bft|dpos --nodes N one chain's cluster",
    )
    .option(
      "--nodes <n>",
      "nodes of a single-chain cluster (with --consensus bft|dpos), or of the network with --processes (default 4)",
      intOption,
      1,
    )
    .option(
      "--processes",
      "network: one OS process per node (`vshard node`) over libp2p on --host, supervised (an exited node restarts)",
    )
    .option(
      "--p2p-port <port>",
      "network with --processes: node i's libp2p port is port + i (0: any free port)",
      intOption,
      7800,
    )
    .option("--consensus <plugin>", "single-chain devnet instead of the network: solo | bft | dpos")
    .option("--validators <n>", "network: validators, one node each", intOption, 8)
    .option(
      "--chain <file>",
      "network: a worker-chain schema registered at genesis (repeatable; first start only)",
      collect,
      [],
    )
    .option("--epoch-blocks <n>", "network: main-chain blocks per epoch (even)", intOption, 32)
    .option("--witnesses <n>", "network: voting members drawn per shard committee", intOption, 4)
    .option("--relays <n>", "network: relays delivering cross-shard receipts, in this process", intOption, 2)
    .option(
      "--storage-nodes <n>",
      "network: DLFS storage nodes holding block bodies, in this process; with --processes one process each, 3 unless " +
        "given (fixed when the network is made)",
      intOption,
      5,
    )
    .option("--replicas <n>", "network: copies of each DLFS object", intOption, 3)
    .option(
      "--light-nodes <n>",
      "network: light nodes (headers only, bodies from the DLFS); with --processes one process each",
      intOption,
      1,
    )
    .option("--byzantine <fraction>", "network: Byzantine share assumed by the takeover report", Number, 0.25)
    .option("--max-takeover <p>", "network: warn when the takeover bound exceeds this", Number, 1e-6)
    .option("--data-dir <dir>", "data folder (database, genesis, keys, node.log)", "data/devnet")
    .option("--host <host>", "API listen address", "127.0.0.1")
    .option("--port <port>", "API port (0: any free port)", intOption, 7700)
    .option("--block-interval <ms>", "target time between blocks", intOption, 250)
    .option(
      "--verify-threads <n>",
      "signature-verify worker threads (0: main thread)",
      intOption,
      availableParallelism(),
    )
    .option(
      "--log-level <level>",
      "debug | info | warn | error | silent (logs go to <data-dir>/node.log)",
      "info",
    )
    .action(async (o, command: Command) => {
      if (o.processes) return runProcessDevnet(o, command, chainsOf(o));
      if (o.consensus === undefined) return runNetworkDevnet(o);
      if (o.nodes !== 1 || o.consensus !== "solo") return runClusterDevnet(o);
      const dataDir = resolve(o.dataDir);
      const { node, files, url } = await startDevnet({
        dataDir,
        host: o.host,
        port: o.port,
        blockIntervalMs: o.blockInterval,
        verifyThreads: o.verifyThreads,
        logLevel: o.logLevel,
      });
      const head = node.chain.head();
      console.log(
        `vshard devnet: chain ${files.genesis.chainId} shard ${files.genesis.shard}, solo consensus, resuming at height ${head.height}`,
      );
      console.log(`  API        ${url}   (OpenAPI: ${url}/openapi.json, metrics: ${url}/metrics)`);
      console.log(`  data       ${dataDir}   (log: ${dataDir}/node.log)`);
      console.log(`  faucet key ${files.faucetKeyPath}`);
      console.log(
        `  try: npm run vshard -- transfer --key ${files.faucetKeyPath} --to <address> --amount 100 --api ${url}`,
      );
      let committed = 0;
      node.chain.subscribe((e) => {
        if (e.type === "block") committed += e.block?.txs.length ?? 0;
      });
      const progress = setInterval(() => {
        const h = node.chain.head();
        console.log(
          `height ${h.height} (final ${node.chain.finalizedHeight()}) · ${committed} txs committed since start · mempool ${node.chain.mempool.size()}`,
        );
      }, PROGRESS_INTERVAL_MS);
      stopOnSignal(progress, "stopping (finishing the block in flight)...", async () => {
        await node.stop();
        console.log(`stopped at height ${node.chain.head().height}`);
      });
    });
}

/** `vshard devnet --nodes N --consensus bft|dpos`: an in-process cluster, one API per node. */
async function runClusterDevnet(o: Record<string, string | number>): Promise<void> {
  const nodes = o.nodes as number;
  const consensus = o.consensus as string;
  if (consensus === "solo" && nodes !== 1)
    throw new Error("solo consensus runs one node: use --consensus bft or dpos");
  if (nodes < 1) throw new Error("--nodes must be at least 1");
  const dataDir = resolve(o.dataDir as string);
  const devnet = await startClusterDevnet({
    dataDir,
    host: o.host as string,
    port: o.port as number,
    nodes,
    consensus,
    blockIntervalMs: o.blockInterval as number,
    verifyThreads: o.verifyThreads as number,
    logLevel: o.logLevel as "info",
  });
  const first = devnet.cluster.node(0).chain;
  console.log(
    `vshard devnet: ${nodes} nodes, ${consensus} consensus, chain ${first.opts.chainId} shard ${first.opts.shard}, resuming at height ${first.head().height}`,
  );
  console.log(`  API        ${devnet.urls[0]}   (node-0; every node takes txs and gossips them)`);
  for (const [i, url] of devnet.urls.entries()) console.log(`  node-${i}     ${url}`);
  console.log(`  data       ${dataDir}   (log: ${dataDir}/node.log)`);
  console.log(`  faucet key ${devnet.faucetKeyPath}`);
  console.log(
    `  try: npm run vshard -- transfer --key ${devnet.faucetKeyPath} --to <address> --amount 100 --api ${devnet.urls[0]}`,
  );
  const progress = setInterval(() => {
    const heights = devnet.cluster.running().map(({ node }) => node.chain.finalizedHeight());
    console.log(`final heights ${heights.join(" ")} · mempool ${first.mempool.size()}`);
  }, PROGRESS_INTERVAL_MS);
  stopOnSignal(progress, "stopping the cluster...", () => devnet.stop());
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The example worker chain `npm start` registers when no --chain is given. */
const DEFAULT_CHAIN_SCHEMA = "examples/gpu-rental.json";

/** The --chain schemas, or the default worker chain. */
function chainsOf(o: Record<string, unknown>): string[] {
  return (o.chain as string[]).length > 0 ? (o.chain as string[]) : [DEFAULT_CHAIN_SCHEMA];
}

/** `vshard devnet` (what `npm start` runs): a sharded network in one process, one API per validator node. */
async function runNetworkDevnet(o: Record<string, unknown>): Promise<void> {
  const dataDir = resolve(o.dataDir as string);
  const chains = chainsOf(o);
  const devnet = await startNetworkDevnet({
    dataDir,
    host: o.host as string,
    port: o.port as number,
    validators: o.validators as number,
    chains: chains.map((c) => resolve(c)),
    blockIntervalMs: o.blockInterval as number,
    epochBlocks: o.epochBlocks as number,
    witnessesPerCommittee: o.witnesses as number,
    byzantineFraction: o.byzantine as number,
    maxTakeover: o.maxTakeover as number,
    verifyThreads: o.verifyThreads as number,
    logLevel: o.logLevel as "info",
    relays: o.relays as number,
    storageNodes: o.storageNodes as number,
    replicas: o.replicas as number,
    lightNodes: o.lightNodes as number,
  });
  const first = devnet.cluster.node(0);
  console.log(
    `vshard devnet: ${devnet.urls.length} validators, main chain 0 (dpos) resuming at height ${first.main.chain.head().height}`,
  );
  console.log(
    `  API        ${devnet.urls[0]}   (node-0; every node runs every shard and takes txs for all of them)`,
  );
  for (const [i, url] of devnet.urls.entries()) console.log(`  node-${i}     ${url}`);
  console.log(`  data       ${dataDir}   (log: ${dataDir}/node.log)`);
  console.log(`  faucet key ${devnet.faucetKeyPath}   (funded on the main chain and on every worker chain)`);
  for (const [i, r] of devnet.relays.entries())
    console.log(`  relay-${i}    ${r.address}   (state ${r.statePath})`);
  const storage = devnet.cluster.dlfs.runningStorage().map((s) => s.id);
  console.log(
    `  storage    ${storage.join(" ") || "(none)"}   (r = ${o.replicas}; curl ${devnet.urls[0]}/v1/dlfs/stats)`,
  );
  for (const [i, url] of devnet.lightUrls.entries())
    console.log(`  light-${i}    ${url}   (headers of every genesis worker shard; proofs from DLFS bodies)`);
  console.log(`  chains     npm run vshard -- chain list --api ${devnet.urls[0]}`);
  console.log(
    `  transfer   npm run vshard -- transfer --key ${devnet.faucetKeyPath} --chain 1 --to <address>@main/0 --amount 100 --api ${devnet.urls[0]} --wait`,
  );
  console.log(`  supply     curl ${devnet.urls[0]}/v1/supply`);
  console.log(
    `  register   npm run vshard -- chain register --schema examples/token-ledger.json --key ${devnet.faucetKeyPath} --api ${devnet.urls[0]} --wait`,
  );
  console.log("takeover bound of this configuration (validators dealt over the genesis shards):");
  for (const line of devnet.takeover) console.log(`  ${line}`);
  const progress = setInterval(() => {
    const shards = first
      .workerShards()
      .map((w) => `${w.key}:${w.chain.finalizedHeight()}`)
      .join(" ");
    console.log(
      `main final ${first.main.chain.finalizedHeight()} (epoch ${first.tracker.currentEpoch()}) · shards ${shards || "(none yet)"}`,
    );
  }, PROGRESS_INTERVAL_MS);
  stopOnSignal(progress, "stopping the network...", () => devnet.stop());
}

/** On SIGINT or SIGTERM: stops the progress lines, runs `stop`, exits 0 (1 if stopping failed). */
export function stopOnSignal(progress: NodeJS.Timeout, message: string, stop: () => Promise<void>): void {
  const shutdown = (signal: string) => {
    clearInterval(progress);
    console.log(`${signal}: ${message}`);
    stop().then(
      () => process.exit(0),
      (err) => {
        console.error(`error while stopping: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}
