import type { BlsKeyPair, Ed25519KeyPair } from "@vshard/crypto";
import type { ChainOptions, Genesis, MainChainRules } from "@vshard/engine";
import type { ChainNodeRole } from "../dlfs/chainNodeDlfs.ts";
import type { StorageMembership } from "../dlfs/storageMembership.ts";
import type { VrfKeyPair } from "./epochParticipant.ts";
import type { NodeOptions } from "./nodeOptions.ts";
import type { NodeModules } from "./vshardNode.ts";
import type { WorkerGenesisRules } from "./workerShard.ts";

/** What every node of a network agrees on: the main chain's genesis and rules, and how worker shards are set up. */
export interface NetworkConfig {
  /** Genesis of the main chain (chain 0): validators with their BLS and VRF keys, genesis worker chains. */
  genesis: Genesis;
  /** The main chain's rules (`main` set) and plugin. */
  main: {
    chain: ChainOptions & { main: MainChainRules };
    consensus: { name: string; params: Record<string, unknown> };
  };
  /** Witnesses (voting members) drawn in each shard committee. */
  witnessesPerCommittee: number;
  worker: WorkerGenesisRules;
  /** Copies of each DLFS object kept on storage nodes (the chunk size is in every chain's options). */
  dlfs: { replicas: number };
}

/** One validator's node of a network. */
export interface NetworkNodeOptions {
  dataDir: string;
  api: NodeOptions["api"];
  keys: Ed25519KeyPair;
  blsKeys: BlsKeyPair;
  vrf: VrfKeyPair;
  verifyThreads: number;
  logLevel: NodeOptions["logLevel"];
  network: NetworkConfig;
  /** `archive` (default): every worker shard; `full`: only the worker shards in `serves` (and the main chain). */
  role?: ChainNodeRole;
  serves?: Array<{ chainId: number; shard: number }>;
}

/** A network node's modules: a single node's, plus the network's storage nodes (none: bodies stay on chain nodes). */
export interface NetworkNodeModules extends NodeModules {
  storage?: StorageMembership;
}
