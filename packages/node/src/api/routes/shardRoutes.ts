import { bytesToHex } from "@vshard/crypto";
import { committeeMemberToJson } from "../networkJson.ts";
import type { ApiContext, RouteDefinition } from "../routeDefinition.ts";
import { chainReadRoutes, headToJson } from "./chainRoutes.ts";
import {
  chainIdParam,
  hostedShardOf,
  networkOf,
  type ShardParams,
  shardParam,
  shardParamsSchema,
} from "./networkScope.ts";

/** Prefix of every route of one chain shard. */
const SHARD_PREFIX = "/v1/chains/:chainId/shards/:shard";

/**
 * One chain shard of a network node (the main chain is chain 0 shard 0): its summary (head, plugin and consensus
 * status, committee, anchor head), and its head, blocks and accounts as the default chain's `/v1/head`,
 * `/v1/blocks/:id` and `/v1/accounts/:address` serve them.
 */
export function shardRoutes(ctx: ApiContext): RouteDefinition[] {
  return [
    {
      method: "GET",
      url: SHARD_PREFIX,
      operationId: "getShard",
      summary:
        "A chain shard this node runs: head, plugin and consensus status, committee (epoch, members with their keys) " +
        "and the last header anchored on the main chain",
      schema: { params: shardParamsSchema },
      async handler(req) {
        const network = networkOf(ctx);
        const hosted = await hostedShardOf(network, req.params);
        const { chainId, shard } = req.params as ShardParams;
        const fixed = network.committeeOf(chainId, shard);
        const committee = fixed?.committee ?? hosted.committee;
        const anchor = await network.registry.anchorHead(chainId, shard);
        return {
          chainId,
          shard,
          plugin: hosted.consensus.name,
          head: headToJson(hosted.chain),
          consensus: { finalizedHeight: hosted.chain.finalizedHeight(), status: hosted.consensus.status() },
          committee: {
            epoch: committee.epoch,
            fixedAtHeight: fixed?.fixedAtHeight ?? null,
            members: committee.members.map(committeeMemberToJson),
          },
          anchor: anchor ? { height: anchor.height, hash: bytesToHex(anchor.hash) } : null,
        };
      },
    },
    ...chainReadRoutes({
      urlPrefix: SHARD_PREFIX,
      operationInfix: "Shard",
      summarySuffix: " of a chain shard this node runs",
      params: { chainId: chainIdParam, shard: shardParam },
      resolve: async (req) => (await hostedShardOf(networkOf(ctx), req.params)).chain,
      servedBy: "route",
    }),
  ];
}
