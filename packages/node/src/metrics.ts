import type { ConsensusStatus } from "@vshard/engine";
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
  /**
   * Cross-shard transfer latency, seconds, by stage: `anchor` (debit → source block anchored), `relay` (anchored → a
   * relay handed the receive to this node), `credit` (relayed → credited), `total` (debit → credit).
   */
  crossShardSeconds: Histogram<"stage">;
  /** Receipts consumed by hosted shards: credited, forwarded (main chain as router) or refunded. */
  receiptsConsumed: Counter<"chain" | "use">;
  /** Bodies this node wrote to the DLFS (`published`) or gave up on (`failed`). */
  dlfsBodies: Counter<"result">;
  /** Bytes of the bodies this node wrote to the DLFS, before (`raw`) and after (`packed`) compression. */
  dlfsBodyBytes: Counter<"form">;
  /** DLFS replicas a read skipped, by reason (corrupt, missing, unreachable, error). */
  dlfsReplicasSkipped: Counter<"reason">;
  /** Height the consensus plugin is deciding (the next block's), read from its status at each scrape. */
  consensusHeight: Gauge<"chain">;
  /** Round of that height, for round-based plugins (absent for the others). */
  consensusRound: Gauge<"chain">;
  /** The plugin's status counters (`ConsensusStatus.counters`), one series per event name. */
  consensusEvents: Counter<"chain" | "event">;
  /** Makes the consensus metrics of chain `chain` read `status()` whenever they are collected. */
  trackConsensus(chain: string, status: () => ConsensusStatus): void;
}

/** Consensus plugins whose status the consensus metrics read, by chain label. */
type ConsensusSources = Map<string, () => ConsensusStatus>;

/**
 * The consensus metrics: set from the plugins' status when the registry is collected (a stuck chain commits no block,
 * yet its round moves, so they are read, not pushed on block events).
 */
function consensusMetrics(
  sources: ConsensusSources,
  r: Registry[],
): Pick<NodeMetrics, "consensusHeight" | "consensusRound" | "consensusEvents"> {
  /** Last total per series: the plugin's counters are totals, a prom-client counter only moves by increments. */
  const seen = new Map<string, number>();
  return {
    consensusHeight: new Gauge({
      name: "vshard_consensus_height",
      help: "Height the consensus plugin is deciding (the next block's)",
      labelNames: ["chain"],
      registers: r,
      collect() {
        for (const [chain, status] of sources) this.set({ chain }, status().height);
      },
    }),
    consensusRound: new Gauge({
      name: "vshard_consensus_round",
      help: "Consensus round of the height being decided (round-based plugins)",
      labelNames: ["chain"],
      registers: r,
      collect() {
        for (const [chain, status] of sources) {
          const { round } = status();
          if (round !== undefined) this.set({ chain }, round);
        }
      },
    }),
    consensusEvents: new Counter({
      name: "vshard_consensus_events_total",
      help: "Consensus events counted by the plugin (rounds started, view changes, blocks produced...), by event name",
      labelNames: ["chain", "event"],
      registers: r,
      collect() {
        for (const [chain, status] of sources)
          for (const [event, total] of Object.entries(status().counters)) {
            // inc by 0 on first sight makes a counter that has not moved yet show (e.g. no view change so far).
            const key = `${chain}/${event}`;
            const last = seen.get(key);
            seen.set(key, total);
            if (last === undefined || total > last) this.inc({ chain, event }, total - (last ?? 0));
          }
      },
    }),
  };
}

/** Creates the metrics in a registry of their own (several nodes may share a process). */
export function createNodeMetrics(): NodeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "vshard_process_" });
  const r = [registry];
  const sources: ConsensusSources = new Map();
  return {
    registry,
    ...consensusMetrics(sources, r),
    trackConsensus: (chain, status) => {
      sources.set(chain, status);
    },
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
    crossShardSeconds: new Histogram({
      name: "vshard_cross_shard_seconds",
      help: "Cross-shard transfer latency by stage: anchor, relay, credit, and total (debit to credit)",
      labelNames: ["stage"],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60],
      registers: r,
    }),
    dlfsBodies: new Counter({
      name: "vshard_dlfs_bodies_total",
      help: "Block bodies this node wrote to the DLFS (published) or gave up on (failed)",
      labelNames: ["result"],
      registers: r,
    }),
    dlfsBodyBytes: new Counter({
      name: "vshard_dlfs_body_bytes_total",
      help: "Bytes of the bodies this node wrote to the DLFS, raw and packed (raw / packed = compression ratio)",
      labelNames: ["form"],
      registers: r,
    }),
    dlfsReplicasSkipped: new Counter({
      name: "vshard_dlfs_replicas_skipped_total",
      help: "DLFS replicas a read skipped, by reason (corrupt, missing, unreachable, error)",
      labelNames: ["reason"],
      registers: r,
    }),
    receiptsConsumed: new Counter({
      name: "vshard_receipts_consumed_total",
      help: "Receipts consumed by a hosted shard, by use (credited, forwarded, refunded)",
      labelNames: ["chain", "use"],
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
