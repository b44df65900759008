import { type Logger, systemClock } from "@vshard/engine";
import type { FastifyInstance } from "fastify";
import { defaultApiLimits } from "../api/routeDefinition.ts";
import { buildApiApp } from "../api/server.ts";
import type { StorageMembership } from "../dlfs/storageMembership.ts";
import { DEFAULT_REPAIR_INTERVAL_MS, StorageNode } from "../dlfs/storageNode.ts";
import { createNodeMetrics } from "../metrics.ts";
import type { Libp2pTransport } from "../network/libp2p/index.ts";
import type { FollowedShard } from "./headerFollower.ts";
import { LightNode } from "./lightNode.ts";
import type { NodeOptions } from "./nodeOptions.ts";
import { storageRoutes } from "./storageRoutes.ts";
import { VSHARD_VERSION } from "./vshardNode.ts";

/** 1 s between a light node's header requests: a few blocks of each shard per round at 250 ms blocks. */
export const LIGHT_SYNC_INTERVAL_MS = 1_000;

/** 16 MiB: the largest body a light node unpacks (several blocks' worth of the largest block the chains allow). */
export const LIGHT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** What a storage or light node started on its own libp2p endpoint shares with the others. */
export interface RoleNodeModules {
  transport: Libp2pTransport;
  /** The network's storage nodes (the network file's `storage`). */
  membership: StorageMembership;
  logger: Logger;
}

/** A DLFS storage node on its libp2p endpoint, with its API if it has one. */
export interface StartedStorageNode {
  node: StorageNode;
  /** The API's base URL; null without one. */
  url: string | null;
  /** Stops the API and the node (its database). Idempotent; the transport is the caller's. */
  stop(): Promise<void>;
}

/** A light node on its libp2p endpoint, with its API if it has one. */
export interface StartedLightNode {
  node: LightNode;
  url: string | null;
  /** Stops following, the API and the database. Idempotent; the transport is the caller's. */
  stop(): Promise<void>;
}

/**
 * Starts a storage node serving the DLFS operations over `transport` (the `rpc` request/response protocol), repairing
 * every `repairIntervalMs` (default 10 s), with an API (`GET /v1/node`, `GET /v1/p2p`) when `api` is given.
 */
export async function startStorageNode(
  opts: {
    dataDir: string;
    replicas: number;
    repairIntervalMs?: number;
    api: { host: string; port: number } | null;
  },
  modules: RoleNodeModules,
): Promise<StartedStorageNode> {
  const logger = modules.logger.child({ module: "storage" });
  const node = await StorageNode.create(
    {
      dataDir: opts.dataDir,
      replicas: opts.replicas,
      repairIntervalMs: opts.repairIntervalMs ?? DEFAULT_REPAIR_INTERVAL_MS,
    },
    { transport: modules.transport, membership: modules.membership, clock: systemClock, logger },
  );
  if (!modules.membership.members().includes(node.id))
    logger.warn(
      { peerId: node.id },
      "this storage node is not in the network file's storage list: no node places objects on it",
    );
  node.start();
  let api: FastifyInstance | null = null;
  let url: string | null = null;
  try {
    if (opts.api) {
      const routes = storageRoutes(node, modules.membership, modules.transport);
      api = buildApiApp(
        routes,
        { metrics: createNodeMetrics(), limits: defaultApiLimits },
        logger,
        VSHARD_VERSION,
      );
      url = await api.listen({ host: opts.api.host, port: opts.api.port });
    }
  } catch (err) {
    await node.stop();
    throw err;
  }
  let stopping: Promise<void> | null = null;
  return {
    node,
    url,
    stop() {
      stopping ??= (async () => {
        await api?.close();
        await node.stop();
      })();
      return stopping;
    },
  };
}

/**
 * Starts a light node over `transport`: it asks `fullNodes` for the headers of `follows` every `syncIntervalMs`
 * (default 1 s), reads bodies from the storage nodes and proves txs on its API when `api` is given.
 */
export async function startLightNode(
  opts: {
    dataDir: string;
    follows: FollowedShard[];
    fullNodes: string[];
    replicas: number;
    syncIntervalMs?: number;
    api: { host: string; port: number } | null;
    logLevel: NodeOptions["logLevel"];
  },
  modules: RoleNodeModules,
): Promise<StartedLightNode> {
  const node = await LightNode.create(
    {
      dataDir: opts.dataDir,
      shards: opts.follows,
      fullNodes: opts.fullNodes,
      replicas: opts.replicas,
      syncIntervalMs: opts.syncIntervalMs ?? LIGHT_SYNC_INTERVAL_MS,
      maxBodyBytes: LIGHT_MAX_BODY_BYTES,
      api: opts.api,
      logLevel: opts.logLevel,
    },
    {
      transport: modules.transport,
      membership: modules.membership,
      clock: systemClock,
      logger: modules.logger,
    },
  );
  let url: string;
  try {
    url = await node.start();
  } catch (err) {
    await node.stop();
    throw err;
  }
  return { node, url: url || null, stop: () => node.stop() };
}
