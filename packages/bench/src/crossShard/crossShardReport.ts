import {
  CROSS_SHARD_STAGE_SPANS,
  CROSS_SHARD_STAGES,
  type CrossShardResult,
  type StagePercentiles,
} from "./interface.ts";

/** A figure with en-US grouping and at most `decimals` decimals; "–" for null. */
const fig = (v: number | null | undefined, decimals = 0) =>
  v === null || v === undefined || !Number.isFinite(v)
    ? "–"
    : v.toLocaleString("en-US", { maximumFractionDigits: decimals });

/** "300 credited, 0 refunded, 0 unsettled of 300 sampled (of 4,210 sent in the window)". */
function countsText(r: CrossShardResult): string {
  return (
    `${fig(r.credited)} credited, ${fig(r.refunded)} refunded, ${fig(r.unsettled)} unsettled of ${fig(r.sampled)} ` +
    `sampled (of ${fig(r.sentInWindow)} sent in the window)`
  );
}

/** "all settled 3.2 s after the window" or "not all settled within 60 s after the window". */
function settleText(r: CrossShardResult): string {
  return r.settledAfterMs === null
    ? `not all settled within ${fig(r.settleTimeoutMs / 1000)} s after the window`
    : `all settled ${fig(r.settledAfterMs / 1000, 1)} s after the window`;
}

/** "total p50 = 3.7 main blocks (252 ms) = 3.6 shard blocks (258 ms)": what the latency is made of. */
export function blocksText(r: CrossShardResult): string {
  const part = (what: string, ratio: number | null, interval: number | null) =>
    `${fig(ratio, 1)} ${what} blocks (${fig(interval)} ms)`;
  return (
    `total p50 = ${part("main-chain", r.totalP50InBlocks.main, r.blockIntervalMs.main)} = ` +
    `${part("shard", r.totalP50InBlocks.shard, r.blockIntervalMs.shard)}, mean intervals in the window`
  );
}

/** The lines of the console summary: counts, the p50 breakdown with the total's percentiles, the block ratio. */
export function crossShardConsoleLines(r: CrossShardResult): string[] {
  const s = r.stagesMs;
  const t = s.total;
  return [
    `  cross-shard     ratio ${fig(r.ratio, 3)}: ${countsText(r)}; ${settleText(r)}`,
    `  cross latency   p50 anchor ${fig(s.anchor?.p50)} + relay ${fig(s.relay?.p50)} + credit ${fig(s.credit?.p50)} ms; ` +
      `total p50 ${fig(t?.p50)} ms  p95 ${fig(t?.p95)} ms  p99 ${fig(t?.p99)} ms  max ${fig(t?.max)} ms  (debit → credit)`,
    `  cross blocks    ${blocksText(r)}`,
  ];
}

function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
}

function percentileCells(p: StagePercentiles | null): string[] {
  return [fig(p?.count), fig(p?.p50), fig(p?.p95), fig(p?.p99), fig(p?.max)];
}

/** The `## Cross-shard transfers` section of a run's summary.md. */
export function crossShardMarkdown(r: CrossShardResult): string[] {
  const relays = r.relayTotals;
  return [
    "",
    "## Cross-shard transfers",
    "",
    `${fig(r.ratio * 100, 1)}% of the transfers crossed shards. A seeded uniform sample of those sent in the ` +
      `measured window and debited (final in their source shard) was followed to its credit: ${countsText(r)}; ${settleText(r)}. ` +
      `${fig(relays.relays)} relay${relays.relays === 1 ? "" : "s"} (in the benchmark process, against node-0) ` +
      `delivered ${fig(relays.delivered)} receives (${fig(relays.duplicates)} duplicates, ${fig(relays.retries)} ` +
      `retries, ${fig(relays.failures)} failures).`,
    "",
    row(["stage", "span", "transfers", "p50 ms", "p95 ms", "p99 ms", "max ms"]),
    row(["---", "---", "---", "---", "---", "---", "---"]),
    ...CROSS_SHARD_STAGES.map((stage) =>
      row([stage, CROSS_SHARD_STAGE_SPANS[stage], ...percentileCells(r.stagesMs[stage])]),
    ),
    "",
    `Stages are measured over the credited transfers of the sample (relay and credit over those with a relayed ` +
      `stage), from block times and the node's clock when it first admitted the relay's receive; the stages' ` +
      `percentiles need not add up to the total's. ${blocksText(r).replace(/^t/, "T")}.`,
  ];
}

/** One row of the sweep's cross-shard table: which run, then its counts and total and stage p50s. */
export interface CrossShardSweepRow {
  label: string;
  result: CrossShardResult;
}

/** A sweep's cross-shard section: one row per run that has cross-shard figures; none when no run has. */
export function crossShardSweepMarkdown(rows: readonly CrossShardSweepRow[]): string[] {
  if (rows.length === 0) return [];
  return [
    "",
    "## Cross-shard transfers",
    "",
    "Each run's sample of cross transfers (ms; stages over the credited ones).",
    "",
    row([
      "run",
      "ratio",
      "sampled",
      "credited",
      "refunded",
      "unsettled",
      "anchor p50",
      "relay p50",
      "credit p50",
      "total p50",
      "total p95",
      "total p99",
      "total p50 in main / shard blocks",
    ]),
    row(Array.from({ length: 13 }, () => "---")),
    ...rows.map(({ label, result: r }) =>
      row([
        label,
        fig(r.ratio, 3),
        fig(r.sampled),
        fig(r.credited),
        fig(r.refunded),
        fig(r.unsettled),
        fig(r.stagesMs.anchor?.p50),
        fig(r.stagesMs.relay?.p50),
        fig(r.stagesMs.credit?.p50),
        fig(r.stagesMs.total?.p50),
        fig(r.stagesMs.total?.p95),
        fig(r.stagesMs.total?.p99),
        `${fig(r.totalP50InBlocks.main, 1)} / ${fig(r.totalP50InBlocks.shard, 1)}`,
      ]),
    ),
  ];
}
