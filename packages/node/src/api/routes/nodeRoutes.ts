import type { ApiContext, RouteDefinition } from "../routeDefinition.ts";

/** The node's own figures: process CPU and memory, storage and compression. */
export function nodeRoutes(ctx: ApiContext): RouteDefinition[] {
  return [
    {
      method: "GET",
      url: "/v1/node/stats",
      operationId: "getNodeStats",
      summary: "Process CPU seconds, RSS and peak RSS, and block body bytes before and after compression",
      schema: {},
      async handler() {
        const cpu = process.cpuUsage();
        const storage = await ctx.chain.storageStats();
        return {
          process: {
            cpuSeconds: (cpu.user + cpu.system) / 1e6,
            rssBytes: process.memoryUsage.rss(),
            peakRssBytes: process.resourceUsage().maxRSS * 1024,
            uptimeSeconds: process.uptime(),
          },
          storage: {
            ...storage,
            compressionRatio:
              storage.bodyBytesStored > 0 ? storage.bodyBytesRaw / storage.bodyBytesStored : null,
          },
        };
      },
    },
  ];
}
