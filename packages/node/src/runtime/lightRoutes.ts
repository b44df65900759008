import { bytesToHex } from "@vshard/crypto";
import { ApiError } from "../api/apiError.ts";
import { headerToJson } from "../api/blockJson.ts";
import type { RouteDefinition } from "../api/routeDefinition.ts";
import { chainIdParam, shardParam } from "../api/routes/networkScope.ts";
import type { LightNode } from "./lightNode.ts";

/** A light node's own routes: what it follows, and the headers it holds. */
export function lightRoutes(node: LightNode): RouteDefinition[] {
  const params = {
    type: "object",
    required: ["chainId", "shard", "height"],
    properties: { chainId: chainIdParam, shard: shardParam, height: { type: "integer", minimum: 0 } },
  } as const;
  return [
    {
      method: "GET",
      url: "/v1/node",
      operationId: "getLightNode",
      summary:
        "The light node: its role, the shards it follows with their last header, and the bytes it stores",
      schema: {},
      handler: async () => ({
        role: node.role,
        bytesStored: await node.db.bytesStored(),
        shards: node.opts.shards.map(({ chainId, shard }) => {
          const head = node.follower.head(chainId, shard);
          return { chainId, shard, height: head?.height ?? null, hash: head ? bytesToHex(head.hash) : null };
        }),
      }),
    },
    {
      method: "GET",
      url: "/v1/chains/:chainId/shards/:shard/blocks/:height/header",
      operationId: "getLightHeader",
      summary: "A header the light node holds",
      schema: { params },
      async handler(req) {
        const { chainId, shard, height } = req.params as { chainId: number; shard: number; height: number };
        const header = await node.db.getHeaderByHeight(chainId, shard, height);
        if (!header)
          throw new ApiError(
            404,
            "API_ERROR_BLOCK_NOT_FOUND",
            `no header of chain ${chainId} shard ${shard} at ${height}`,
          );
        return headerToJson(header);
      },
    },
  ];
}
