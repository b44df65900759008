import { epochStart, firstEpochIncluding, MAIN_CHAIN_ID } from "@vshard/engine";
import { MAX_CHAIN_ID, MAX_SHARD_ID } from "@vshard/types";
import { ApiError } from "../apiError.ts";
import type { HostedShard, NetworkView } from "../networkView.ts";
import type { ApiContext } from "../routeDefinition.ts";

/** Params schema property of a chain id. */
export const chainIdParam = { type: "integer", minimum: 0, maximum: MAX_CHAIN_ID } as const;

/** Params schema property of a shard id. */
export const shardParam = { type: "integer", minimum: 0, maximum: MAX_SHARD_ID } as const;

/** Params schema of a route under `/v1/chains/:chainId/shards/:shard`. */
export const shardParamsSchema = {
  type: "object",
  required: ["chainId", "shard"],
  properties: { chainId: chainIdParam, shard: shardParam },
} as const;

/** The chain shard a route under `/v1/chains/:chainId/shards/:shard` names. */
export interface ShardParams {
  chainId: number;
  shard: number;
}

/** The node's network; a 404 `API_ERROR_NOT_A_NETWORK_NODE` on a single-chain node. */
export function networkOf(ctx: ApiContext): NetworkView {
  if (ctx.network) return ctx.network;
  throw new ApiError(
    404,
    "API_ERROR_NOT_A_NETWORK_NODE",
    "this node runs a single chain: chains, shards, epochs, validators and anchors are served by network nodes",
  );
}

/** 404 `CHAIN_NOT_FOUND` naming the chain id. */
export function chainNotFound(chainId: number): ApiError {
  return new ApiError(
    404,
    "CHAIN_NOT_FOUND",
    chainId === MAIN_CHAIN_ID
      ? `chain ${chainId} is the main chain, not a registered worker chain: see \`main\` in GET /v1/chains and GET /v1/chains/${chainId}/shards/0`
      : `no chain ${chainId} is registered on the main chain (see GET /v1/chains)`,
  );
}

/** 404 `SHARD_NOT_FOUND`: the chain exists but has fewer shards. */
export function shardNotFound(chainId: number, shard: number, shardCount: number): ApiError {
  return new ApiError(
    404,
    "SHARD_NOT_FOUND",
    `chain ${chainId} has no shard ${shard}: it has ${shardCount} shard${shardCount === 1 ? "" : "s"} (0..${shardCount - 1})`,
  );
}

/**
 * Checks that chain `chainId` shard `shard` exists: the main chain's shard 0, or a shard of a registered worker chain.
 * Returns the main height the shard was added at (0 for the main chain); 404 `CHAIN_NOT_FOUND` or `SHARD_NOT_FOUND`.
 */
export async function shardAddedAt(network: NetworkView, chainId: number, shard: number): Promise<number> {
  if (chainId === MAIN_CHAIN_ID) {
    if (shard !== 0) throw shardNotFound(chainId, shard, 1);
    return 0;
  }
  const entry = await network.registry.getChain(chainId);
  if (!entry) throw chainNotFound(chainId);
  if (shard >= entry.shardsAddedAt.length) throw shardNotFound(chainId, shard, entry.shardsAddedAt.length);
  return entry.shardsAddedAt[shard];
}

/**
 * The hosted runtime of the chain shard a route's params name. 404 `CHAIN_NOT_FOUND` / `SHARD_NOT_FOUND` when it does
 * not exist, `SHARD_NOT_RUNNING` when it is registered but this node does not run it (yet): its committee is fixed
 * with the first epoch whose sortition follows the shard's registration, and it starts then.
 */
export async function hostedShardOf(network: NetworkView, params: unknown): Promise<HostedShard> {
  const { chainId, shard } = params as ShardParams;
  const hosted = network.shard(chainId, shard);
  if (hosted) return hosted;
  const addedAt = await shardAddedAt(network, chainId, shard);
  const epoch = firstEpochIncluding(addedAt, network.rules);
  const fixedAt = epoch === 0 ? 0 : epochStart(epoch, network.rules) - 1;
  const committed = network.shard(MAIN_CHAIN_ID, 0)?.chain.head().height ?? 0;
  const why =
    committed < fixedAt
      ? `its committee is not fixed yet: it is drawn for epoch ${epoch}, fixed once main height ${fixedAt} is committed (now ${committed})`
      : `its epoch ${epoch} committee was fixed at main height ${fixedAt}; the shard is starting`;
  throw new ApiError(
    404,
    "SHARD_NOT_RUNNING",
    `chain ${chainId} shard ${shard} is registered (added at main height ${addedAt}) but not running on this node: ${why}`,
  );
}
