import {
  type BenchResultsFile,
  type BenchRunResult,
  type CountsByReason,
  mergeCounts,
  peakRssBytes,
  runPassed,
  type SweepPointSummary,
  totalCount,
  totalCpuSeconds,
} from "./benchResult.ts";
import { crossShardMarkdown, crossShardSweepMarkdown } from "./crossShard/crossShardReport.ts";
import type { RepeatSummary } from "./stats.ts";

const MIB = 1024 * 1024;

/** A figure for a table: en-US grouping, at most `decimals` decimals; "–" for null or non-finite. */
export function formatFigure(value: number | null, decimals = 1): string {
  if (value === null || !Number.isFinite(value)) return "–";
  return value.toLocaleString("en-US", { maximumFractionDigits: decimals, useGrouping: true });
}

/** Bytes as MiB with one decimal. */
function mib(bytes: number | null): string {
  return bytes === null ? "–" : `${formatFigure(bytes / MIB, 1)} MiB`;
}

/** A table cell: pipes and line breaks would break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

/** "median (min–max)", or just the value when all repeats agree. */
function spread(s: RepeatSummary, decimals = 1): string {
  const med = formatFigure(s.median, decimals);
  return s.min === s.max ? med : `${med} (${formatFigure(s.min, decimals)}–${formatFigure(s.max, decimals)})`;
}

/** A byte figure's spread in MiB. */
function spreadMib(s: RepeatSummary): string {
  return spread({ ...s, min: s.min / MIB, median: s.median / MIB, max: s.max / MIB });
}

function reasons(counts: CountsByReason): string {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  if (entries.length === 0) return "0";
  return `${formatFigure(totalCount(counts), 0)} (${entries.map(([r, n]) => `${r} ${formatFigure(n, 0)}`).join(", ")})`;
}

/**
 * What every sharded run shares: its nodes, what they run and check, and whether its txs stay in their shard or a
 * share of them (`ratio`) are cross-shard transfers.
 */
function shardedRunTraits(crossShardRatio: number | undefined): string {
  return (
    "in one process, every node running the main chain and every shard (efficiency: one signature check per " +
    `validator); ${crossShardRatio ? `${formatFigure(crossShardRatio * 100, 1)}% cross-shard transfers, delivered by relays` : "same-shard txs only"}`
  );
}

/**
 * What a sharded run ran on, in words: the shards, the validator nodes (every one running every shard, so the
 * efficiency counts one signature check per validator), and whether its txs stay in their shard.
 */
export function shardedNetworkNote(run: BenchRunResult): string | null {
  const n = run.sharded;
  if (!n) return null;
  return (
    `${n.shards} ${n.shardConsensus} shard${n.shards === 1 ? "" : "s"} of worker chain ${n.chainId}, ` +
    `${n.validators} validator node${n.validators === 1 ? "" : "s"} ${shardedRunTraits(run.crossShard?.ratio)}`
  );
}

/** The same for a sweep of sharded runs, whose shard and validator counts the table's first column gives. */
function shardedSweepNote(runs: readonly BenchRunResult[]): string | null {
  const n = runs.find((r) => r.sharded)?.sharded;
  if (!n) return null;
  const ratio = runs.find((r) => r.crossShard)?.crossShard?.ratio;
  return (
    `Each run: ${n.shardConsensus} shards of worker chain ${n.chainId} and validator nodes as the first column ` +
    `says, ${shardedRunTraits(ratio)}.`
  );
}

function perShardTable(run: BenchRunResult): string[] {
  if (!run.sharded) return [];
  return [
    "",
    ...table(
      ["shard", "submitted", "committed", "committed TPS"],
      run.sharded.perShard.map((p) => [
        String(p.shard),
        formatFigure(p.submitted, 0),
        formatFigure(p.committed, 0),
        formatFigure(p.committedTps),
      ]),
    ),
  ];
}

function runTable(run: BenchRunResult): string[] {
  const note = shardedNetworkNote(run);
  const rows: string[][] = [
    ["Workload", run.workload],
    ...(run.consensus !== undefined && run.nodes !== undefined
      ? [["Consensus", `${run.consensus}, ${run.nodes} ${run.nodes === 1 ? "node" : "nodes (one process)"}`]]
      : []),
    ...(note ? [["Network", note]] : []),
    [
      "Measured window",
      `${formatFigure(run.durationSeconds)} s (warm-up ${formatFigure(run.warmupSeconds)} s)`,
    ],
    ["Offered rate", `${formatFigure(run.offeredRate)} tx/s`],
    ["Committed TPS", formatFigure(run.committedTps)],
    ["Submitted / committed", `${formatFigure(run.submitted, 0)} / ${formatFigure(run.committed, 0)}`],
    ["Latency p50", `${formatFigure(run.latencyMs.p50, 2)} ms`],
    ["Latency p95", `${formatFigure(run.latencyMs.p95, 2)} ms`],
    ["Latency p99", `${formatFigure(run.latencyMs.p99, 2)} ms`],
    ["Latency max", `${formatFigure(run.latencyMs.max, 2)} ms`],
    [
      "Efficiency",
      `${formatFigure(run.efficiency, 3)} (${formatFigure(run.signatureChecksPerTx, 2)} checks/tx, ${formatFigure(run.verifyRatePerSecond, 0)} verify/s)`,
    ],
    ["Rejected", reasons(run.rejected)],
    ["Retried (node busy)", formatFigure(run.busyRetries ?? 0, 0)],
    ["Dropped", reasons(run.dropped)],
    ["CPU seconds", formatFigure(totalCpuSeconds(run), 2)],
    ["Peak RSS", mib(peakRssBytes(run))],
    [
      "Disk bytes",
      run.diskBytes === null ? "–" : `${formatFigure(run.diskBytes, 0)} (${mib(run.diskBytes)})`,
    ],
    ["Compression ratio", formatFigure(run.compressionRatio, 2)],
  ];
  if (run.maxRateSearch) {
    const s = run.maxRateSearch;
    rows.push([
      "Max tracking rate",
      `${formatFigure(s.maxRate)} tx/s (${s.reason}, ${s.steps.length} steps)`,
    ]);
  }
  const lines = table(["Figure", "Value"], rows);
  if (run.processes.length > 0) {
    lines.push(
      "",
      ...table(
        ["Process", "CPU seconds", "Peak RSS"],
        run.processes.map((p) => [p.name, formatFigure(p.cpuSeconds, 2), mib(p.peakRssBytes)]),
      ),
    );
  }
  lines.push(...perShardTable(run));
  if (run.crossShard) lines.push(...crossShardMarkdown(run.crossShard));
  return lines;
}

function checkLines(runs: readonly BenchRunResult[]): string[] {
  const checks = runs.flatMap((r) => r.checks);
  if (checks.length === 0) return [];
  return [
    "",
    "## Checks",
    "",
    ...checks.map((c) => `- ${c.passed ? "passed" : "**FAILED**"}: ${c.name}: ${c.detail}`),
  ];
}

/**
 * The sweep's Markdown table: one row per point, "median (min–max)" over its repeats; a sweep of sharded runs adds
 * the median committed TPS of each shard ("shard 0 / shard 1 / …").
 */
export function sweepTable(xLabel: string, points: readonly SweepPointSummary[]): string[] {
  const sharded = points.some((p) => p.perShardTps !== undefined);
  return table(
    [
      xLabel,
      "repeats",
      "offered tx/s",
      "committed TPS",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "max ms",
      "efficiency",
      "rejected",
      "dropped",
      "CPU s",
      "peak RSS MiB",
      "disk MiB",
      "passed",
      ...(sharded ? ["per-shard TPS (median)"] : []),
    ],
    points.map((p) => [
      p.label,
      String(p.repeats),
      spread(p.offeredRate),
      spread(p.committedTps),
      spread(p.p50Ms, 2),
      spread(p.p95Ms, 2),
      spread(p.p99Ms, 2),
      spread(p.maxMs, 2),
      spread(p.efficiency, 3),
      spread(p.rejected, 0),
      spread(p.dropped, 0),
      spread(p.cpuSeconds, 2),
      spreadMib(p.peakRssBytes),
      p.diskBytes === null ? "–" : spreadMib(p.diskBytes),
      `${p.passed}/${p.repeats}`,
      ...(sharded ? [(p.perShardTps ?? []).map((s) => formatFigure(s.median)).join(" / ") || "–"] : []),
    ]),
  );
}

/** `summary.md`: header (machine, commit, verdict), the key figures, checks, and the chart files. */
export function renderSummaryMarkdown(file: BenchResultsFile, chartFiles: readonly string[]): string {
  const runs = file.kind === "run" ? [file.run] : file.sweep.points.flatMap((p) => p.runs);
  const passed = runs.every(runPassed);
  const m = file.machine;
  const lines = [
    `# Benchmark: ${file.name}`,
    "",
    `- Result: ${passed ? "passed" : "**FAILED**"}`,
    `- Written: ${file.writtenAt}`,
    `- Commit: ${file.gitCommit === null ? "unknown" : `\`${file.gitCommit}\``}`,
    `- Machine: ${m.cpuModel} × ${m.cpuCount}, ${formatFigure(m.totalMemoryBytes / 1024 ** 3, 1)} GiB, ${m.platform} ${m.arch} ${m.osRelease}, Node ${m.nodeVersion}`,
    "",
  ];
  if (file.kind === "run") {
    lines.push(...runTable(file.run));
  } else {
    lines.push(`Sweep over ${file.sweep.xLabel}; each cell is median (min–max) over the repeats.`, "");
    const note = shardedSweepNote(runs);
    if (note) lines.push(note, "");
    lines.push(...sweepTable(file.sweep.xLabel, file.sweepSummary ?? []));
    const rejected = mergeCounts(runs.map((r) => r.rejected));
    const dropped = mergeCounts(runs.map((r) => r.dropped));
    const busyRetries = runs.reduce((a, r) => a + (r.busyRetries ?? 0), 0);
    if (busyRetries > 0)
      lines.push("", `Retried (node busy) over all runs: ${formatFigure(busyRetries, 0)} resends.`);
    const all = [...new Set([...Object.keys(rejected), ...Object.keys(dropped)])].sort();
    if (all.length > 0) {
      lines.push("", "Rejected and dropped over all runs, by reason:", "");
      lines.push(
        ...table(
          ["reason", "rejected", "dropped"],
          all.map((r) => [r, formatFigure(rejected[r] ?? 0, 0), formatFigure(dropped[r] ?? 0, 0)]),
        ),
      );
    }
  }
  if (file.kind === "sweep")
    lines.push(
      ...crossShardSweepMarkdown(
        file.sweep.points.flatMap((p) =>
          p.runs.flatMap((r, k) =>
            r.crossShard
              ? [{ label: `${p.label ?? p.x}${p.runs.length > 1 ? ` #${k + 1}` : ""}`, result: r.crossShard }]
              : [],
          ),
        ),
      ),
    );
  lines.push(...checkLines(runs));
  if (chartFiles.length > 0) {
    lines.push("", "## Charts", "", ...chartFiles.map((f) => `![${f}](${f})`));
  }
  return `${lines.join("\n")}\n`;
}
