import type { ServerResponse } from "node:http";
import { bytesToHex } from "@vshard/crypto";
import type { ShardChain } from "@vshard/engine";
import { txHash } from "@vshard/types";
import type { FastifyRequest } from "fastify";
import type { ApiContext, RouteDefinition } from "../routeDefinition.ts";
import { shardEventStream } from "./shardEventRoutes.ts";

/** Query schema of every event stream: `?txs=hashes` adds the tx hashes to each `block` event. */
const eventsQuerySchema = {
  type: "object",
  properties: { txs: { type: "string", enum: ["hashes"] } },
} as const;

/** Which chain an event stream follows: its URL, operation id, summary, params and how a request names the chain. */
export interface EventStreamScope {
  url: string;
  operationId: string;
  summary: string;
  /** Params schema of the URL, when it has params. */
  params?: object;
  /** The chain a request follows; throws an `ApiError` (answered before the stream opens) when it names none. */
  resolve(req: FastifyRequest): Promise<ShardChain>;
}

/**
 * One server-sent event stream over a chain shard (open streams are tracked in `open` so that shutdown can end them):
 * `block` (height, hash, txCount; with `?txs=hashes` also the tx hashes) for each committed block and `finalized`
 * (height) when finality advances. The default chain's `/v1/events` and each hosted shard's
 * `/v1/chains/:chainId/shards/:shard/events` are both this route over another scope.
 */
export function eventStreamRoute(scope: EventStreamScope, open: Set<ServerResponse>): RouteDefinition {
  return {
    method: "GET",
    url: scope.url,
    operationId: scope.operationId,
    summary: scope.summary,
    schema: { querystring: eventsQuerySchema, ...(scope.params ? { params: scope.params } : {}) },
    async handler(req, reply) {
      // Resolved before hijacking, so that a chain this node does not serve is an ordinary JSON error answer.
      const chain = await scope.resolve(req);
      const withHashes = (req.query as { txs?: string }).txs === "hashes";
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        connection: "keep-alive",
      });
      res.write(": connected\n\n");
      const unsubscribe = chain.subscribe((e) => {
        const data =
          e.type === "block"
            ? {
                height: e.height,
                hash: bytesToHex(e.hash),
                txCount: e.block?.txs.length ?? 0,
                ...(withHashes
                  ? { txs: e.txHashes ?? e.block?.txs.map((t) => bytesToHex(txHash(t.tx))) ?? [] }
                  : {}),
              }
            : { height: e.height };
        res.write(`event: ${e.type}\ndata: ${JSON.stringify(data)}\n\n`);
      });
      open.add(res);
      req.raw.on("close", () => {
        unsubscribe();
        open.delete(res);
      });
    },
  };
}

/** Server-sent events of the default chain (`/v1/events`) and of every chain shard a network node runs. */
export function eventRoutes(ctx: ApiContext, open: Set<ServerResponse>): RouteDefinition[] {
  return [
    eventStreamRoute(
      {
        url: "/v1/events",
        operationId: "streamEvents",
        summary:
          "Server-sent events: `block` (height, hash, txCount; with ?txs=hashes also the tx hashes) and `finalized` (height)",
        resolve: async () => ctx.chain,
      },
      open,
    ),
    eventStreamRoute(shardEventStream(ctx), open),
  ];
}
