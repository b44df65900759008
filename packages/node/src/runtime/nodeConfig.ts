import { dirname, resolve } from "node:path";
import type { ChainNodeRole } from "../dlfs/chainNodeDlfs.ts";
import { readerOf, readJsonFile } from "./configFields.ts";
import type { NodeOptions } from "./nodeOptions.ts";

/** A node's config file (`vshard node --config FILE`) as written: paths relative to the file's folder. */
export interface NodeConfigJson {
  name: string;
  /** The node's folder (database in `db/`, `node.log`, `node.pid`); default ".". */
  dataDir?: string;
  /** The network file every node of the network shares (genesis parameters). */
  network: string;
  /** The node's ed25519 identity; default "node.key" (generated if absent, for a node that is not a validator). */
  keyFile?: string;
  /** `archive` (default): every worker shard; `full`: the main chain and the shards in `serves`. */
  role?: ChainNodeRole;
  serves?: Array<{ chainId: number; shard: number }>;
  /** The HTTP API; null or absent: none. */
  api?: { host: string; port: number } | null;
  p2p: { listen: string[]; bootstrap?: string[]; maxMessageBytes?: number };
  /** Signature-verify worker threads (0: main thread); default 1. */
  verifyThreads?: number;
  logLevel?: NodeOptions["logLevel"];
}

/** A parsed node config: every default filled in and every path absolute. */
export interface NodeConfig {
  /** The config file it was read from (absolute). */
  path: string;
  name: string;
  dataDir: string;
  network: string;
  keyFile: string;
  role: ChainNodeRole;
  serves: Array<{ chainId: number; shard: number }>;
  api: { host: string; port: number } | null;
  /** `maxMessageBytes` absent: the transport's default (4 MiB). */
  p2p: { listen: string[]; bootstrap: string[]; maxMessageBytes?: number };
  verifyThreads: number;
  logLevel: NodeOptions["logLevel"];
}

const LOG_LEVELS: ReadonlyArray<NodeOptions["logLevel"]> = ["debug", "info", "warn", "error", "silent"];
const ROLES: readonly ChainNodeRole[] = ["archive", "full"];
const TOP_FIELDS = [
  "name",
  "dataDir",
  "network",
  "keyFile",
  "role",
  "serves",
  "api",
  "p2p",
  "verifyThreads",
  "logLevel",
];

/** Parses a node config (already JSON-decoded) read from `path`: checks every field, resolves paths against its folder. */
export function parseNodeConfig(json: unknown, path: string): NodeConfig {
  const file = resolve(path);
  const base = dirname(file);
  const top = readerOf(json, file, "$");
  top.onlyFields(TOP_FIELDS);
  const role = top.oneOf("role", ROLES, "archive");
  const serves = top.array("serves", []).map((s, i) => {
    const r = readerOf(s, file, `$.serves[${i}]`);
    r.onlyFields(["chainId", "shard"]);
    return { chainId: r.int("chainId", 1, 0xffff_ffff), shard: r.int("shard", 0, 0xffff) };
  });
  if (role === "archive" && serves.length > 0)
    top.fail(
      "CONFIG_ERROR_BAD_FIELD",
      "serves",
      'applies to role "full" only (an archive node serves every shard)',
    );
  let api: NodeConfig["api"] = null;
  if (top.has("api") && top.obj.api !== null) {
    const a = top.object("api");
    a.onlyFields(["host", "port"]);
    api = { host: a.string("host"), port: a.int("port", 0, 65_535) };
  }
  const p = top.object("p2p");
  p.onlyFields(["listen", "bootstrap", "maxMessageBytes"]);
  return {
    path: file,
    name: top.string("name"),
    dataDir: resolve(base, top.string("dataDir", ".")),
    network: resolve(base, top.string("network")),
    keyFile: resolve(base, top.string("keyFile", "node.key")),
    role,
    serves,
    api,
    p2p: {
      listen: p.multiaddrs("listen", { nonEmpty: true, peer: false }),
      bootstrap: p.multiaddrs("bootstrap", { nonEmpty: false, peer: true }),
      ...(p.has("maxMessageBytes") ? { maxMessageBytes: p.int("maxMessageBytes", 1024, 2 ** 30) } : {}),
    },
    verifyThreads: top.int("verifyThreads", 0, 256, 1),
    logLevel: top.oneOf("logLevel", LOG_LEVELS, "info"),
  };
}

/** Reads and parses a node config file; an unreadable file or bad JSON is a `CONFIG_ERROR_UNREADABLE`. */
export async function readNodeConfig(path: string): Promise<NodeConfig> {
  return parseNodeConfig(await readJsonFile(path), path);
}
