import type { Ed25519KeyPair } from "@vshard/crypto";
import type { ChainOptions, Genesis } from "@vshard/engine";
import { type ApiLimits, defaultApiLimits } from "../api/routeDefinition.ts";

/** Everything one node needs to start. */
export interface NodeOptions {
  /** Folder of the node's classic-level database and files. */
  dataDir: string;
  api: { host: string; port: number } & ApiLimits;
  chain: ChainOptions;
  genesis: Genesis;
  consensus: { name: string; params: Record<string, unknown> };
  /** The node's identity: it signs blocks when it is the proposer. */
  keys: Ed25519KeyPair;
  /** Signature-verify worker threads; 0 verifies on the main thread. */
  verifyThreads: number;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
}

/** Defaults of the API part: loopback only, an OS-chosen port. */
export const defaultNodeApiOptions: NodeOptions["api"] = { host: "127.0.0.1", port: 0, ...defaultApiLimits };
