import { bytesToHex } from "@vshard/crypto";
import { ApiError } from "../apiError.ts";
import type { ApiContext, RouteDefinition } from "../routeDefinition.ts";
import {
  chainIdParam,
  networkOf,
  type ShardParams,
  shardAddedAt,
  shardParam,
  shardParamsSchema,
} from "./networkScope.ts";

const anchoredHeaderParamsSchema = {
  type: "object",
  required: ["chainId", "shard", "height"],
  properties: {
    chainId: chainIdParam,
    shard: shardParam,
    height: { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  },
} as const;

/**
 * Worker-chain shard headers anchored on the main chain: each shard's last anchored header, and the entry the main
 * chain keeps for each anchored height (hash, state and receipt roots, epoch, main height of the anchor).
 */
export function anchorRoutes(ctx: ApiContext): RouteDefinition[] {
  return [
    {
      method: "GET",
      url: "/v1/anchors/:chainId/:shard",
      operationId: "getAnchorHead",
      summary: "The last header of a worker chain shard anchored on the main chain (height, hash)",
      schema: { params: shardParamsSchema },
      async handler(req) {
        const network = networkOf(ctx);
        const { chainId, shard } = req.params as ShardParams;
        await shardAddedAt(network, chainId, shard);
        const head = await network.registry.anchorHead(chainId, shard);
        if (!head)
          throw new ApiError(
            404,
            "ANCHOR_NOT_FOUND",
            `no header of chain ${chainId} shard ${shard} is anchored on the main chain yet`,
          );
        return { chainId, shard, height: head.height, hash: bytesToHex(head.hash) };
      },
    },
    {
      method: "GET",
      url: "/v1/anchors/:chainId/:shard/:height",
      operationId: "getAnchoredHeader",
      summary:
        "The main chain's entry for an anchored header of a worker chain shard: hash, state root, receipt root, epoch " +
        "and the main height it was anchored at",
      schema: { params: anchoredHeaderParamsSchema },
      async handler(req) {
        const network = networkOf(ctx);
        const { chainId, shard, height } = req.params as ShardParams & { height: number };
        await shardAddedAt(network, chainId, shard);
        const entry = await network.registry.anchoredHeader(chainId, shard, height);
        if (!entry) {
          const head = await network.registry.anchorHead(chainId, shard);
          throw new ApiError(
            404,
            "ANCHOR_NOT_FOUND",
            `no header of chain ${chainId} shard ${shard} at height ${height} is anchored on the main chain` +
              (head ? ` (the last anchored height is ${head.height})` : " (none is anchored yet)"),
          );
        }
        return {
          chainId,
          shard,
          height,
          hash: bytesToHex(entry.hash),
          stateRoot: bytesToHex(entry.stateRoot),
          receiptRoot: bytesToHex(entry.receiptRoot),
          epoch: entry.epoch,
          anchoredAt: entry.anchoredAt,
        };
      },
    },
  ];
}
