import type { CrossShardResult } from "./crossShard/interface.ts";
import type { MaxRateSearchResult } from "./efficiency.ts";
import type { LatencySummary } from "./latencyHistogram.ts";
import { type RepeatSummary, summarizeRepeats } from "./stats.ts";

/** CPU time and peak resident memory of one process over the run (a node, or the load generator itself). */
export interface ProcessUsage {
  name: string;
  cpuSeconds: number;
  peakRssBytes: number;
}

/** Counts by reason, e.g. `{ TX_ERROR_NODE_BUSY: 12, timeout: 3 }`. */
export type CountsByReason = Record<string, number>;

/** A pass/fail check of a run, e.g. Smallbank's "money is conserved"; a failed check fails the run. */
export interface BenchCheck {
  name: string;
  passed: boolean;
  detail: string;
}

/** One interval of a run (typically one second), for the time-series chart. */
export interface TimelinePoint {
  /** Seconds since the start of the measured window (end of the interval). */
  tSeconds: number;
  offeredTps: number;
  committedTps: number;
  p50Ms?: number;
  p99Ms?: number;
}

/** What one shard of a sharded run took and committed in the measured window. */
export interface ShardRunFigures {
  shard: number;
  submitted: number;
  committed: number;
  committedTps: number;
}

/** The network of a sharded run: the bench chain's shape and what each of its shards committed. */
export interface ShardedRunInfo {
  /** The bench chain's id (worker chain ids start at 1). */
  chainId: number;
  shards: number;
  /** Validators, one node each, every node running the main chain and every shard. */
  validators: number;
  /** The consensus plugin of every shard (the main chain runs dpos). */
  shardConsensus: string;
  /** Per shard, in shard order; their committed TPS add up to the run's. */
  perShard: ShardRunFigures[];
}

/** Everything one benchmark run measured (warm-up excluded), as the runner produces it. */
export interface BenchRunResult {
  /** "transfer", "smallbank", "noop". */
  workload: string;
  /** Consensus plugin of the devnet the harness launched; absent when it drove a node given by URL. */
  consensus?: string;
  /** Nodes of that devnet (all in one process); absent when it drove a node given by URL. */
  nodes?: number;
  /** Set for a run on a sharded network (`--shards`): its shape and per-shard figures. */
  sharded?: ShardedRunInfo;
  /** Set for a run with cross-shard transfers (`--cross-shard`): their debit-to-credit latency by stage. */
  crossShard?: CrossShardResult;
  /** ISO time the measured window began. */
  startedAt: string;
  /** Length of the measured window, warm-up excluded. */
  durationSeconds: number;
  warmupSeconds: number;
  /** Mean offered rate (tx/s) over the measured window. */
  offeredRate: number;
  /** Txs sent in the window, and those of them that became final. */
  submitted: number;
  committed: number;
  /** committed ÷ durationSeconds. */
  committedTps: number;
  /** Submit → final latency of committed txs. */
  latencyMs: LatencySummary;
  signatureChecksPerTx: number;
  /** This machine's ed25519 verify rate on all cores, measured at the start of the run. */
  verifyRatePerSecond: number;
  /** committedTps × signatureChecksPerTx ÷ verifyRatePerSecond. */
  efficiency: number;
  /** Refused at submission, by reason (the API's error code). */
  rejected: CountsByReason;
  /**
   * Resends of txs the node refused only because it was busy (TX_ERROR_NODE_BUSY), over the whole drive like
   * `rejected`; such a tx is rejected only if the send window closed before it was resent. Absent in older results.
   */
  busyRetries?: number;
  /** Accepted but never final within the window, by reason (timeout, evicted, …). */
  dropped: CountsByReason;
  processes: ProcessUsage[];
  /** Bytes the nodes' data folders hold at the end; `null` if not measured. */
  diskBytes: number | null;
  /** Raw ÷ stored bytes of the database; `null` if not measured. */
  compressionRatio: number | null;
  checks: BenchCheck[];
  timeline?: TimelinePoint[];
  /** Set when the run was a max-rate search: its steps and answer. */
  maxRateSearch?: MaxRateSearchResult;
}

/** One point of a sweep: the swept parameter's value and its repeated runs. */
export interface SweepPoint {
  x: number;
  /** Shown instead of `x` in tables (e.g. "bft" for a plugin sweep); `x` still positions the point. */
  label?: string;
  runs: BenchRunResult[];
}

/** A sweep over one parameter (shard count, validators, cross-shard ratio, offered rate, …). */
export interface SweepResult {
  /** Machine name of the parameter; "offeredRate" adds the ideal committed = offered line to the TPS chart. */
  parameter: string;
  /** Axis and column title, e.g. "offered rate (tx/s)". */
  xLabel: string;
  /** Log x axis on charts (for rates spanning decades). */
  xLog?: boolean;
  /**
   * The points are categories, not numbers (e.g. consensus configurations): each point's `x` is its index and its
   * `label` names it; charts draw bars over a categorical axis.
   */
  categorical?: boolean;
  points: SweepPoint[];
}

/** Whether every check of the run passed (a run without checks passes). */
export function runPassed(run: BenchRunResult): boolean {
  return run.checks.every((c) => c.passed);
}

/** Sum of the counts. */
export function totalCount(counts: CountsByReason): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Counts of several runs added up by reason. */
export function mergeCounts(all: readonly CountsByReason[]): CountsByReason {
  const merged: CountsByReason = {};
  for (const counts of all)
    for (const [reason, n] of Object.entries(counts)) merged[reason] = (merged[reason] ?? 0) + n;
  return merged;
}

/** CPU seconds of every process of the run together. */
export function totalCpuSeconds(run: BenchRunResult): number {
  return run.processes.reduce((a, p) => a + p.cpuSeconds, 0);
}

/** The highest peak RSS of any one process of the run (0 if none was measured). */
export function peakRssBytes(run: BenchRunResult): number {
  return run.processes.reduce((a, p) => Math.max(a, p.peakRssBytes), 0);
}

/** Min/median/max over the repeats of one sweep point, figure by figure. */
export interface SweepPointSummary {
  x: number;
  label: string;
  repeats: number;
  offeredRate: RepeatSummary;
  committedTps: RepeatSummary;
  p50Ms: RepeatSummary;
  p95Ms: RepeatSummary;
  p99Ms: RepeatSummary;
  maxMs: RepeatSummary;
  efficiency: RepeatSummary;
  rejected: RepeatSummary;
  dropped: RepeatSummary;
  cpuSeconds: RepeatSummary;
  peakRssBytes: RepeatSummary;
  /** Bytes on disk at the end of each run; `null` unless every run measured them (a node given by URL is not). */
  diskBytes: RepeatSummary | null;
  /** Runs of this point whose checks all passed. */
  passed: number;
  /** Sharded runs: committed TPS of each shard (index = shard) over the repeats; absent otherwise. */
  perShardTps?: RepeatSummary[];
}

/** Summarises the repeats of one sweep point; throws if the point has no runs. */
export function summarizeSweepPoint(point: SweepPoint): SweepPointSummary {
  const of = (f: (r: BenchRunResult) => number) => summarizeRepeats(point.runs.map(f));
  return {
    x: point.x,
    label: point.label ?? String(point.x),
    repeats: point.runs.length,
    offeredRate: of((r) => r.offeredRate),
    committedTps: of((r) => r.committedTps),
    p50Ms: of((r) => r.latencyMs.p50),
    p95Ms: of((r) => r.latencyMs.p95),
    p99Ms: of((r) => r.latencyMs.p99),
    maxMs: of((r) => r.latencyMs.max),
    efficiency: of((r) => r.efficiency),
    rejected: of((r) => totalCount(r.rejected)),
    dropped: of((r) => totalCount(r.dropped)),
    cpuSeconds: of(totalCpuSeconds),
    peakRssBytes: of(peakRssBytes),
    diskBytes: point.runs.every((r) => r.diskBytes !== null) ? of((r) => r.diskBytes ?? 0) : null,
    passed: point.runs.filter(runPassed).length,
    ...perShardSummary(point.runs),
  };
}

/** Per-shard committed TPS over the repeats, when every run is sharded with the same shard count. */
function perShardSummary(runs: readonly BenchRunResult[]): { perShardTps?: RepeatSummary[] } {
  const shards = runs[0]?.sharded?.shards;
  if (shards === undefined || !runs.every((r) => r.sharded?.perShard.length === shards)) return {};
  return {
    perShardTps: Array.from({ length: shards }, (_, k) =>
      summarizeRepeats(runs.map((r) => r.sharded?.perShard[k].committedTps ?? 0)),
    ),
  };
}

/** What {@link writeBenchReport} is given: one run, or one sweep, with the configuration that produced it. */
export type BenchReportInput =
  | { kind: "run"; name: string; config: object; run: BenchRunResult }
  | { kind: "sweep"; name: string; config: object; sweep: SweepResult };

/** The machine a report was measured on. */
export interface MachineInfo {
  cpuModel: string;
  cpuCount: number;
  totalMemoryBytes: number;
  platform: string;
  arch: string;
  osRelease: string;
  nodeVersion: string;
}

/** The content of `results.json`: the input plus where, when and from which commit it was measured. */
export type BenchResultsFile = BenchReportInput & {
  writtenAt: string;
  gitCommit: string | null;
  machine: MachineInfo;
  /** For sweeps: the per-point min/median/max, as in the Markdown table. */
  sweepSummary?: SweepPointSummary[];
};
