import type {
  Committee,
  ConsensusPlugin,
  EpochTracker,
  MainChainRules,
  RegistryReader,
  ShardChain,
} from "@vshard/engine";
import type { Block } from "@vshard/types";

/** One chain shard a network node runs. */
export interface HostedShard {
  chain: ShardChain;
  consensus: ConsensusPlugin;
  committee: Committee;
  /** When this node first admitted a receive of a receipt (`receiptKeyOf`), if it did. */
  receives?: { relayedAt(key: string): number | undefined };
  /**
   * Commits blocks verified elsewhere (a CAR import): each must carry a certificate that verifies and re-execute to
   * its header; blocks already committed must be the same. Returns how many were committed and how many were known.
   */
  importBlocks?(blocks: Block[]): Promise<{ applied: number; known: number }>;
}

/** A worker shard's committee as the main chain fixed it, with the shard's plugin. */
export interface ShardCommitteeView {
  plugin: string;
  committee: Committee;
  /** Main height of the last block whose data fixed it. */
  fixedAtHeight: number;
}

/** What the API sees of a network node: its shards, the main chain's registry and epochs. Null on a single-chain node. */
export interface NetworkView {
  /** The hosted runtime of a chain shard (the main chain included), if this node runs it. */
  shard(chainId: number, shard: number): HostedShard | undefined;
  /** Every hosted shard, the main chain first. */
  shards(): HostedShard[];
  registry: RegistryReader;
  epochs: EpochTracker;
  rules: MainChainRules;
  committeeOf(chainId: number, shard: number): ShardCommitteeView | undefined;
}
