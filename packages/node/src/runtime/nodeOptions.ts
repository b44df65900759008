import type { BlsKeyPair, Ed25519KeyPair } from "@vshard/crypto";
import type { ChainOptions, Genesis } from "@vshard/engine";
import { type ApiLimits, defaultApiLimits } from "../api/routeDefinition.ts";

/** Everything one node needs to start. */
export interface NodeOptions {
  /** Folder of the node's classic-level database and files. */
  dataDir: string;
  /** The HTTP API; null runs the node without one (simulated clusters). */
  api: ({ host: string; port: number } & ApiLimits) | null;
  chain: ChainOptions;
  genesis: Genesis;
  consensus: { name: string; params: Record<string, unknown> };
  /** The node's identity: it signs blocks when it is the proposer. */
  keys: Ed25519KeyPair;
  /** Signs consensus votes that aggregate (bft); needed when the node is a committee member of such a chain. */
  blsKeys?: BlsKeyPair;
  /** Signature-verify worker threads; 0 verifies on the main thread. Ignored when a verifier is given. */
  verifyThreads: number;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
}

/** Defaults of the API part: loopback only, an OS-chosen port. */
export const defaultNodeApiOptions: NonNullable<NodeOptions["api"]> = {
  host: "127.0.0.1",
  port: 0,
  ...defaultApiLimits,
};

/** Topic prefix of a chain shard on the network: its txs, its consensus messages. */
export function shardTopic(chainId: number, shard: number): string {
  return `vshard/${chainId}/${shard}`;
}
