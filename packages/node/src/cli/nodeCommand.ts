import type { Command } from "commander";
import { stopOnSignal } from "./devnetCommand.ts";

/** How often a node prints a progress line. */
const PROGRESS_INTERVAL_MS = 5_000;

/** `vshard node --config FILE`: one node of a network, in this process, over libp2p. */
export function registerNodeCommand(program: Command): void {
  program
    .command("node")
    .description(
      "start one node of a network from its config file (listen address, bootstrap peers, role, shards served, " +
        "data folder, network file); logs go to <dataDir>/node.log",
    )
    .requiredOption("--config <file>", "the node's config file (JSON)")
    .action(async (o: { config: string }) => {
      // Loaded here: the other commands never load libp2p.
      const { startConfiguredNode } = await import("../runtime/configuredNode.ts");
      const started = await startConfiguredNode(o.config);
      const { config, node, transport, validatorIndex, network } = started;
      const main = node.main.chain;
      const role =
        validatorIndex === null
          ? `non-voting ${config.role} node`
          : `validator ${validatorIndex} of ${network.validators}, ${config.role} node`;
      console.log(
        `vshard node ${config.name}: ${role}, main chain 0 (dpos) resuming at height ${main.head().height}`,
      );
      // The API line first: waitForDevnetApi and the process devnet read it back.
      console.log(`  API        ${config.api ? node.url() : "none"}`);
      console.log(`  peer id    ${transport.peerId}`);
      for (const address of transport.addresses()) console.log(`  p2p        ${address}`);
      console.log(`  bootstrap  ${config.p2p.bootstrap.length} peers`);
      console.log(`  data       ${config.dataDir}`);
      console.log(`  log        ${started.logPath}`);
      console.log(`  pid        ${process.pid}`);
      const progress = setInterval(() => {
        const shards = node
          .workerShards()
          .map((w) => `${w.key}:${w.chain.finalizedHeight()}`)
          .join(" ");
        console.log(
          `main final ${main.finalizedHeight()} (epoch ${node.tracker.currentEpoch()}) · shards ${shards || "(none yet)"} · peers ${transport.peers().length}`,
        );
      }, PROGRESS_INTERVAL_MS);
      stopOnSignal(progress, `stopping ${config.name}...`, () => started.stop());
      // Started by a process devnet (an IPC channel to it): a devnet that dies, even by SIGKILL, takes its nodes along.
      if (process.send) process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
    });
}
