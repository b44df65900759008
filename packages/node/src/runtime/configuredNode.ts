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
import { pino } from "pino";
import { readKeyFile, writeKeyFile } from "../keyFile.ts";
import { createLogger } from "../logger.ts";
import { createLibp2pTransport, type Libp2pTransport } from "../network/libp2p/index.ts";
import type { VrfKeyPair } from "./epochParticipant.ts";
import { type NetworkFile, networkIdOf, networkOfFile, readNetworkFile } from "./networkFile.ts";
import type { NetworkValidator } from "./networkGenesis.ts";
import { NetworkNode } from "./networkNode.ts";
import { type NodeConfig, readNodeConfig } from "./nodeConfig.ts";
import { defaultNodeApiOptions } from "./nodeOptions.ts";

/** A node started from its config file. */
export interface ConfiguredNode {
  config: NodeConfig;
  network: NetworkFile;
  node: NetworkNode;
  transport: Libp2pTransport;
  /** The genesis validator whose key the node holds; null for a non-voting node. */
  validatorIndex: number | null;
  /** The node's pino log, `<dataDir>/node.log`. */
  logPath: string;
  /** `<dataDir>/node.pid`, written once started and removed by `stop`. */
  pidPath: string;
  /** Stops the node (API, shards, main chain, database) and its transport. Idempotent. */
  stop(): Promise<void>;
}

/** A node's keys: its identity and, for a validator, the BLS and VRF keys registered at genesis. */
interface NodeKeys {
  keys: Ed25519KeyPair;
  bls: BlsKeyPair;
  vrf: VrfKeyPair;
  validatorIndex: number | null;
}

/**
 * Finds the node's keys. Devnet trust model: every validator's keys derive from the network file's seed, so a node
 * whose ed25519 key is validator i's takes validator i's BLS and VRF keys from the seed too (whoever holds the
 * network file could sign for any validator: fine for a local devnet, not for a network of distrusting operators).
 * Any other key runs a non-voting node; NetworkNode needs BLS and VRF keys all the same, so it gets keys derived from
 * its own secret key: registered nowhere, they never vote, and a restart finds the same ones.
 */
async function nodeKeys(keyFile: string, validators: NetworkValidator[]): Promise<NodeKeys> {
  let keys: Ed25519KeyPair;
  if (existsSync(keyFile)) keys = await readKeyFile(keyFile);
  else {
    keys = generateEd25519KeyPair();
    await writeKeyFile(keyFile, keys);
  }
  const index = validators.findIndex((v) => bytesEqual(v.keys.publicKey, keys.publicKey));
  if (index >= 0) {
    const v = validators[index];
    return { keys, bls: v.bls, vrf: v.vrf, validatorIndex: index };
  }
  const derive = (what: string) => sha256(new TextEncoder().encode(`vshard/node/${what}`), keys.secretKey);
  const vrf = ed25519KeyPairFromSeed(derive("vrf"));
  return {
    keys,
    bls: blsKeyGen(derive("bls")),
    vrf: { secretKey: vrf.secretKey, publicKey: vrf.publicKey },
    validatorIndex: null,
  };
}

/**
 * Starts the node a config file describes (`vshard node --config FILE`): reads the config and its network file, opens
 * the libp2p endpoint (its peer id from the node's key), creates and starts the NetworkNode on it, and writes
 * `node.pid`. Logs go to `<dataDir>/node.log`.
 */
export async function startConfiguredNode(configPath: string): Promise<ConfiguredNode> {
  const config = await readNodeConfig(configPath);
  const network = await readNetworkFile(config.network);
  const { config: networkConfig, validators } = networkOfFile(network);
  await mkdir(config.dataDir, { recursive: true });
  const { keys, bls, vrf, validatorIndex } = await nodeKeys(config.keyFile, validators);
  const logPath = join(config.dataDir, "node.log");
  const destination = pino.destination({ dest: logPath, sync: false, mkdir: true });
  const logger = createLogger({ level: config.logLevel, destination }).child({ node: config.name });
  const transport = await createLibp2pTransport(
    { ...config.p2p, networkId: await networkIdOf(networkConfig.genesis) },
    { keys, logger: logger.child({ module: "p2p" }) },
  );
  let node: NetworkNode;
  try {
    node = await NetworkNode.create(
      {
        dataDir: config.dataDir,
        api: config.api ? { ...defaultNodeApiOptions, ...config.api } : null,
        keys,
        blsKeys: bls,
        vrf,
        verifyThreads: config.verifyThreads,
        logLevel: config.logLevel,
        network: networkConfig,
        role: config.role,
        serves: config.serves,
      },
      { logger, transport },
    );
  } catch (err) {
    await transport.close();
    throw err;
  }
  try {
    await node.start();
  } catch (err) {
    await node.stop();
    await transport.close();
    throw err;
  }
  const pidPath = join(config.dataDir, "node.pid");
  await writeFile(pidPath, `${process.pid}\n`);
  logger.info(
    { peerId: transport.peerId, addresses: transport.addresses(), validator: validatorIndex },
    "configured node started",
  );
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      await node.stop();
      // NetworkNode closes the transport without waiting: wait here so that its sockets are gone on return.
      await transport.close();
      await rm(pidPath, { force: true });
      destination.flushSync();
    })();
    return stopping;
  };
  return { config, network, node, transport, validatorIndex, logPath, pidPath, stop };
}
