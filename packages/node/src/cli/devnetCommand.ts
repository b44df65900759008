import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import type { Command } from "commander";
import { startClusterDevnet } from "../runtime/clusterDevnet.ts";
import { startDevnet } from "../runtime/devnet.ts";
import { intOption } from "./options.ts";

/** How often the devnet prints a progress line. */
const PROGRESS_INTERVAL_MS = 5_000;

/** `vshard devnet`: what `npm start` runs. */
export function registerDevnetCommand(program: Command): void {
  program
    .command("devnet")
    .description(
      "start a local devnet and keep producing blocks: one solo node by default, or --nodes N with --consensus bft|dpos",
    )
    .option("--nodes <n>", "nodes in the cluster (each with its own database and API port)", intOption, 1)
    .option("--consensus <plugin>", "solo (one node) | bft | dpos", "solo")
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
    .action(async (o) => {
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
      const shutdown = (signal: string) => {
        clearInterval(progress);
        console.log(`${signal}: stopping (finishing the block in flight)...`);
        node.stop().then(
          () => {
            console.log(`stopped at height ${node.chain.head().height}`);
            process.exit(0);
          },
          (err) => {
            console.error(`error while stopping: ${(err as Error).message}`);
            process.exit(1);
          },
        );
      };
      process.once("SIGINT", () => shutdown("SIGINT"));
      process.once("SIGTERM", () => shutdown("SIGTERM"));
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
  const shutdown = (signal: string) => {
    clearInterval(progress);
    console.log(`${signal}: stopping the cluster...`);
    devnet.stop().then(
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
