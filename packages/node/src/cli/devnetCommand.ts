import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import type { Command } from "commander";
import { startDevnet } from "../runtime/devnet.ts";
import { intOption } from "./options.ts";

/** How often the devnet prints a progress line. */
const PROGRESS_INTERVAL_MS = 5_000;

/** `vshard devnet`: what `npm start` runs. */
export function registerDevnetCommand(program: Command): void {
  program
    .command("devnet")
    .description(
      "start a local devnet (one node, solo consensus, data under --data-dir) and keep producing blocks",
    )
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
