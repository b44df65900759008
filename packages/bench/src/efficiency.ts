import { assertNonNegative, assertPositive, BenchError } from "./benchError.ts";

/** Inputs of {@link efficiency}, all measured in the same run. */
export interface EfficiencyInput {
  /** Committed (final) transactions per second over the measured window. */
  committedTps: number;
  /** Signature checks one transaction costs the whole system (e.g. 1 per tx × validators that check it). */
  signatureChecksPerTx: number;
  /** This machine's ed25519 verify rate on all cores, measured at the start of the run. */
  verifyRatePerSecond: number;
}

/**
 * committed TPS × signature checks per tx ÷ verify rate: the share of the machine's signature-checking capacity
 * that turned into committed transactions. 1 means the engine does nothing but verify; it compares across machines.
 */
export function efficiency(input: EfficiencyInput): number {
  assertNonNegative("committedTps", input.committedTps);
  assertNonNegative("signatureChecksPerTx", input.signatureChecksPerTx);
  assertPositive("verifyRatePerSecond", input.verifyRatePerSecond);
  return (input.committedTps * input.signatureChecksPerTx) / input.verifyRatePerSecond;
}

/** committed ÷ offered: 1 when the system keeps up with the offered load. */
export function trackingRatio(offered: number, committed: number): number {
  assertPositive("offered", offered);
  assertNonNegative("committed", committed);
  return committed / offered;
}

/** Options of the max-rate search. */
export interface MaxRateSearchOptions {
  /** First offered rate (tx/s), a guess. */
  startRate: number;
  /** Factor the rate grows by while it still tracks (and shrinks by while even the first rate fails). */
  growthFactor: number;
  /** A step tracks when committed ≥ this × offered. */
  trackingThreshold: number;
  /** Stop bisecting once (bad − good) ÷ good is below this. */
  relativePrecision: number;
  /** Give up after this many steps and answer with the best rate found so far. */
  maxSteps: number;
  /** Never offer more than this (e.g. what the load generator itself can sustain); `null` for no cap. */
  ceilingRate: number | null;
  /** Stop shrinking below this rate: the system does not track even a trickle. */
  floorRate: number;
}

/**
 * Defaults: ×1.5 growth reaches 100× the guess in 12 steps while overshooting the knee by at most 50%;
 * committed ≥ 95% of offered allows for txs still in flight at the window's end; a 5% gap is below the
 * run-to-run spread of a saturated system, so finer bisection would chase noise; 30 steps bound a runaway.
 */
export const defaultMaxRateSearchOptions: MaxRateSearchOptions = {
  startRate: 1000,
  growthFactor: 1.5,
  trackingThreshold: 0.95,
  relativePrecision: 0.05,
  maxSteps: 30,
  ceilingRate: null,
  floorRate: 1,
};

/** One measured step: the rate offered and the committed TPS it gave. */
export interface RateStep {
  offeredRate: number;
  committedTps: number;
}

/** Why the search stopped. */
export type MaxRateStopReason = "converged" | "ceiling" | "floor" | "max-steps";

/** The search's next move: measure `nextRate`, or stop with the highest rate that tracked. */
export type MaxRateDecision =
  | { done: false; nextRate: number }
  | { done: true; reason: MaxRateStopReason; maxRate: number | null; committedTps: number | null };

/** Whether a step's committed TPS kept up with its offered rate. */
export function stepTracks(step: RateStep, trackingThreshold: number): boolean {
  return step.committedTps >= trackingThreshold * step.offeredRate;
}

/**
 * The max-rate search as a pure function of the steps so far. Grow the rate by `growthFactor` while it tracks;
 * once a rate fails, bisect between the highest rate that tracked below it and the lowest that failed until the
 * gap is below `relativePrecision`. The answer is the highest tracking rate under the lowest failing one (a
 * noisy failure below a success narrows the bracket rather than being ignored).
 */
export function nextMaxRateStep(options: MaxRateSearchOptions, steps: readonly RateStep[]): MaxRateDecision {
  validateSearchOptions(options);
  const cap = (rate: number) => (options.ceilingRate === null ? rate : Math.min(rate, options.ceilingRate));
  if (steps.length === 0) return { done: false, nextRate: cap(options.startRate) };

  let lowestBad: RateStep | null = null;
  for (const s of steps) {
    if (
      !stepTracks(s, options.trackingThreshold) &&
      (lowestBad === null || s.offeredRate < lowestBad.offeredRate)
    ) {
      lowestBad = s;
    }
  }
  let highestGood: RateStep | null = null;
  for (const s of steps) {
    const below = lowestBad === null || s.offeredRate < lowestBad.offeredRate;
    if (
      below &&
      stepTracks(s, options.trackingThreshold) &&
      (highestGood === null || s.offeredRate > highestGood.offeredRate)
    ) {
      highestGood = s;
    }
  }
  const answer = (reason: MaxRateStopReason): MaxRateDecision => ({
    done: true,
    reason,
    maxRate: highestGood?.offeredRate ?? null,
    committedTps: highestGood?.committedTps ?? null,
  });

  if (lowestBad === null) {
    // Every step tracked (and there is at least one): keep growing, up to the ceiling.
    const best = highestGood!;
    if (options.ceilingRate !== null && best.offeredRate >= options.ceilingRate) return answer("ceiling");
    if (steps.length >= options.maxSteps) return answer("max-steps");
    return { done: false, nextRate: cap(best.offeredRate * options.growthFactor) };
  }
  if (highestGood === null) {
    // Nothing tracked below the lowest failure: shrink until something does, or the floor is reached.
    const next = lowestBad.offeredRate / options.growthFactor;
    if (next < options.floorRate) return answer("floor");
    if (steps.length >= options.maxSteps) return answer("max-steps");
    return { done: false, nextRate: next };
  }
  const good = highestGood.offeredRate;
  const bad = lowestBad.offeredRate;
  if ((bad - good) / good < options.relativePrecision) return answer("converged");
  if (steps.length >= options.maxSteps) return answer("max-steps");
  return { done: false, nextRate: (good + bad) / 2 };
}

/** Throws a `BenchError` for options that would make the search loop or go nowhere. */
export function validateSearchOptions(options: MaxRateSearchOptions): void {
  assertPositive("startRate", options.startRate);
  assertPositive("relativePrecision", options.relativePrecision);
  assertPositive("maxSteps", options.maxSteps);
  assertPositive("floorRate", options.floorRate);
  if (!(options.growthFactor > 1) || !Number.isFinite(options.growthFactor)) {
    throw new BenchError(
      { code: "BENCH_ERROR_INVALID_INPUT", field: "growthFactor" },
      "growthFactor must be > 1",
    );
  }
  if (!(options.trackingThreshold > 0 && options.trackingThreshold <= 1)) {
    throw new BenchError(
      { code: "BENCH_ERROR_INVALID_INPUT", field: "trackingThreshold" },
      "trackingThreshold must be in (0, 1]",
    );
  }
  if (options.ceilingRate !== null) assertPositive("ceilingRate", options.ceilingRate);
}

/** What {@link runMaxRateSearch} found: the decision it stopped on and every step it measured. */
export interface MaxRateSearchResult {
  maxRate: number | null;
  committedTps: number | null;
  reason: MaxRateStopReason;
  steps: RateStep[];
}

/** Drives {@link nextMaxRateStep}: `measure(rate)` runs one step at that offered rate and returns its committed TPS. */
export async function runMaxRateSearch(
  options: MaxRateSearchOptions,
  measure: (offeredRate: number) => Promise<number>,
): Promise<MaxRateSearchResult> {
  const steps: RateStep[] = [];
  for (;;) {
    const decision = nextMaxRateStep(options, steps);
    if (decision.done)
      return {
        maxRate: decision.maxRate,
        committedTps: decision.committedTps,
        reason: decision.reason,
        steps,
      };
    steps.push({ offeredRate: decision.nextRate, committedTps: await measure(decision.nextRate) });
  }
}
