import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { generateEd25519KeyPair } from "@vshard/crypto";
import { addressFromPublicKey, addressToText } from "@vshard/types";
import { readKeyFile, writeKeyFile } from "../keyFile.ts";
import { peerIdOfPublicKey } from "../network/libp2p/peerIdentity.ts";
import { FAUCET_BALANCE } from "./devnetFolder.ts";
import { loadNetworkDevnetConfig } from "./networkDevnet.ts";
import { type NetworkFile, parseNetworkFile } from "./networkFile.ts";
import { networkValidator } from "./networkGenesis.ts";
import type { NodeConfigJson } from "./nodeConfig.ts";
import type { NodeOptions } from "./nodeOptions.ts";

/** Options of {@link planProcessNetwork}: a network of one OS process per validator. */
export interface ProcessNetworkOptions {
  dataDir: string;
  validators: number;
  /** Node i's IP (its API and libp2p listen there); all 127.0.0.1 by default. */
  hosts?: string[];
  /** Node i's API listens on `apiPort + i`; 0: a free port each, found now. */
  apiPort: number;
  /** Node i's libp2p endpoint listens on `p2pPort + i`; 0: a free port each, found now. */
  p2pPort: number;
  /** Schema files of the worker chains registered at genesis (first start only). */
  chains: string[];
  blockIntervalMs: number;
  epochBlocks: number;
  witnessesPerCommittee: number;
  replicas: number;
  verifyThreads: number;
  logLevel: NodeOptions["logLevel"];
}

/** One node of a planned process network. */
export interface ProcessNodePlan {
  name: string;
  /** `node-i/config.json` (what `vshard node --config` reads). */
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
  nodes: ProcessNodePlan[];
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

/**
 * Writes the folder of a network run as one OS process per validator: `network.json` (kept when it exists: the same
 * network resumes, and another validator count is an error naming the folder), the faucet key funded in its
 * accounts, and per node `node-i/node.key` (validator i's ed25519 key, derived from the network's seed) and
 * `node-i/config.json`, whose bootstrap list holds every other node's full multiaddr (peer ids follow from the keys).
 * Config files are rewritten on each start (ports may change); keys and network file are not.
 */
export async function planProcessNetwork(opts: ProcessNetworkOptions): Promise<ProcessNetworkPlan> {
  const n = opts.validators;
  if (!Number.isInteger(n) || n < 1) throw new RangeError("a process network needs at least one node");
  const hosts = opts.hosts ?? Array.from({ length: n }, () => "127.0.0.1");
  if (hosts.length !== n) throw new RangeError(`${n} nodes need ${n} hosts, got ${hosts.length}`);
  await mkdir(opts.dataDir, { recursive: true });
  const faucet = await faucetKey(opts.dataDir);
  const networkPath = join(opts.dataDir, "network.json");
  if (existsSync(networkPath)) {
    const existing = JSON.parse(await readFile(networkPath, "utf8")) as { witnessesPerCommittee?: unknown };
    if (existing.witnessesPerCommittee === undefined)
      throw new Error(
        `${networkPath} holds an in-process devnet (\`vshard devnet\` without --processes): use another --data-dir`,
      );
  }
  const stored = await loadNetworkDevnetConfig(networkPath, opts, {
    accounts: [{ address: faucet.address, balance: FAUCET_BALANCE }],
    witnessesPerCommittee: opts.witnessesPerCommittee,
    replicas: opts.replicas,
  });
  const network = parseNetworkFile(stored, networkPath);
  const nodes = await Promise.all(
    hosts.map(async (host, i) => {
      const name = `node-${i}`;
      const dataDir = join(opts.dataDir, name);
      const keyPath = join(dataDir, "node.key");
      const { keys } = networkValidator(network.seed, i);
      if (!existsSync(keyPath)) await writeKeyFile(keyPath, keys);
      const apiPort = opts.apiPort === 0 ? await freePort(host) : opts.apiPort + i;
      const p2pPort = opts.p2pPort === 0 ? await freePort(host) : opts.p2pPort + i;
      const listen = `/ip4/${host}/tcp/${p2pPort}`;
      const peerId = peerIdOfPublicKey(keys.publicKey);
      return {
        name,
        configPath: join(dataDir, "config.json"),
        dataDir,
        apiUrl: `http://${host}:${apiPort}`,
        peerId,
        multiaddr: `${listen}/p2p/${peerId}`,
        logPath: join(dataDir, "node.log"),
        host,
        apiPort,
        listen,
      };
    }),
  );
  for (const node of nodes) {
    const config: NodeConfigJson = {
      name: node.name,
      dataDir: ".",
      network: "../network.json",
      keyFile: "node.key",
      role: "archive",
      api: { host: node.host, port: node.apiPort },
      p2p: {
        listen: [node.listen],
        bootstrap: nodes.filter((other) => other !== node).map((other) => other.multiaddr),
      },
      verifyThreads: opts.verifyThreads,
      logLevel: opts.logLevel,
    };
    await writeFile(node.configPath, `${JSON.stringify(config, null, 2)}\n`);
  }
  return {
    dataDir: opts.dataDir,
    networkPath,
    network,
    faucetKeyPath: faucet.path,
    faucetAddress: faucet.address,
    nodes: nodes.map(({ name, configPath, dataDir, apiUrl, peerId, multiaddr, logPath }) => ({
      name,
      configPath,
      dataDir,
      apiUrl,
      peerId,
      multiaddr,
      logPath,
    })),
  };
}
