import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type BlsKeyPair,
  blsKeyGen,
  bytesEqual,
  type Ed25519KeyPair,
  ed25519KeyPairFromSeed,
  generateEd25519KeyPair,
  sha256,
} from "@vshard/crypto";
import type { Logger } from "@vshard/engine";
import { pino } from "pino";
import type { ChainNodeRole } from "../dlfs/chainNodeDlfs.ts";
import { StorageDirectory } from "../dlfs/storageMembership.ts";
import type { StorageNode } from "../dlfs/storageNode.ts";
import { readKeyFile, writeKeyFile } from "../keyFile.ts";
import { createLogger } from "../logger.ts";
import { createLibp2pTransport, type Libp2pTransport } from "../network/libp2p/index.ts";
import type { VrfKeyPair } from "./epochParticipant.ts";
import type { LightNode } from "./lightNode.ts";
import { type NetworkFile, networkIdOf, networkOfFile, readNetworkFile } from "./networkFile.ts";
import type { NetworkValidator } from "./networkGenesis.ts";
import { NetworkNode } from "./networkNode.ts";
import { type NodeConfig, readNodeConfig } from "./nodeConfig.ts";
import { defaultNodeApiOptions } from "./nodeOptions.ts";
import { startLightNode, startStorageNode } from "./roleNodes.ts";

/** What a configured node runs, by role. */
export type ConfiguredRole =
  | {
      role: ChainNodeRole;
      node: NetworkNode;
      /** The genesis validator whose key the node holds; null for a non-voting node. */
      validatorIndex: number | null;
    }
  | { role: "storage"; node: StorageNode; validatorIndex: null }
  | { role: "light"; node: LightNode; validatorIndex: null };

/** A node started from its config file: what it runs (by role) and what the CLI prints of it. */
export type ConfiguredNode = ConfiguredRole & {
  config: NodeConfig;
  network: NetworkFile;
  transport: Libp2pTransport;
  /** Its libp2p peer id (from its key file). */
  peerId: string;
  /** Its listen addresses with `/p2p/<peer id>`, as started. */
  addresses: string[];
  /** Its API's base URL; null without an API. */
  apiUrl: string | null;
  /** The node's pino log, `<dataDir>/node.log`. */
  logPath: string;
  /** `<dataDir>/node.pid`, written once started and removed by `stop`. */
  pidPath: string;
  /** Stops the node (API, chains or store, database) and its transport. Idempotent. */
  stop(): Promise<void>;
};

/** A chain node's keys: its identity and, for a validator, the BLS and VRF keys registered at genesis. */
interface ChainKeys {
  bls: BlsKeyPair;
  vrf: VrfKeyPair;
  validatorIndex: number | null;
}

/** The node's ed25519 identity: its key file, generated on first start if absent. */
async function identityKeys(keyFile: string): Promise<Ed25519KeyPair> {
  if (existsSync(keyFile)) return readKeyFile(keyFile);
  const keys = generateEd25519KeyPair();
  await writeKeyFile(keyFile, keys);
  return keys;
}

/**
 * Devnet trust model: every validator's keys derive from the network file's seed, so a node whose ed25519 key is
 * validator i's takes validator i's BLS and VRF keys from the seed too (whoever holds the network file could sign for
 * any validator: fine for a local devnet, not for a network of distrusting operators). Any other key runs a non-voting
 * node; NetworkNode needs BLS and VRF keys all the same, so it gets keys derived from its own secret key: registered
 * nowhere, they never vote, and a restart finds the same ones.
 */
function chainKeys(keys: Ed25519KeyPair, validators: NetworkValidator[]): ChainKeys {
  const index = validators.findIndex((v) => bytesEqual(v.keys.publicKey, keys.publicKey));
  if (index >= 0) {
    const v = validators[index];
    return { bls: v.bls, vrf: v.vrf, validatorIndex: index };
  }
  const derive = (what: string) => sha256(new TextEncoder().encode(`vshard/node/${what}`), keys.secretKey);
  const vrf = ed25519KeyPairFromSeed(derive("vrf"));
  return {
    bls: blsKeyGen(derive("bls")),
    vrf: { secretKey: vrf.secretKey, publicKey: vrf.publicKey },
    validatorIndex: null,
  };
}

/** What starting a role gives back: the node, its API URL, and how to stop it (the transport apart). */
type StartedRole = ConfiguredRole & { apiUrl: string | null; stop(): Promise<void> };

async function startRole(
  config: NodeConfig,
  network: NetworkFile,
  modules: { keys: Ed25519KeyPair; transport: Libp2pTransport; logger: Logger },
): Promise<StartedRole> {
  const { config: networkConfig, validators } = networkOfFile(network);
  const membership = new StorageDirectory(network.storage ?? []);
  const { transport, logger, keys } = modules;
  const role = config.role;
  if (role === "storage") {
    const s = await startStorageNode(
      { dataDir: config.dataDir, replicas: network.replicas, api: config.api },
      { transport, membership, logger },
    );
    return { role, node: s.node, validatorIndex: null, apiUrl: s.url, stop: s.stop };
  }
  if (role === "light") {
    const l = await startLightNode(
      {
        dataDir: config.dataDir,
        follows: config.follows,
        fullNodes: config.fullNodes,
        replicas: network.replicas,
        api: config.api,
        logLevel: config.logLevel,
      },
      { transport, membership, logger },
    );
    return { role, node: l.node, validatorIndex: null, apiUrl: l.url, stop: l.stop };
  }
  const { bls, vrf, validatorIndex } = chainKeys(keys, validators);
  const node = await NetworkNode.create(
    {
      dataDir: config.dataDir,
      api: config.api ? { ...defaultNodeApiOptions, ...config.api } : null,
      keys,
      blsKeys: bls,
      vrf,
      verifyThreads: config.verifyThreads,
      logLevel: config.logLevel,
      network: networkConfig,
      role,
      serves: config.serves,
    },
    { logger, transport, storage: membership },
  );
  // Wait for the peers first: a validator producing main-chain blocks before it hears the others forks the chain, and
  // dpos cannot join forks that no quorum finalised (they stall for ever), so everyone would wait on everyone.
  const connected = await transport.bootstrapped(BOOTSTRAP_WAIT_MS);
  logger.info({ connected, bootstrap: config.p2p.bootstrap.length }, "bootstrap peers connected");
  // A moment for the peers' gossip subscriptions to arrive over the new connections.
  await new Promise((r) => setTimeout(r, SUBSCRIPTIONS_SETTLE_MS));
  try {
    await node.start();
  } catch (err) {
    await node.stop();
    throw err;
  }
  return { role, node, validatorIndex, apiUrl: config.api ? node.url() : null, stop: () => node.stop() };
}

/** How long a chain node waits for its bootstrap peers before it starts anyway (a peer may be down for good). */
const BOOTSTRAP_WAIT_MS = 20_000;

/** Time for gossipsub subscriptions to be exchanged on fresh connections (a heartbeat is 1 s). */
const SUBSCRIPTIONS_SETTLE_MS = 1_500;

/**
 * Starts the node a config file describes (`vshard node --config FILE`): reads the config and its network file, opens
 * the libp2p endpoint (its peer id from the node's key), starts on it what the role runs (a chain node, a storage
 * node or a light node; every one takes the network file's storage nodes as the DLFS membership), and writes
 * `node.pid`. Logs go to `<dataDir>/node.log`.
 */
export async function startConfiguredNode(configPath: string): Promise<ConfiguredNode> {
  const config = await readNodeConfig(configPath);
  const network = await readNetworkFile(config.network);
  const { config: networkConfig } = networkOfFile(network);
  await mkdir(config.dataDir, { recursive: true });
  const keys = await identityKeys(config.keyFile);
  const logPath = join(config.dataDir, "node.log");
  const destination = pino.destination({ dest: logPath, sync: false, mkdir: true });
  const logger = createLogger({ level: config.logLevel, destination }).child({ node: config.name });
  const transport = await createLibp2pTransport(
    { ...config.p2p, networkId: await networkIdOf(networkConfig.genesis) },
    { keys, logger: logger.child({ module: "p2p" }) },
  );
  let started: StartedRole;
  try {
    started = await startRole(config, network, { keys, transport, logger });
  } catch (err) {
    await transport.close();
    throw err;
  }
  const pidPath = join(config.dataDir, "node.pid");
  await writeFile(pidPath, `${process.pid}\n`);
  const addresses = transport.addresses();
  logger.info(
    { role: config.role, peerId: transport.peerId, addresses, validator: started.validatorIndex },
    "configured node started",
  );
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      await started.stop();
      // NetworkNode closes the transport without waiting: wait here so that its sockets are gone on return.
      await transport.close();
      await rm(pidPath, { force: true });
      destination.flushSync();
    })();
    return stopping;
  };
  return {
    ...started,
    config,
    network,
    transport,
    peerId: transport.peerId,
    addresses,
    logPath,
    pidPath,
    stop,
  };
}
