/** The stages a cross-shard transfer's latency is split into (ms each): debit → anchor → relay → credit, and total. */
export type CrossShardStage = "anchor" | "relay" | "credit" | "total";

/** The stages in report order. */
export const CROSS_SHARD_STAGES: readonly CrossShardStage[] = ["anchor", "relay", "credit", "total"];

/** What each stage measures, for tables and charts. */
export const CROSS_SHARD_STAGE_SPANS: Readonly<Record<CrossShardStage, string>> = {
  anchor: "debited → anchored",
  relay: "anchored → relayed",
  credit: "relayed → credited",
  total: "debited → credited",
};

/** One stage a transfer reached, as `GET /v1/transfers/:hash` lists it (only these fields are read). */
export interface StageMark {
  stage: string;
  /** Epoch ms: a block's time, or when the node first admitted the relay's receive ("relayed"). */
  at: number;
}

/** Percentiles (nearest rank) of one stage over the transfers that have it, in ms. */
export interface StagePercentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** The percentiles of every stage; null for a stage no transfer of the sample has. */
export type StageBreakdown = Record<CrossShardStage, StagePercentiles | null>;

/** Where the sampled transfers ended up. */
export interface SettleCounts {
  credited: number;
  refunded: number;
  /** Neither credited nor refunded by the deadline (or never found). */
  unsettled: number;
}

/** What the relays of a run did, added up over them. */
export interface RelayTotals {
  relays: number;
  delivered: number;
  duplicates: number;
  retries: number;
  failures: number;
}

/** The cross-shard part of a run's result: debit-to-credit latency of a sample of its cross transfers, by stage. */
export interface CrossShardResult extends SettleCounts {
  /** Share of the workload's transfers that crossed shards (`--cross-shard`). */
  ratio: number;
  /**
   * Cross transfers sent in the measured window and debited (final in their source shard): the population sampled.
   * One accepted but never final is counted with the run's dropped txs.
   */
  sentInWindow: number;
  /** Transfers followed (a seeded uniform sample of `sentInWindow`, at most the sample size). */
  sampled: number;
  /** How long after the end of the window the harness waited at most for the sample to settle. */
  settleTimeoutMs: number;
  /** When the last sampled transfer was seen settled, ms after the end of the window; null when some never did. */
  settledAfterMs: number | null;
  /**
   * Per stage over the credited transfers of the sample: anchor = anchored − debited, relay = relayed − anchored,
   * credit = credited − relayed (both only for transfers with a relayed stage), total = credited − debited.
   */
  stagesMs: StageBreakdown;
  /** Mean block intervals measured over the measured window (ms): the main chain, and the bench chain's shards. */
  blockIntervalMs: { main: number | null; shard: number | null };
  /** total p50 ÷ those intervals: how many blocks of each the latency is worth. */
  totalP50InBlocks: { main: number | null; shard: number | null };
  relayTotals: RelayTotals;
}

/**
 * What the harness reads a transfer's stages from: the node API (`ApiClient.transfer`, `GET /v1/transfers/:hash`)
 * or a fake in tests.
 */
export interface TransferSource {
  transfer(hash: string): Promise<{ status: string; stages: StageMark[] }>;
}
