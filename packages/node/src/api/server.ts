import type { ServerResponse } from "node:http";
import type { Logger } from "@vshard/engine";
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import { ApiError, toApiError } from "./apiError.ts";
import { buildOpenApi } from "./openApi.ts";
import type { ApiContext, RouteDefinition } from "./routeDefinition.ts";
import { anchorRoutes } from "./routes/anchorRoutes.ts";
import { CAR_CONTENT_TYPE, carRoutes } from "./routes/carRoutes.ts";
import { chainRoutes } from "./routes/chainRoutes.ts";
import { consensusRoutes } from "./routes/consensusRoutes.ts";
import { crossShardRoutes } from "./routes/crossShardRoutes.ts";
import { dlfsRoutes } from "./routes/dlfsRoutes.ts";
import { epochRoutes } from "./routes/epochRoutes.ts";
import { eventRoutes } from "./routes/eventRoutes.ts";
import { networkRoutes } from "./routes/networkRoutes.ts";
import { nodeRoutes } from "./routes/nodeRoutes.ts";
import { p2pRoutes } from "./routes/p2pRoutes.ts";
import { recordRoutes } from "./routes/recordRoutes.ts";
import { shardRoutes } from "./routes/shardRoutes.ts";
import { smallbankRoutes } from "./routes/smallbankRoutes.ts";
import { txRoutes } from "./routes/txRoutes.ts";

/** fastify's own error codes for bad requests, mapped to ours. */
const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, "API_ERROR_MALFORMED_JSON"],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, "API_ERROR_MALFORMED_JSON"],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, "API_ERROR_BODY_TOO_LARGE"],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, "API_ERROR_UNSUPPORTED_MEDIA_TYPE"],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, "API_ERROR_BAD_CONTENT_LENGTH"],
};

/** The most specific schema error: the one deepest in the document (anyOf reports every branch). */
function describeValidation(err: FastifyError): string {
  const errors = err.validation ?? [];
  const deepest = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
  if (!deepest) return err.message;
  const where = `${err.validationContext ?? "body"}${deepest.instancePath.replaceAll("/", ".")}`;
  const extra =
    deepest.keyword === "additionalProperties"
      ? ` '${(deepest.params as { additionalProperty: string }).additionalProperty}'`
      : "";
  return `${where}: ${deepest.message}${extra}`;
}

/** Builds the node's HTTP API: routes as data, one error handler, request logging and metrics per operation id. */
export function createApiServer(ctx: ApiContext, logger: Logger, version: string): FastifyInstance {
  const openStreams = new Set<ServerResponse>();
  const routes: RouteDefinition[] = [
    ...txRoutes(ctx),
    ...chainRoutes(ctx),
    ...nodeRoutes(ctx),
    ...consensusRoutes(ctx),
    ...smallbankRoutes(ctx),
    ...eventRoutes(ctx, openStreams),
    ...networkRoutes(ctx),
    ...shardRoutes(ctx),
    ...recordRoutes(ctx),
    ...epochRoutes(ctx),
    ...anchorRoutes(ctx),
    ...crossShardRoutes(ctx),
    ...carRoutes(ctx),
    ...dlfsRoutes(ctx.dlfs ?? null),
    ...p2pRoutes(ctx.p2p ?? null),
  ];
  const app = buildApiApp(routes, ctx, logger, version);
  app.addHook("onClose", async () => {
    for (const res of openStreams) res.end();
  });
  return app;
}

/**
 * A fastify app serving `routes` (and `/metrics`, `/openapi.json`) with the API's error handling: every node kind
 * (chain node, light node) builds its API with it.
 */
export function buildApiApp(
  routes: RouteDefinition[],
  ctx: Pick<ApiContext, "metrics" | "limits">,
  logger: Logger,
  version: string,
): FastifyInstance {
  const app = Fastify({ bodyLimit: ctx.limits.bodyLimitBytes, logger: false, return503OnClosing: true });
  const openApi = buildOpenApi(routes, version);
  for (const type of ["application/msgpack", CAR_CONTENT_TYPE])
    app.addContentTypeParser(type, { parseAs: "buffer" }, (_req, body, done) => done(null, body));
  app.addHook("onResponse", async (req, reply) => {
    const operation = (req.routeOptions.config as { operationId?: string }).operationId ?? "unknown";
    ctx.metrics.httpRequests.inc({ operation, status: String(reply.statusCode) });
    ctx.metrics.httpRequestSeconds.observe({ operation }, reply.elapsedTime / 1000);
    logger.debug({ operation, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, "http request");
  });
  app.setErrorHandler((error: FastifyError, req, reply) => {
    const err = toApiError(error);
    if (err instanceof ApiError) return reply.code(err.status).send({ code: err.code, message: err.message });
    if (error.validation)
      return reply.code(400).send({ code: "API_ERROR_VALIDATION", message: describeValidation(error) });
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) return reply.code(mapped[0]).send({ code: mapped[1], message: error.message });
    if (error.statusCode && error.statusCode < 500)
      return reply
        .code(error.statusCode)
        .send({ code: error.code ?? "API_ERROR_BAD_REQUEST", message: error.message });
    const correlationId = req.id;
    logger.error({ err: error, correlationId, url: req.url }, "unhandled API error");
    return reply
      .code(500)
      .send({ code: "API_ERROR_INTERNAL", message: `internal error (correlation id ${correlationId})` });
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ code: "API_ERROR_NOT_FOUND", message: `no route ${req.method} ${req.url}; see /openapi.json` }),
  );

  for (const r of routes)
    app.route({
      method: r.method,
      url: r.url,
      schema: r.schema,
      config: { operationId: r.operationId },
      ...(r.bodyLimit ? { bodyLimit: r.bodyLimit } : {}),
      handler: r.handler,
    });
  app.get("/metrics", { config: { operationId: "metrics" } }, async (_req, reply) =>
    reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics()),
  );
  app.get("/openapi.json", { config: { operationId: "openApi" } }, async () => openApi);
  return app;
}
