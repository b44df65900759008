import type { ServerResponse } from "node:http";
import { bytesToHex } from "@vshard/crypto";
import { txHash } from "@vshard/types";
import type { ApiContext, RouteDefinition } from "../routeDefinition.ts";

/** Server-sent events (open streams are tracked in `open` so that shutdown can end them): `block` for each committed block, `finalized` when finality advances. */
export function eventRoutes(ctx: ApiContext, open: Set<ServerResponse>): RouteDefinition[] {
  return [
    {
      method: "GET",
      url: "/v1/events",
      operationId: "streamEvents",
      summary:
        "Server-sent events: `block` (height, hash, txCount; with ?txs=hashes also the tx hashes) and `finalized` (height)",
      schema: { querystring: { type: "object", properties: { txs: { type: "string", enum: ["hashes"] } } } },
      async handler(req, reply) {
        const withHashes = (req.query as { txs?: string }).txs === "hashes";
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          "content-type": "text/event-stream",
          "cache-control": "no-cache",
          connection: "keep-alive",
        });
        res.write(": connected\n\n");
        const unsubscribe = ctx.chain.subscribe((e) => {
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
    },
  ];
}
