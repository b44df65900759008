import type { CommitteeAssignmentJson } from "@vshard/engine";
import type { JsonValue } from "@vshard/types";
import type { ReceiptJson, ReceiptProofJson, ShardRefJson } from "../api/crossShardTxJson.ts";

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

/** A stage of a cross transfer: debited at the source, its header anchored, routed, relayed, credited or refunded. */
export type TransferStage = "debited" | "anchored" | "routed" | "relayed" | "credited" | "refunded";

/** One stage a cross transfer reached: when (epoch ms) and in which block of which shard. */
export interface TransferStageJson {
  stage: TransferStage;
  at: number;
  chainId: number;
  shard: number;
  /** The block of the stage; absent for `relayed` (a relay handing the receive to a node). */
  height?: number;
}

/**
 * `GET /v1/transfers/:hash`: a cross transfer's receipt, its route (straight to the destination or through the main
 * chain's router) and the stages it reached so far, in order; 404 `TRANSFER_NOT_FOUND` until its tx is committed.
 */
export interface TransferStatusJson {
  hash: string;
  receipt: ReceiptJson;
  route: "direct" | "router";
  /** Where it stands: `credited` and `refunded` are final. */
  status: "debited" | "anchored" | "relayed" | "credited" | "refunded";
  stages: TransferStageJson[];
}

/** One receipt of a source block's outbox as `GET /v1/chains/:chainId/shards/:shard/outbox` lists it. */
export interface OutboxReceiptJson {
  /** Its position in the block's outbox (the leaf index of its proof). */
  index: number;
  receipt: ReceiptJson;
  /** Its merkle proof against the block's receipt root. */
  proof: ReceiptProofJson;
  /** The shard that consumes it; null while the source block is not anchored (not deliverable yet). */
  deliverTo: ShardRefJson | null;
  /** Set once the delivery point consumed it: the height of the consuming block and what it did. */
  consumed: { height: number; use: "credited" | "forwarded" | "refunded" } | null;
}

/** A final block of a shard with its outbox; `anchoredAt` is the main height of its anchor (null: not yet). */
export interface OutboxBlockJson {
  height: number;
  anchoredAt: number | null;
  receipts: OutboxReceiptJson[];
}

/**
 * `GET /v1/chains/:chainId/shards/:shard/outbox?from=H&limit=N`: the final blocks from height `from` on, in order;
 * `next` is the height to ask from next time (`finalHeight + 1` once the page reached the end).
 */
export interface OutboxJson {
  chainId: number;
  shard: number;
  finalHeight: number;
  next: number;
  blocks: OutboxBlockJson[];
}
