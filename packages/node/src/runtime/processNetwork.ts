import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { type Ed25519KeyPair, generateEd25519KeyPair } from "@vshard/crypto";
import { addressFromPublicKey, addressToText, parseWorkerChainSchema } from "@vshard/types";
import { readKeyFile, writeKeyFile } from "../keyFile.ts";
import { peerIdOfPublicKey } from "../network/libp2p/peerIdentity.ts";
import { FAUCET_BALANCE } from "./devnetFolder.ts";
import { loadNetworkDevnetConfig, type NetworkDevnetConfig } from "./networkDevnet.ts";
import { type NetworkFile, parseNetworkFile } from "./networkFile.ts";
import { networkValidator } from "./networkGenesis.ts";
import type { NodeConfigJson, NodeRole, ShardRefJson } from "./nodeConfig.ts";
import type { NodeOptions } from "./nodeOptions.ts";

/** Options of {@link planProcessNetwork}: a network of one OS process per validator, storage node and light node. */
export interface ProcessNetworkOptions {
  dataDir: string;
  validators: number;
  /** Node i's IP (its API and libp2p listen there); all 127.0.0.1 by default. Storage and light nodes use the first. */
  hosts?: string[];
  /** Validator i's API listens on `apiPort + i`, then the storage nodes', then the light nodes'; 0: free ports. */
  apiPort: number;
  /** The same for libp2p endpoints from `p2pPort`; 0: a free port each, found now. */
  p2pPort: number;
  /** Schema files of the worker chains registered at genesis (first start only). */
  chains: string[];
  blockIntervalMs: number;
  epochBlocks: number;
  witnessesPerCommittee: number;
  replicas: number;
  /**
   * DLFS storage nodes (`storage-i`), listed in the network file on first start; absent: the network file's list on
   * resume, none for a new folder. A count other than the network file's is an error (the membership is fixed).
   */
  storageNodes?: number;
  /** Light nodes (`light-k`) following every genesis worker shard, asking the validators for headers; default 0. */
  lightNodes?: number;
  verifyThreads: number;
  logLevel: NodeOptions["logLevel"];
}

/** One node of a planned process network. */
export interface ProcessNodePlan {
  /** `node-i` (validator i), `storage-i` or `light-k`. */
  name: string;
  role: NodeRole;
  /** `<name>/config.json` (what `vshard node --config` reads). */
  configPath: string;
  dataDir: string;
  apiUrl: string;
  peerId: string;
  /** Its listen address with `/p2p/<peerId>`: what the other nodes dial. */
  multiaddr: string;
  /** Its pino log. */
  logPath: string;
}

/** A process network's folder, once written. */
export interface ProcessNetworkPlan {
  dataDir: string;
  networkPath: string;
  network: NetworkFile;
  faucetKeyPath: string;
  faucetAddress: string;
  /** The validators' chain nodes (archive), validator i as `node-i`. */
  nodes: ProcessNodePlan[];
  /** The storage nodes, in the network file's order. */
  storage: ProcessNodePlan[];
  lights: ProcessNodePlan[];
  /** What every light node follows: each genesis worker shard (the main chain when there is none). */
  follows: ShardRefJson[];
}

/** A port nobody listens on at `host` now (the OS's choice); a node takes it a moment later. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject()));
    });
  });
}

async function faucetKey(dataDir: string): Promise<{ path: string; address: string }> {
  const path = join(dataDir, "keys", "faucet.json");
  if (!existsSync(path)) await writeKeyFile(path, generateEd25519KeyPair());
  return { path, address: addressToText(addressFromPublicKey((await readKeyFile(path)).publicKey)) };
}

/** The key in `path`, or `fallback()` written there first. */
async function keyAt(path: string, fallback: () => Ed25519KeyPair): Promise<Ed25519KeyPair> {
  if (!existsSync(path)) await writeKeyFile(path, fallback());
  return readKeyFile(path);
}

/**
 * The storage nodes' membership: on a new folder, the peer ids of `storage-i/node.key` (made now); on resume, the
 * network file's, whose keys must still be there.
 */
async function storageMembers(dataDir: string, stored: string[] | undefined, wanted: number | undefined) {
  const keyPath = (i: number) => join(dataDir, `storage-${i}`, "node.key");
  if (stored === undefined) {
    const keys = [];
    for (let i = 0; i < (wanted ?? 0); i++) keys.push(await keyAt(keyPath(i), generateEd25519KeyPair));
    return keys.map((k) => peerIdOfPublicKey(k.publicKey));
  }
  const networkPath = join(dataDir, "network.json");
  if (wanted !== undefined && wanted !== stored.length)
    throw new Error(
      `${networkPath} lists ${stored.length} storage nodes, not ${wanted}: the membership is fixed when the network ` +
        "is made (leave out --storage-nodes, or use another --data-dir)",
    );
  for (const [i, id] of stored.entries()) {
    const path = keyPath(i);
    const found = existsSync(path) ? peerIdOfPublicKey((await readKeyFile(path)).publicKey) : "no key";
    if (found !== id)
      throw new Error(`${path} is not the key of storage node ${id} (${networkPath}): got ${found}`);
  }
  return stored;
}

/**
 * Writes the folder of a network run as one OS process per node: `network.json` (kept when it exists: the same network
 * resumes, and another validator or storage-node count is an error naming the folder), the faucet key funded in its
 * accounts; per validator `node-i/node.key` (validator i's ed25519 key, from the network's seed) and
 * `node-i/config.json`; per storage node `storage-i/` (its key, whose peer id the network file lists) and per light
 * node `light-k/`. Validators and storage nodes bootstrap from each other, light nodes from both; light nodes follow
 * every genesis worker shard and ask the validators for headers. Config files are rewritten on each start (ports may
 * change); keys and network file are not.
 */
export async function planProcessNetwork(opts: ProcessNetworkOptions): Promise<ProcessNetworkPlan> {
  const n = opts.validators;
  if (!Number.isInteger(n) || n < 1) throw new RangeError("a process network needs at least one node");
  const hosts = opts.hosts ?? Array.from({ length: n }, () => "127.0.0.1");
  if (hosts.length !== n) throw new RangeError(`${n} nodes need ${n} hosts, got ${hosts.length}`);
  await mkdir(opts.dataDir, { recursive: true });
  const faucet = await faucetKey(opts.dataDir);
  const networkPath = join(opts.dataDir, "network.json");
  let existing: { witnessesPerCommittee?: unknown; storage?: string[] } | null = null;
  if (existsSync(networkPath)) {
    existing = JSON.parse(await readFile(networkPath, "utf8"));
    if (existing?.witnessesPerCommittee === undefined)
      throw new Error(
        `${networkPath} holds an in-process devnet (\`vshard devnet\` without --processes): use another --data-dir`,
      );
  }
  const members = await storageMembers(
    opts.dataDir,
    existing ? (existing.storage ?? []) : undefined,
    opts.storageNodes,
  );
  const fresh: Partial<NetworkDevnetConfig> & { storage?: string[] } = {
    accounts: [{ address: faucet.address, balance: FAUCET_BALANCE }],
    witnessesPerCommittee: opts.witnessesPerCommittee,
    replicas: opts.replicas,
    ...(members.length > 0 ? { storage: members } : {}),
  };
  const stored = await loadNetworkDevnetConfig(networkPath, opts, fresh);
  const network = parseNetworkFile(stored, networkPath);
  const lights = opts.lightNodes ?? 0;
  const specs = [
    ...hosts.map((host, i) => ({
      name: `node-${i}`,
      role: "archive" as NodeRole,
      host,
      key: () => networkValidator(network.seed, i).keys,
    })),
    ...members.map((_, i) => ({
      name: `storage-${i}`,
      role: "storage" as NodeRole,
      host: hosts[0],
      key: generateEd25519KeyPair,
    })),
    ...Array.from({ length: lights }, (_, k) => ({
      name: `light-${k}`,
      role: "light" as NodeRole,
      host: hosts[0],
      key: generateEd25519KeyPair,
    })),
  ];
  const planned = await Promise.all(
    specs.map(async ({ name, role, host, key }, i) => {
      const dataDir = join(opts.dataDir, name);
      const keys = await keyAt(join(dataDir, "node.key"), key);
      const apiPort = opts.apiPort === 0 ? await freePort(host) : opts.apiPort + i;
      const p2pPort = opts.p2pPort === 0 ? await freePort(host) : opts.p2pPort + i;
      const listen = `/ip4/${host}/tcp/${p2pPort}`;
      const peerId = peerIdOfPublicKey(keys.publicKey);
      const plan: ProcessNodePlan = {
        name,
        role,
        configPath: join(dataDir, "config.json"),
        dataDir,
        apiUrl: `http://${host}:${apiPort}`,
        peerId,
        multiaddr: `${listen}/p2p/${peerId}`,
        logPath: join(dataDir, "node.log"),
      };
      return { plan, host, apiPort, listen };
    }),
  );
  const byRole = (role: NodeRole) => planned.filter((p) => p.plan.role === role);
  const [validatorNodes, storageNodes, lightNodes] = [byRole("archive"), byRole("storage"), byRole("light")];
  const follows = followedShards(network);
  for (const node of planned) {
    // Chain and storage nodes dial each other (a body goes from its proposer to its storage nodes, a copy between
    // storage nodes); a light node dials both (headers from the first, bodies from the second) and nobody dials it.
    const peers = [...validatorNodes, ...storageNodes];
    const config: NodeConfigJson = {
      name: node.plan.name,
      dataDir: ".",
      network: "../network.json",
      keyFile: "node.key",
      role: node.plan.role,
      ...(node.plan.role === "light" ? { follows, fullNodes: validatorNodes.map((v) => v.plan.peerId) } : {}),
      api: { host: node.host, port: node.apiPort },
      p2p: {
        listen: [node.listen],
        bootstrap: peers.filter((other) => other !== node).map((other) => other.plan.multiaddr),
      },
      ...(node.plan.role === "archive" ? { verifyThreads: opts.verifyThreads } : {}),
      logLevel: opts.logLevel,
    };
    await writeFile(node.plan.configPath, `${JSON.stringify(config, null, 2)}\n`);
  }
  return {
    dataDir: opts.dataDir,
    networkPath,
    network,
    faucetKeyPath: faucet.path,
    faucetAddress: faucet.address,
    nodes: validatorNodes.map((p) => p.plan),
    storage: storageNodes.map((p) => p.plan),
    lights: lightNodes.map((p) => p.plan),
    follows,
  };
}

/** Every genesis worker shard of a network (chain ids from 1 in the file's order); the main chain when there is none. */
export function followedShards(network: NetworkFile): ShardRefJson[] {
  const shards = network.chains.flatMap((c, i) =>
    parseWorkerChainSchema(c).shards.map((_, shard) => ({ chainId: i + 1, shard })),
  );
  return shards.length > 0 ? shards : [{ chainId: 0, shard: 0 }];
}
