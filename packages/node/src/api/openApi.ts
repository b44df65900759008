import type { RouteDefinition } from "./routeDefinition.ts";

/** Builds the OpenAPI 3.1 document from the route definitions, so the document and the routes never drift apart. */
export function buildOpenApi(routes: RouteDefinition[], version: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z]+)/g, "{$1}");
    const params = (r.schema.params as { properties?: Record<string, object> } | undefined)?.properties ?? {};
    const query =
      (r.schema.querystring as { properties?: Record<string, object> } | undefined)?.properties ?? {};
    const body = r.schema.body as { content?: Record<string, { schema: object }> } | undefined;
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      operationId: r.operationId,
      summary: r.summary,
      parameters: [
        ...Object.entries(params).map(([name, schema]) => ({ name, in: "path", required: true, schema })),
        ...Object.entries(query).map(([name, schema]) => ({ name, in: "query", required: false, schema })),
      ],
      ...(body?.content ? { requestBody: { required: true, content: body.content } } : {}),
      responses: {
        "2XX": { description: "success" },
        "4XX": { description: "`{code, message}`: what is wrong with the request" },
        "5XX": { description: "`{code, message}`: the node could not serve it now" },
      },
    };
  }
  return { openapi: "3.1.0", info: { title: "vshard node API", version }, paths };
}
