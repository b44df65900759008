import type { NetworkView } from "../api/networkView.ts";
import type { NetworkNode } from "./networkNode.ts";

/** The API's view of a network node. */
export function networkViewOf(node: NetworkNode): NetworkView {
  return {
    shard: (chainId, shard) => node.runtime(chainId, shard),
    shards: () => [node.main, ...node.workerShards()],
    registry: node.registry,
    epochs: node.tracker,
    rules: node.opts.network.main.chain.main,
    committeeOf: (chainId, shard) => {
      const schedule = node.book.get(chainId, shard);
      const runtime = node.runtime(chainId, shard);
      if (!schedule) return undefined;
      const epoch = schedule.epochOfHeight((runtime?.chain.head().height ?? 0) + 1);
      const committee = schedule.knownCommittee(epoch) ?? schedule.opts.startCommittee;
      return {
        plugin: schedule.opts.plugin,
        committee,
        fixedAtHeight: schedule.fixedAtHeight(committee.epoch),
      };
    },
  };
}
