import type { Committee, ConsensusPlugin, ShardChain, SubmitResult } from "@vshard/engine";
import type { SignedTx, WireTx } from "@vshard/types";
import type { FastifyReply, FastifyRequest, FastifySchema } from "fastify";
import type { NodeMetrics } from "../metrics.ts";
import type { P2pView } from "../network/libp2p/p2pView.ts";
import type { DlfsView } from "./dlfsView.ts";
import type { NetworkView } from "./networkView.ts";

/** What handlers work on. */
export interface ApiContext {
  chain: ShardChain;
  consensus: ConsensusPlugin;
  /** The committee the plugin started with. */
  committee: Committee;
  /** Admits txs from a client (and gossips them to the shard's other nodes). */
  submitTxs: (txs: Array<SignedTx | WireTx>) => Promise<SubmitResult[]>;
  /** The node's network (main chain registry, epochs, worker shards); null on a single-chain node. */
  network: NetworkView | null;
  metrics: NodeMetrics;
  limits: ApiLimits;
  /** The node's DLFS side (stats, proofs); absent when no storage nodes are configured. */
  dlfs?: DlfsView | null;
  /** The node's libp2p endpoint; absent on the simulated network. */
  p2p?: P2pView | null;
}

/** Limits of the HTTP API. */
export interface ApiLimits {
  /** Largest request body accepted. */
  bodyLimitBytes: number;
  /** Most transactions in one POST /v1/txs. */
  maxBatchTxs: number;
}

/** 8 MiB bodies and 5,000-tx batches: one full block's worth of JSON transfers (~300 bytes each) fits in one request. */
export const defaultApiLimits: ApiLimits = { bodyLimitBytes: 8 * 1024 * 1024, maxBatchTxs: 5_000 };

/** A route as data: the definitions file of a namespace lists these; the server registers them and the OpenAPI doc. */
export interface RouteDefinition {
  method: "GET" | "POST";
  url: string;
  operationId: string;
  summary: string;
  schema: FastifySchema;
  /** Content types the body may have, when not only JSON. */
  bodyContentTypes?: string[];
  /** Largest body this route takes, when not the API's limit. */
  bodyLimit?: number;
  handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/** The `{code, message}` body of every error response. */
export const errorResponseSchema = {
  type: "object",
  required: ["code", "message"],
  properties: { code: { type: "string" }, message: { type: "string" } },
} as const;
