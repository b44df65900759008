import type { BenchRunResult, SweepPointSummary, SweepResult } from "./benchResult.ts";
import { crossShardStagesSvg } from "./crossShard/crossShardChart.ts";
import type { RepeatSummary } from "./stats.ts";
import { type ChartPoint, type ChartSeries, lineChartSvg } from "./svgChart.ts";

/** One chart of a results folder: its file name and SVG text. */
export interface ChartFile {
  file: string;
  svg: string;
}

/** Median at `x`, with min/max as the error bar when the repeats differ. */
function spreadPoint(x: number, s: RepeatSummary): ChartPoint {
  return s.min === s.max ? { x, y: s.median } : { x, y: s.median, yMin: s.min, yMax: s.max };
}

/**
 * A run's charts: offered and committed TPS over time, with latency on the right axis (needs a timeline), and for a
 * run with cross-shard transfers their stage breakdown (`cross-shard-stages.svg`).
 */
export function runCharts(name: string, run: BenchRunResult): ChartFile[] {
  const cross = run.crossShard ? crossShardStagesSvg(name, run.crossShard) : null;
  const crossChart = cross ? [{ file: "cross-shard-stages.svg", svg: cross }] : [];
  const timeline = run.timeline ?? [];
  if (timeline.length === 0) return crossChart;
  const series: ChartSeries[] = [
    { name: "offered tx/s", points: timeline.map((p) => ({ x: p.tSeconds, y: p.offeredTps })) },
    { name: "committed TPS", points: timeline.map((p) => ({ x: p.tSeconds, y: p.committedTps })) },
  ];
  if (timeline.some((p) => p.p50Ms !== undefined)) {
    series.push({
      name: "p50 latency (ms)",
      yAxis: "right",
      points: timeline.flatMap((p) => (p.p50Ms === undefined ? [] : [{ x: p.tSeconds, y: p.p50Ms }])),
    });
  }
  if (timeline.some((p) => p.p99Ms !== undefined)) {
    series.push({
      name: "p99 latency (ms)",
      yAxis: "right",
      points: timeline.flatMap((p) => (p.p99Ms === undefined ? [] : [{ x: p.tSeconds, y: p.p99Ms }])),
    });
  }
  const svg = lineChartSvg({
    title: `${name}: throughput over time (${run.workload})`,
    xLabel: "time in measured window (s)",
    yLabel: "transactions per second",
    yRightLabel: "latency (ms)",
    series,
  });
  return [{ file: "timeline.svg", svg }, ...crossChart];
}

/**
 * A sweep's charts: `tps.svg` (committed TPS left, p99 latency right, both median with min–max bars, plus the
 * ideal committed = offered line when the sweep is over the offered rate) and `latency.svg` (p50, p95, p99). A
 * categorical sweep draws bars (TPS; p50, p95, p99 side by side) with one category per point, named by its label.
 */
export function sweepCharts(
  name: string,
  sweep: SweepResult,
  points: readonly SweepPointSummary[],
): ChartFile[] {
  if (sweep.categorical) return categoricalSweepCharts(name, sweep, points);
  const tpsSeries: ChartSeries[] = [
    { name: "committed TPS", points: points.map((p) => spreadPoint(p.x, p.committedTps)) },
    { name: "p99 latency (ms)", yAxis: "right", points: points.map((p) => spreadPoint(p.x, p.p99Ms)) },
  ];
  if (sweep.parameter === "offeredRate") {
    tpsSeries.splice(1, 0, {
      name: "offered (ideal)",
      color: "#999999",
      points: points.map((p) => ({ x: p.x, y: p.x })),
    });
  }
  const tps = lineChartSvg({
    title: `${name}: committed TPS and p99 latency against ${sweep.xLabel}`,
    xLabel: sweep.xLabel,
    yLabel: "committed TPS",
    yRightLabel: "p99 latency (ms)",
    xLog: sweep.xLog,
    series: tpsSeries,
  });
  const latency = lineChartSvg({
    title: `${name}: latency percentiles against ${sweep.xLabel}`,
    xLabel: sweep.xLabel,
    yLabel: "submit → final latency (ms)",
    xLog: sweep.xLog,
    series: [
      { name: "p50", points: points.map((p) => spreadPoint(p.x, p.p50Ms)) },
      { name: "p95", points: points.map((p) => spreadPoint(p.x, p.p95Ms)) },
      { name: "p99", points: points.map((p) => spreadPoint(p.x, p.p99Ms)) },
    ],
  });
  return [
    { file: "tps.svg", svg: tps },
    { file: "latency.svg", svg: latency },
  ];
}

/** The charts of a categorical sweep: the points in the order given, point i in category i. */
function categoricalSweepCharts(
  name: string,
  sweep: SweepResult,
  points: readonly SweepPointSummary[],
): ChartFile[] {
  const categories = points.map((p) => p.label);
  const at = (f: (p: SweepPointSummary) => RepeatSummary) => points.map((p, i) => spreadPoint(i, f(p)));
  const tps = lineChartSvg({
    title: `${name}: committed TPS and p99 latency per ${sweep.xLabel}`,
    xLabel: sweep.xLabel,
    yLabel: "committed TPS",
    yRightLabel: "p99 latency (ms)",
    categories,
    series: [
      { name: "committed TPS", style: "bar", points: at((p) => p.committedTps) },
      { name: "p99 latency (ms)", yAxis: "right", points: at((p) => p.p99Ms) },
    ],
  });
  const latency = lineChartSvg({
    title: `${name}: latency percentiles per ${sweep.xLabel}`,
    xLabel: sweep.xLabel,
    yLabel: "submit → final latency (ms)",
    categories,
    series: [
      { name: "p50", style: "bar", points: at((p) => p.p50Ms) },
      { name: "p95", style: "bar", points: at((p) => p.p95Ms) },
      { name: "p99", style: "bar", points: at((p) => p.p99Ms) },
    ],
  });
  return [
    { file: "tps.svg", svg: tps },
    { file: "latency.svg", svg: latency },
  ];
}
