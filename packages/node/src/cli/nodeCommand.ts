import type { Command } from "commander";
import type { ConfiguredNode } from "../runtime/configuredNode.ts";
import { stopOnSignal } from "./devnetCommand.ts";

/** How often a node prints a progress line. */
const PROGRESS_INTERVAL_MS = 5_000;

/** The first line a started node prints: what it is. */
function headline(started: ConfiguredNode): string {
  const { config, network } = started;
  switch (started.role) {
    case "storage": {
      const members = network.storage ?? [];
      const member = members.includes(started.peerId) ? "a member" : "NOT a member";
      return `vshard node ${config.name}: DLFS storage node, ${member} of the ${members.length} in the network file (${network.replicas} copies of each object)`;
    }
    case "light":
      return `vshard node ${config.name}: light node following ${config.follows.map((f) => `${f.chainId}/${f.shard}`).join(" ")}, headers from ${config.fullNodes.length} chain node(s)`;
    default: {
      const role =
        started.validatorIndex === null
          ? `non-voting ${config.role} node`
          : `validator ${started.validatorIndex} of ${network.validators}, ${config.role} node`;
      return `vshard node ${config.name}: ${role}, main chain 0 (dpos) resuming at height ${started.node.main.chain.head().height}`;
    }
  }
}

/** A progress line of a started node. */
function progressLine(started: ConfiguredNode): string {
  const peers = `peers ${started.transport.peers().length}`;
  switch (started.role) {
    case "storage": {
      const s = started.node.stats();
      return `objects ${s.objects} (manifests ${s.manifests}) · ${s.bytes} bytes · repairs ${s.repairs} · ${peers}`;
    }
    case "light": {
      const heads = started.config.follows
        .map(
          ({ chainId, shard }) =>
            `${chainId}/${shard}:${started.node.follower.head(chainId, shard)?.height ?? "-"}`,
        )
        .join(" ");
      return `headers ${heads} · ${peers}`;
    }
    default: {
      const { node } = started;
      const shards = node
        .workerShards()
        .map((w) => `${w.key}:${w.chain.finalizedHeight()}`)
        .join(" ");
      return `main final ${node.main.chain.finalizedHeight()} (epoch ${node.tracker.currentEpoch()}) · shards ${shards || "(none yet)"} · ${peers}`;
    }
  }
}

/** `vshard node --config FILE`: one node of a network, in this process, over libp2p. */
export function registerNodeCommand(program: Command): void {
  program
    .command("node")
    .description(
      "start one node of a network from its config file (role archive | full | storage | light, listen address, " +
        "bootstrap peers, shards served or followed, data folder, network file); logs go to <dataDir>/node.log",
    )
    .requiredOption("--config <file>", "the node's config file (JSON)")
    .action(async (o: { config: string }) => {
      // Loaded here: the other commands never load libp2p.
      const { startConfiguredNode } = await import("../runtime/configuredNode.ts");
      const started = await startConfiguredNode(o.config);
      const { config } = started;
      console.log(headline(started));
      // The API line first: waitForDevnetApi and the process devnet read it back.
      console.log(`  API        ${started.apiUrl ?? "none"}`);
      console.log(`  peer id    ${started.peerId}`);
      for (const address of started.addresses) console.log(`  p2p        ${address}`);
      console.log(`  bootstrap  ${config.p2p.bootstrap.length} peers`);
      console.log(`  data       ${config.dataDir}`);
      console.log(`  log        ${started.logPath}`);
      console.log(`  pid        ${process.pid}`);
      const progress = setInterval(() => console.log(progressLine(started)), PROGRESS_INTERVAL_MS);
      stopOnSignal(progress, `stopping ${config.name}...`, () => started.stop());
      // Started by a process devnet (an IPC channel to it): a devnet that dies, even by SIGKILL, takes its nodes along.
      if (process.send) process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
    });
}
