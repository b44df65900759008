import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The node's Prometheus metrics; pure packages never see prom-client, only this typed object or null. */
export interface NodeMetrics {
  registry: Registry;
  blocksCommitted: Counter<"chain">;
  txsCommitted: Counter<"chain">;
  txsAdmitted: Counter<"result">;
  headHeight: Gauge<"chain">;
  finalizedHeight: Gauge<"chain">;
  mempoolTxs: Gauge<"chain">;
  blockCommitSeconds: Histogram<"chain">;
  httpRequests: Counter<"operation" | "status">;
  httpRequestSeconds: Histogram<"operation">;
}

/** Creates the metrics in a registry of their own (several nodes may share a process). */
export function createNodeMetrics(): NodeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "vshard_process_" });
  const r = [registry];
  return {
    registry,
    blocksCommitted: new Counter({
      name: "vshard_blocks_committed_total",
      help: "Blocks committed",
      labelNames: ["chain"],
      registers: r,
    }),
    txsCommitted: new Counter({
      name: "vshard_txs_committed_total",
      help: "Transactions committed",
      labelNames: ["chain"],
      registers: r,
    }),
    txsAdmitted: new Counter({
      name: "vshard_txs_submitted_total",
      help: "Transactions submitted, by result (accepted or the error code)",
      labelNames: ["result"],
      registers: r,
    }),
    headHeight: new Gauge({
      name: "vshard_head_height",
      help: "Height of the last committed block",
      labelNames: ["chain"],
      registers: r,
    }),
    finalizedHeight: new Gauge({
      name: "vshard_finalized_height",
      help: "Height of the last final block",
      labelNames: ["chain"],
      registers: r,
    }),
    mempoolTxs: new Gauge({
      name: "vshard_mempool_txs",
      help: "Transactions waiting in the mempool",
      labelNames: ["chain"],
      registers: r,
    }),
    blockCommitSeconds: new Histogram({
      name: "vshard_block_interval_seconds",
      help: "Time between consecutive committed blocks",
      labelNames: ["chain"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers: r,
    }),
    httpRequests: new Counter({
      name: "vshard_http_requests_total",
      help: "HTTP requests by operation id and status",
      labelNames: ["operation", "status"],
      registers: r,
    }),
    httpRequestSeconds: new Histogram({
      name: "vshard_http_request_seconds",
      help: "HTTP request duration by operation id",
      labelNames: ["operation"],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: r,
    }),
  };
}
