import { join } from "node:path";
import { blsKeyGen, type Ed25519KeyPair, ed25519KeyPairFromSeed, sha256 } from "@vshard/crypto";
import { type Logger, nullLogger } from "@vshard/engine";
import {
  ApiClient,
  defaultNodeApiOptions,
  type NetworkConfig,
  NetworkNode,
  type NetworkValidator,
  networkGenesis,
} from "@vshard/node";
import {
  createLibp2pTransport,
  type Libp2pTransport,
  type P2pOptions,
  peerIdOfPublicKey,
} from "@vshard/node/p2p";
import { addressFromPublicKey, type SignedTx, signTx, TxKind } from "@vshard/types";
import { StorageDirectory } from "../../packages/node/src/dlfs/storageMembership.ts";
import { networkIdOf } from "../../packages/node/src/runtime/networkFile.ts";
import {
  type StartedLightNode,
  type StartedStorageNode,
  startLightNode,
  startStorageNode,
} from "../../packages/node/src/runtime/roleNodes.ts";
import { addressOf, tempDir, testKey } from "../helpers/testNetwork.ts";

/** A chain shard: `{ chainId: 0, shard: 0 }` is the main chain. */
export interface ShardRef {
  chainId: number;
  shard: number;
}

/** One node of a test network: its libp2p endpoint and its HTTP API. */
export interface P2pTestNode {
  /** `validator-i` or `full-i`; also its folder's name. */
  name: string;
  node: NetworkNode;
  transport: Libp2pTransport;
  /** The API base URL. */
  url: string;
  api: ApiClient;
}

/** What a test network is made of. */
export interface P2pTestNetworkOptions {
  /** Derives the validators' keys. */
  seed: number;
  validators: number;
  /** Worker chains at genesis (schema JSON); 2 validators suffice for `solo` shards (see `twoSoloShards`). */
  chains: unknown[];
  /** Full nodes (not validators), started after the validators, each serving the main chain and its `serves`. */
  fullNodes?: Array<{ serves: ShardRef[] }>;
  /** Funded accounts (`testKey("client", i)`), on the main chain and every worker shard; 4 by default. */
  clients?: number;
  /** Main-chain block interval; 200 ms by default. */
  blockIntervalMs?: number;
  /** Transport options of node `i` (validators first, then full nodes): a smaller message limit, a guard. */
  p2p?: (i: number) => Pick<Partial<P2pOptions>, "maxMessageBytes" | "guard">;
  /**
   * DLFS storage nodes (the membership every node uses), each on its own libp2p endpoint and classic-level folder with
   * an API, started before the chain nodes; none by default (bodies stay with the chain nodes).
   */
  storageNodes?: number;
  /** Copies of each DLFS object; 3 by default. */
  replicas?: number;
  /** Light nodes, started last, each following `follows` and asking the validators for headers every 500 ms. */
  lightNodes?: Array<{ follows: ShardRef[] }>;
  logger?: Logger;
}

/** A storage or light node of a test network: its libp2p endpoint and its API. */
export interface P2pRoleNode<T extends StartedStorageNode | StartedLightNode> {
  /** `storage-i` or `light-k`; also its folder's name. */
  name: string;
  started: T;
  transport: Libp2pTransport;
  url: string;
  api: ApiClient;
}

/** A running network of in-process nodes joined by real libp2p over TCP on 127.0.0.1. */
export interface P2pTestNetwork {
  networkId: string;
  config: NetworkConfig;
  validators: NetworkValidator[];
  clients: Ed25519KeyPair[];
  /** Validators first (index = validator index), then the full nodes. */
  nodes: P2pTestNode[];
  /** The storage nodes, in membership order. */
  storage: Array<P2pRoleNode<StartedStorageNode>>;
  lights: Array<P2pRoleNode<StartedLightNode>>;
  /** Stops every node and transport, then removes the folder. Idempotent. */
  stop(): Promise<void>;
}

/** A light node of a test network asks for new headers every 500 ms: a few blocks a round at 200 ms blocks. */
const LIGHT_SYNC_MS = 500;

/** 16-block epochs with a 6-block anchor delay: worker shards start a few seconds after genesis at 200 ms blocks. */
const TEST_RULES = { epochBlocks: 16, anchorDelayBlocks: 6 };

/**
 * A worker chain of two `solo` shards (committee of one, the others follow by block sync) at a 200 ms cadence,
 * accounts on any shard (`explicit-suffix`) and a 1-unit fee: small enough for a network of 2 validators.
 */
export function twoSoloShards(): Record<string, unknown> {
  return {
    name: "p2p-ledger",
    version: 1,
    shards: [
      { consensus: { plugin: "solo" }, committeeSize: 1 },
      { consensus: { plugin: "solo" }, committeeSize: 1 },
    ],
    limits: { maxBlockTxs: 500, maxBlockBytes: 1048576, targetBlockIntervalMs: 200 },
    fees: { minFee: "1", perByte: "0" },
    assignment: { rule: "explicit-suffix" },
  };
}

/** A full node's keys: ed25519 of no validator, BLS and VRF keys registered nowhere (it never votes). */
function fullNodeKeys(i: number) {
  const seed = (what: string) => sha256(new TextEncoder().encode(`vshard/test/p2p/full-${i}/${what}`));
  const vrf = ed25519KeyPairFromSeed(seed("vrf"));
  return {
    keys: testKey("p2p-full", i),
    blsKeys: blsKeyGen(seed("bls")),
    vrf: { secretKey: vrf.secretKey, publicKey: vrf.publicKey },
  };
}

/** A libp2p endpoint on an OS-chosen port of 127.0.0.1, bootstrapping to `bootstrap`. */
function endpoint(
  networkId: string,
  keys: Ed25519KeyPair,
  bootstrap: string[],
  logger: Logger,
  extra: Pick<Partial<P2pOptions>, "maxMessageBytes" | "guard"> = {},
): Promise<Libp2pTransport> {
  return createLibp2pTransport(
    { listen: ["/ip4/127.0.0.1/tcp/0"], bootstrap, networkId, ...extra },
    { keys, logger },
  );
}

/**
 * Starts a network: the genesis from `networkGenesis`, its id from `networkIdOf`; then, node by node, a libp2p
 * endpoint on an OS-chosen port bootstrapping to every earlier node's addresses (storage nodes first, light nodes
 * last); then the storage nodes, every chain node (its own classic-level folder in a temp dir, an HTTP API on an
 * OS-chosen port, signature checks on the main thread) at once, and the light nodes.
 */
export async function startP2pNetwork(opts: P2pTestNetworkOptions): Promise<P2pTestNetwork> {
  const dir = await tempDir("p2p");
  const logger = opts.logger ?? nullLogger;
  const clients = Array.from({ length: opts.clients ?? 4 }, (_, i) => testKey("client", i));
  const replicas = opts.replicas ?? 3;
  const { config, validators } = networkGenesis({
    seed: opts.seed,
    validators: opts.validators,
    time: Date.now(),
    chains: opts.chains,
    accounts: clients.map((k) => ({ address: addressOf(k), balance: "1000000" })),
    rules: TEST_RULES,
    blockIntervalMs: opts.blockIntervalMs ?? 200,
    witnessesPerCommittee: opts.validators,
    dlfs: { replicas },
  });
  const networkId = await networkIdOf(config.genesis);
  const specs = [
    ...validators.map((v, i) => ({
      name: `validator-${i}`,
      keys: v.keys,
      blsKeys: v.bls,
      vrf: v.vrf,
      role: "archive" as const,
      serves: [] as ShardRef[],
    })),
    ...(opts.fullNodes ?? []).map((f, i) => ({
      name: `full-${i}`,
      ...fullNodeKeys(i),
      role: "full" as const,
      serves: f.serves,
    })),
  ];
  const storageKeys = Array.from({ length: opts.storageNodes ?? 0 }, (_, i) => testKey("p2p-storage", i));
  const membership = new StorageDirectory(storageKeys.map((k) => peerIdOfPublicKey(k.publicKey)));
  const transports: Libp2pTransport[] = [];
  const storageTransports: Libp2pTransport[] = [];
  const lightTransports: Libp2pTransport[] = [];
  const started: NetworkNode[] = [];
  const roles: Array<{ stop(): Promise<void> }> = [];
  const stopAll = async () => {
    await Promise.allSettled(roles.map((r) => r.stop()));
    await Promise.allSettled(started.map((n) => n.stop()));
    await Promise.allSettled([...lightTransports, ...transports, ...storageTransports].map((t) => t.close()));
    await dir.cleanup();
  };
  const addressesOf = (list: Libp2pTransport[]) => list.flatMap((t) => t.addresses());
  const roleNode = async <T extends StartedStorageNode | StartedLightNode>(
    name: string,
    transport: Libp2pTransport,
    start: () => Promise<T>,
  ): Promise<P2pRoleNode<T>> => {
    const role = await start();
    roles.push(role);
    if (!role.url) throw new Error(`${name} has no API`);
    return { name, started: role, transport, url: role.url, api: new ApiClient(role.url) };
  };
  try {
    for (const [i, keys] of storageKeys.entries())
      storageTransports.push(
        await endpoint(
          networkId,
          keys,
          addressesOf(storageTransports),
          logger.child({ node: `storage-${i}` }),
        ),
      );
    for (const [i, spec] of specs.entries()) {
      const bootstrap = addressesOf([...storageTransports, ...transports]);
      const logs = logger.child({ node: spec.name });
      transports.push(await endpoint(networkId, spec.keys, bootstrap, logs, opts.p2p?.(i)));
    }
    for (const [k] of (opts.lightNodes ?? []).entries()) {
      const bootstrap = addressesOf([...storageTransports, ...transports]);
      const keys = testKey("p2p-light", k);
      lightTransports.push(await endpoint(networkId, keys, bootstrap, logger.child({ node: `light-${k}` })));
    }
    const api = { host: "127.0.0.1", port: 0 };
    const storage = await Promise.all(
      storageTransports.map((transport, i) =>
        roleNode(`storage-${i}`, transport, () =>
          startStorageNode(
            { dataDir: join(dir.path, `storage-${i}`), replicas, api },
            { transport, membership, logger: logger.child({ node: `storage-${i}` }) },
          ),
        ),
      ),
    );
    const nodes = await Promise.all(
      specs.map(async (spec, i): Promise<P2pTestNode> => {
        const transport = transports[i];
        const node = await NetworkNode.create(
          {
            dataDir: join(dir.path, spec.name),
            api: { ...defaultNodeApiOptions, ...api },
            keys: spec.keys,
            blsKeys: spec.blsKeys,
            vrf: spec.vrf,
            verifyThreads: 0,
            logLevel: "silent",
            network: config,
            role: spec.role,
            serves: spec.serves,
          },
          { logger: logger.child({ node: spec.name }), transport, storage: membership },
        );
        started.push(node);
        const url = await node.start();
        return { name: spec.name, node, transport, url, api: new ApiClient(url) };
      }),
    );
    const fullNodes = transports.slice(0, validators.length).map((t) => t.peerId);
    const lights = await Promise.all(
      (opts.lightNodes ?? []).map((l, k) =>
        roleNode(`light-${k}`, lightTransports[k], () =>
          startLightNode(
            {
              dataDir: join(dir.path, `light-${k}`),
              follows: l.follows,
              fullNodes,
              replicas,
              syncIntervalMs: LIGHT_SYNC_MS,
              api,
              logLevel: "silent",
            },
            { transport: lightTransports[k], membership, logger: logger.child({ node: `light-${k}` }) },
          ),
        ),
      ),
    );
    let stopping: Promise<void> | null = null;
    return {
      networkId,
      config,
      validators,
      clients,
      nodes,
      storage,
      lights,
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Resolves once `check` holds, polling every 100 ms; throws naming `what` after `ms`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms: number,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The height of a chain shard on a node (0 while it does not run it). */
export function heightOf(node: NetworkNode, at: ShardRef): number {
  return node.runtime(at.chainId, at.shard)?.chain.head().height ?? 0;
}

/** A transfer of `amount` from `from` to `to` on a chain shard, with `from`'s next nonce there as `node` sees it. */
export async function signedTransfer(
  api: ApiClient,
  at: ShardRef,
  from: Ed25519KeyPair,
  to: Ed25519KeyPair,
  amount = 1n,
): Promise<SignedTx> {
  const account = await api.chainAccount(at.chainId, at.shard, addressOf(from));
  return signTx(
    {
      chainId: at.chainId,
      shard: at.shard,
      kind: TxKind.Transfer,
      sender: from.publicKey,
      nonce: account.nonce + account.pendingTxs,
      fee: 1n,
      payload: { to: addressFromPublicKey(to.publicKey), amount },
    },
    from.secretKey,
  );
}

/** Waits until `api`'s node reports tx `hash` in a block. */
export function included(api: ApiClient, hash: string, ms: number): Promise<void> {
  return until(
    `tx ${hash.slice(0, 12)}… included`,
    async () => {
      const status = await api.tx(hash).catch(() => null);
      return status?.status === "included" || status?.status === "final";
    },
    ms,
  );
}

/** One sample of a Prometheus text exposition. */
export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

/** The samples of metric `name` in a `/metrics` text (its exact name: no `_bucket`/`_sum` suffix is matched). */
export function samplesOf(text: string, name: string): MetricSample[] {
  const out: MetricSample[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line.trim());
    if (!m || m[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]] = l[2];
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

/** The sum of metric `name`'s samples whose labels include `match` (0 when there is none). */
export function metricSum(text: string, name: string, match: Record<string, string> = {}): number {
  return samplesOf(text, name)
    .filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** A node's `/metrics` text. */
export async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  if (!res.ok) throw new Error(`GET ${url}/metrics: ${res.status}`);
  return res.text();
}

/** `GET /v1/p2p` of a node, as the route answers it. */
export interface P2pJson {
  peerId: string;
  addresses: string[];
  peers: Array<{
    peerId: string;
    connected: boolean;
    score: number;
    gossipScore: number;
    banned: boolean;
    offences: Record<string, number>;
  }>;
  stats: {
    received: Array<{ topic: string; via: string; count: number }>;
    offences: Record<string, number>;
    bans: number;
    peers: number;
  };
}

/** A node's libp2p view over its API. */
export function p2pOf(api: ApiClient): Promise<P2pJson> {
  return api.request<P2pJson>("GET", "/v1/p2p");
}
