import type { BenchRunResult, SweepPoint, SweepResult } from "./benchResult.ts";
import { type DevnetConfig, devnetLabel } from "./devnetConfig.ts";

/** Options of {@link runConsensusSweep}. */
export interface ConsensusSweepOptions {
  /** The configurations, in the order of the table and the chart. */
  configs: readonly DevnetConfig[];
  /** Runs of each configuration (min/median/max over them). */
  repeats: number;
  /** One run at saturation on a fresh devnet of `config`; `repeat` is 0-based (the caller varies the seed with it). */
  run: (config: DevnetConfig, repeat: number) => Promise<BenchRunResult>;
  log: (line: string) => void;
}

/** What a consensus sweep measured; `failure` names the configuration whose run threw, which ended the sweep. */
export interface ConsensusSweepOutcome {
  /** Configurations measured before any failure, point i being configuration i (categorical: `x` = i). */
  sweep: SweepResult;
  failure: { label: string; error: Error } | null;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * Runs every configuration `repeats` times in turn and gathers the runs as a categorical sweep, printing a progress
 * line before and after each run. A run that throws (e.g. a plugin the devnet lacks) ends the sweep: the points
 * measured so far are returned with the failure, so that the caller can still write them.
 */
export async function runConsensusSweep(opts: ConsensusSweepOptions): Promise<ConsensusSweepOutcome> {
  const points: SweepPoint[] = [];
  const sweep: SweepResult = { parameter: "consensus", xLabel: "consensus:nodes", categorical: true, points };
  for (const [i, config] of opts.configs.entries()) {
    const label = devnetLabel(config);
    const runs: BenchRunResult[] = [];
    for (let k = 0; k < opts.repeats; k++) {
      opts.log(
        `consensus sweep ${i + 1}/${opts.configs.length}: ${label}, repeat ${k + 1}/${opts.repeats} (saturation)`,
      );
      try {
        runs.push(await opts.run(config, k));
      } catch (err) {
        opts.log(`  ${label}: failed: ${(err as Error).message.split("\n")[0]}`);
        if (runs.length > 0) points.push({ x: i, label, runs });
        return { sweep, failure: { label, error: err as Error } };
      }
      const r = runs[runs.length - 1];
      opts.log(
        `  ${label}: ${fmt(r.committedTps)} tx/s committed, p50 ${fmt(r.latencyMs.p50)} ms, p99 ${fmt(r.latencyMs.p99)} ms`,
      );
    }
    points.push({ x: i, label, runs });
  }
  return { sweep, failure: null };
}
