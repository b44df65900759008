import type { CommitteeAssignmentJson } from "@vshard/engine";
import type { JsonValue } from "@vshard/types";

/** An account as `GET /v1/accounts/:address` and the chain-scoped account route return it. */
export interface AccountJson {
  address: string;
  balance: string;
  nonce: number;
  /** Txs of this sender waiting in the shard's mempool: the next nonce is `nonce + pendingTxs`. */
  pendingTxs: number;
  height: number;
  stateRoot: string;
  proof: unknown;
}

/** A transaction's status as `GET /v1/txs/:hash` returns it. */
export interface TxStatusJson {
  hash: string;
  /** `rejected`: the node dropped it while building a block; it will not be included (`code` and `message` say why). */
  status: "pending" | "included" | "final" | "rejected";
  /** The refusal's code (a `TX_ERROR_…`) when rejected. */
  code?: string;
  /** The refusal's message when rejected. */
  message?: string;
  receipt?: {
    /** False when the tx was included but its op aborted (`aborted` says why). */
    success?: boolean;
    aborted?: string;
    blockHeight: number;
    blockHash?: string;
    index: number;
    feePaid?: string;
  };
}

/** The main chain's line of `GET /v1/chains`. */
export interface MainChainSummaryJson {
  chainId: number;
  /** Its consensus plugin. */
  plugin?: string;
  height: number;
  finalizedHeight: number;
  /** The epoch the main chain's committed head is in. */
  epoch: number;
}

/** One shard of a worker chain; the heights are null while this node does not run the shard. */
export interface ChainShardJson {
  shard: number;
  plugin: string;
  /** Main height at which the shard was added. */
  addedAt?: number;
  /** Whether this node runs the shard (it starts once the main chain fixes its committee). */
  running: boolean;
  height: number | null;
  finalizedHeight: number | null;
  committeeEpoch: number | null;
  /** Height of the shard's last header anchored on the main chain. */
  anchoredHeight: number | null;
}

/** A registered worker chain as `GET /v1/chains` lists it. */
export interface ChainSummaryJson {
  chainId: number;
  name: string;
  version: number;
  schemaHash: string;
  /** The owner's main address (vs…). */
  owner: string;
  registeredHeight?: number;
  updatedHeight?: number;
  shards: ChainShardJson[];
}

/** `GET /v1/chains`: the main chain, then every registered worker chain. */
export interface ChainsJson {
  main: MainChainSummaryJson;
  chains: ChainSummaryJson[];
}

/** `GET /v1/chains/:id`: the chain with its schema in force, in its JSON form. */
export interface ChainDetailJson extends ChainSummaryJson {
  schema: { [key: string]: JsonValue };
}

/** `GET /v1/epochs`: where the main chain stands in its epochs. */
export interface EpochsJson {
  epoch: number;
  epochBlocks: number;
  phase: string;
  committedHeight: number;
}

/** One producer's published proof towards an epoch's seed (bytes in hex). */
export interface SeedContributionJson {
  /** The producer's ed25519 key (hex). */
  validator: string;
  address?: string;
  /** The producer's registered VRF key; null when it is not a registered validator. */
  vrfPublicKey: string | null;
  proof: string;
  height: number;
  valid: boolean;
}

/**
 * `GET /v1/epochs/:n`: the epoch's seed (hex) and, where the node publishes them, the proofs of the previous epoch's
 * seed phase that made it (`fallback` when none was valid).
 */
export interface EpochJson {
  epoch: number;
  seed: string;
  contributions?: SeedContributionJson[];
  fallback?: boolean;
}

/** `GET /v1/epochs/:n/committees`: the epoch's assignment (null when there was no shard to draw for). */
export interface EpochCommitteesJson {
  epoch: number;
  seed?: string;
  fixedAtHeight: number;
  assignment: CommitteeAssignmentJson | null;
}
