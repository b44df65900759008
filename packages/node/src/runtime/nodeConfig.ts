import { dirname, resolve } from "node:path";
import { multiaddr } from "@multiformats/multiaddr";
import type { ChainNodeRole } from "../dlfs/chainNodeDlfs.ts";
import { type FieldReader, readerOf, readJsonFile } from "./configFields.ts";
import type { NodeOptions } from "./nodeOptions.ts";

/**
 * What a configured node runs: a chain node (`archive`: every worker shard; `full`: the main chain and the shards in
 * `serves`), a DLFS `storage` node (objects only, no chain), or a `light` node (the headers of the shards it follows,
 * bodies from the DLFS).
 */
export type NodeRole = ChainNodeRole | "storage" | "light";

/** A chain shard named in a config (`{ chainId: 0, shard: 0 }` is the main chain). */
export interface ShardRefJson {
  chainId: number;
  shard: number;
}

/** A node's config file (`vshard node --config FILE`) as written: paths relative to the file's folder. */
export interface NodeConfigJson {
  name: string;
  /** The node's folder (database in `db/`, `node.log`, `node.pid`); default ".". */
  dataDir?: string;
  /** The network file every node of the network shares (genesis parameters, storage nodes). */
  network: string;
  /** The node's ed25519 identity; default "node.key" (generated if absent, for a node that is not a validator). */
  keyFile?: string;
  /** Default `archive`. */
  role?: NodeRole;
  /** Role `full` only: the worker shards it runs besides the main chain. */
  serves?: ShardRefJson[];
  /** Role `light` only (required): the chain shards whose headers it keeps. */
  follows?: ShardRefJson[];
  /** Role `light` only: the chain nodes it asks for headers, by peer id; default: its bootstrap peers. */
  fullNodes?: string[];
  /** The HTTP API; null or absent: none. */
  api?: { host: string; port: number } | null;
  p2p: { listen: string[]; bootstrap?: string[]; maxMessageBytes?: number };
  /** Chain nodes only: signature-verify worker threads (0: main thread); default 1. */
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
  role: NodeRole;
  /** Empty but for a full node. */
  serves: ShardRefJson[];
  /** Empty but for a light node. */
  follows: ShardRefJson[];
  /** Empty but for a light node. */
  fullNodes: string[];
  api: { host: string; port: number } | null;
  /** `maxMessageBytes` absent: the transport's default (4 MiB). */
  p2p: { listen: string[]; bootstrap: string[]; maxMessageBytes?: number };
  verifyThreads: number;
  logLevel: NodeOptions["logLevel"];
}

const LOG_LEVELS: ReadonlyArray<NodeOptions["logLevel"]> = ["debug", "info", "warn", "error", "silent"];
const ROLES: readonly NodeRole[] = ["archive", "full", "storage", "light"];
const TOP_FIELDS = [
  "name",
  "dataDir",
  "network",
  "keyFile",
  "role",
  "serves",
  "follows",
  "fullNodes",
  "api",
  "p2p",
  "verifyThreads",
  "logLevel",
];
/** Which roles each role-specific field applies to. */
const ROLE_FIELDS: Array<[field: string, roles: readonly NodeRole[], why: string]> = [
  ["serves", ["full"], "an archive node serves every shard"],
  ["follows", ["light"], "the shards a light node keeps headers of"],
  ["fullNodes", ["light"], "the chain nodes a light node asks for headers"],
  ["verifyThreads", ["archive", "full"], "only chain nodes verify signatures"],
];

function shardRefs(top: FieldReader, key: string, opts: { worker: boolean }): ShardRefJson[] {
  const seen = new Set<string>();
  return top.array(key, []).map((s, i) => {
    const r = readerOf(s, top.file, `${top.prefix}.${key}[${i}]`);
    r.onlyFields(["chainId", "shard"]);
    const ref = {
      chainId: r.int("chainId", opts.worker ? 1 : 0, 0xffff_ffff),
      shard: r.int("shard", 0, 0xffff),
    };
    if (ref.chainId === 0 && ref.shard !== 0)
      r.fail("CONFIG_ERROR_BAD_FIELD", "shard", "must be 0: the main chain has one shard");
    const id = `${ref.chainId}/${ref.shard}`;
    if (seen.has(id))
      top.fail("CONFIG_ERROR_BAD_FIELD", `${key}[${i}]`, `repeats chain ${ref.chainId} shard ${ref.shard}`);
    seen.add(id);
    return ref;
  });
}

/** The peer id at the end of each `…/p2p/<peer id>` address (already checked to end so), each once. */
function peerIdsOf(addresses: string[]): string[] {
  const ids = addresses.map((a) => multiaddr(a).getComponents().at(-1)?.value ?? "");
  return [...new Set(ids)];
}

/** Parses a node config (already JSON-decoded) read from `path`: checks every field, resolves paths against its folder. */
export function parseNodeConfig(json: unknown, path: string): NodeConfig {
  const file = resolve(path);
  const base = dirname(file);
  const top = readerOf(json, file, "$");
  top.onlyFields(TOP_FIELDS);
  const role = top.oneOf("role", ROLES, "archive");
  for (const [field, roles, why] of ROLE_FIELDS)
    if (top.has(field) && !roles.includes(role))
      top.fail(
        "CONFIG_ERROR_BAD_FIELD",
        field,
        `applies to role ${roles.map((r) => `"${r}"`).join(" or ")} only (${why}), not "${role}"`,
      );
  const serves = shardRefs(top, "serves", { worker: true });
  let api: NodeConfig["api"] = null;
  if (top.has("api") && top.obj.api !== null) {
    const a = top.object("api");
    a.onlyFields(["host", "port"]);
    api = { host: a.string("host"), port: a.int("port", 0, 65_535) };
  }
  const p = top.object("p2p");
  p.onlyFields(["listen", "bootstrap", "maxMessageBytes"]);
  const bootstrap = p.multiaddrs("bootstrap", { nonEmpty: false, peer: true });
  let follows: ShardRefJson[] = [];
  let fullNodes: string[] = [];
  if (role === "light") {
    if (!top.has("follows"))
      top.fail("CONFIG_ERROR_MISSING_FIELD", "follows", 'is required for role "light"');
    follows = shardRefs(top, "follows", { worker: false });
    if (follows.length === 0)
      top.fail("CONFIG_ERROR_BAD_FIELD", "follows", "must list at least one chain shard");
    fullNodes = top.has("fullNodes") ? top.peerIds("fullNodes", { nonEmpty: true }) : peerIdsOf(bootstrap);
    if (fullNodes.length === 0)
      top.fail(
        "CONFIG_ERROR_MISSING_FIELD",
        "fullNodes",
        "is required for a light node without bootstrap peers (the chain nodes it asks for headers)",
      );
  }
  return {
    path: file,
    name: top.string("name"),
    dataDir: resolve(base, top.string("dataDir", ".")),
    network: resolve(base, top.string("network")),
    keyFile: resolve(base, top.string("keyFile", "node.key")),
    role,
    serves,
    follows,
    fullNodes,
    api,
    p2p: {
      listen: p.multiaddrs("listen", { nonEmpty: true, peer: false }),
      bootstrap,
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
