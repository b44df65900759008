import { outboxPage } from "../../crossShard/outboxPage.ts";
import { supplyAudit, supplyAuditToJson } from "../../crossShard/supplyAudit.ts";
import { transferStages } from "../../crossShard/transferStages.ts";
import type { ApiContext, RouteDefinition } from "../routeDefinition.ts";
import { chainIdParam, hostedShardOf, networkOf, shardParam } from "./networkScope.ts";

/** Most receipts one outbox page holds (whole blocks: a page may pass it by one block's outbox). */
const MAX_OUTBOX_PAGE = 1000;

/** Cross-shard transfers: outboxes with proofs (what relays read), a transfer's stages, the supply audit. */
export function crossShardRoutes(ctx: ApiContext): RouteDefinition[] {
  return [
    {
      method: "GET",
      url: "/v1/chains/:chainId/shards/:shard/outbox",
      operationId: "getOutbox",
      summary:
        "Final outboxes of a chain shard from a height: each receipt with its merkle proof, the shard that consumes it " +
        "once its block is anchored, and whether it was consumed (`pending=true`: only those not consumed); `next` is " +
        "the height to ask from next",
      schema: {
        params: {
          type: "object",
          required: ["chainId", "shard"],
          properties: { chainId: chainIdParam, shard: shardParam },
        },
        querystring: {
          type: "object",
          properties: {
            from: { type: "integer", minimum: 1, default: 1 },
            limit: { type: "integer", minimum: 1, maximum: MAX_OUTBOX_PAGE, default: 100 },
            pending: { type: "boolean", default: false },
          },
          additionalProperties: false,
        },
      },
      async handler(req) {
        const network = networkOf(ctx);
        const source = await hostedShardOf(network, req.params);
        const { from, limit, pending } = req.query as { from: number; limit: number; pending: boolean };
        return outboxPage(network, source, from, limit, pending);
      },
    },
    {
      method: "GET",
      url: "/v1/transfers/:hash",
      operationId: "getTransfer",
      summary:
        "A cross-shard transfer's stages with their times: debited, anchored, routed (main chain), relayed, credited " +
        "or refunded",
      schema: {
        params: {
          type: "object",
          required: ["hash"],
          properties: { hash: { type: "string", pattern: "^[0-9a-f]{64}$" } },
        },
      },
      handler: (req) => transferStages(networkOf(ctx), (req.params as { hash: string }).hash),
    },
    {
      method: "GET",
      url: "/v1/supply",
      operationId: "getSupply",
      summary:
        "Supply audit: Σ balances over every hosted chain shard plus receipts in flight, against the supply " +
        "({supply, balances, inFlight, balanced} and per-shard figures)",
      schema: {},
      handler: async () => supplyAuditToJson(await supplyAudit(networkOf(ctx))),
    },
  ];
}
