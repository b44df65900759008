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

/** What a sweep of fresh networks measured; `failure` names the configuration whose run threw, which ended it. */
export interface ConsensusSweepOutcome {
  /** Configurations measured before any failure, point i being configuration i. */
  sweep: SweepResult;
  failure: { label: string; error: Error } | null;
}

/** Options of {@link runSaturationSweep}: a sweep over configurations, each run at saturation on a fresh network. */
export interface SaturationSweepOptions<C> {
  /** Starts each progress line, e.g. "consensus sweep". */
  name: string;
  /** The configurations, in the order of the table and the chart. */
  configs: readonly C[];
  /** A configuration in tables and progress lines. */
  label: (config: C) => string;
  /** Where configuration i sits on the x axis. */
  x: (config: C, index: number) => number;
  /** The sweep's parameter, axis label and whether it is categorical. */
  sweep: Omit<SweepResult, "points">;
  repeats: number;
  /** One run at saturation on a fresh network of `config`; `repeat` is 0-based. */
  run: (config: C, repeat: number) => Promise<BenchRunResult>;
  log: (line: string) => void;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * Runs every configuration `repeats` times in turn and gathers the runs as one sweep, printing a progress line before
 * and after each run. A run that throws (e.g. a plugin the devnet lacks) ends the sweep: the points measured so far
 * are returned with the failure, so that the caller can still write them.
 */
export async function runSaturationSweep<C>(opts: SaturationSweepOptions<C>): Promise<ConsensusSweepOutcome> {
  const points: SweepPoint[] = [];
  const sweep: SweepResult = { ...opts.sweep, points };
  for (const [i, config] of opts.configs.entries()) {
    const label = opts.label(config);
    const x = opts.x(config, i);
    const runs: BenchRunResult[] = [];
    for (let k = 0; k < opts.repeats; k++) {
      opts.log(
        `${opts.name} ${i + 1}/${opts.configs.length}: ${label}, repeat ${k + 1}/${opts.repeats} (saturation)`,
      );
      try {
        runs.push(await opts.run(config, k));
      } catch (err) {
        opts.log(`  ${label}: failed: ${(err as Error).message.split("\n")[0]}`);
        if (runs.length > 0) points.push({ x, label, runs });
        return { sweep, failure: { label, error: err as Error } };
      }
      const r = runs[runs.length - 1];
      opts.log(
        `  ${label}: ${fmt(r.committedTps)} tx/s committed, p50 ${fmt(r.latencyMs.p50)} ms, p99 ${fmt(r.latencyMs.p99)} ms`,
      );
    }
    points.push({ x, label, runs });
  }
  return { sweep, failure: null };
}

/** A sweep over devnet configurations (plugin:nodes), categorical: point i is configuration i, named by its label. */
export function runConsensusSweep(opts: ConsensusSweepOptions): Promise<ConsensusSweepOutcome> {
  return runSaturationSweep({
    ...opts,
    name: "consensus sweep",
    label: devnetLabel,
    x: (_, i) => i,
    sweep: { parameter: "consensus", xLabel: "consensus:nodes", categorical: true },
  });
}
