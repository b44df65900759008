import type { ApiContext } from "../routeDefinition.ts";
import type { EventStreamScope } from "./eventRoutes.ts";
import { hostedShardOf, networkOf, shardParamsSchema } from "./networkScope.ts";

/**
 * The event stream of one chain shard a network node runs, `/v1/chains/:chainId/shards/:shard/events`: the same
 * events and options as `/v1/events`, for that shard. 404 `API_ERROR_NOT_A_NETWORK_NODE` on a single-chain node,
 * `CHAIN_NOT_FOUND` / `SHARD_NOT_FOUND` / `SHARD_NOT_RUNNING` as the other routes of a shard.
 */
export function shardEventStream(ctx: ApiContext): EventStreamScope {
  return {
    url: "/v1/chains/:chainId/shards/:shard/events",
    operationId: "streamShardEvents",
    summary:
      "Server-sent events of a chain shard this node runs: `block` (height, hash, txCount; with ?txs=hashes also " +
      "the tx hashes) and `finalized` (height)",
    params: shardParamsSchema,
    resolve: async (req) => (await hostedShardOf(networkOf(ctx), req.params)).chain,
  };
}
