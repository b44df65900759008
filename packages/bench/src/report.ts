import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { arch, cpus, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import type { BenchReportInput, BenchResultsFile, MachineInfo } from "./benchResult.ts";
import { summarizeSweepPoint } from "./benchResult.ts";
import { DEFAULT_RESULTS_DIR } from "./cryptoBench.ts";
import { type ChartFile, runCharts, sweepCharts } from "./reportCharts.ts";
import { renderSummaryMarkdown } from "./summaryMarkdown.ts";

/** This machine: CPU model and count, memory, OS and Node version. */
export function describeMachine(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? "unknown",
    cpuCount: list.length,
    totalMemoryBytes: totalmem(),
    platform: platform(),
    arch: arch(),
    osRelease: release(),
    nodeVersion: process.version,
  };
}

/** `git rev-parse HEAD` in `cwd`, or `null` when git or the repository is missing. */
export function gitCommit(cwd: string = process.cwd()): string | null {
  try {
    const out = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const commit = out.trim();
    return /^[0-9a-f]{40,64}$/.test(commit) ? commit : null;
  } catch {
    return null;
  }
}

/** `<timestamp>-<name>`: a UTC timestamp safe in file names (sorts by time), then the name reduced to [a-z0-9-]. */
export function resultsFolderName(now: Date, name: string): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replace(/:/g, "-");
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${stamp}-${slug || "bench"}`;
}

/** Options of {@link writeBenchReport}; every field has a default so that tests can pin them. */
export interface WriteReportOptions {
  /** Folder the results folder is created in; the repo root's `bench/results/` (git-ignored) by default. */
  resultsDir?: string;
  /** Time stamped on the folder and in the files; now by default. */
  now?: Date;
  /** The machine description; {@link describeMachine} by default. */
  machine?: MachineInfo;
  /** The commit; {@link gitCommit} of the current directory by default (pass `null` for none). */
  gitCommit?: string | null;
}

/** Where a report was written and what it holds. */
export interface WrittenReport {
  dir: string;
  /** Absolute paths: results.json, summary.md, then the charts. */
  files: string[];
  results: BenchResultsFile;
}

/**
 * Writes `<resultsDir>/<timestamp>-<name>/` with `results.json` (the input, machine, commit and sweep
 * summaries), `summary.md` (the key figures as Markdown tables) and the SVG charts.
 */
export async function writeBenchReport(
  input: BenchReportInput,
  options: WriteReportOptions = {},
): Promise<WrittenReport> {
  const now = options.now ?? new Date();
  const dir = join(options.resultsDir ?? DEFAULT_RESULTS_DIR, resultsFolderName(now, input.name));
  const sweepSummary = input.kind === "sweep" ? input.sweep.points.map(summarizeSweepPoint) : undefined;
  const results: BenchResultsFile = {
    ...input,
    writtenAt: now.toISOString(),
    gitCommit: options.gitCommit === undefined ? gitCommit() : options.gitCommit,
    machine: options.machine ?? describeMachine(),
    ...(sweepSummary ? { sweepSummary } : {}),
  };
  const charts: ChartFile[] =
    input.kind === "run"
      ? runCharts(input.name, input.run)
      : sweepCharts(input.name, input.sweep, sweepSummary ?? []);

  await mkdir(dir, { recursive: true });
  const files = [join(dir, "results.json"), join(dir, "summary.md")];
  await writeFile(files[0], `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(
    files[1],
    renderSummaryMarkdown(
      results,
      charts.map((c) => c.file),
    ),
  );
  for (const chart of charts) {
    const path = join(dir, chart.file);
    await writeFile(path, chart.svg);
    files.push(path);
  }
  return { dir, files, results };
}
