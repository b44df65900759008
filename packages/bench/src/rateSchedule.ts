import { SeededRandom } from "@vshard/crypto";
import { assertNonNegative, assertPositive } from "./benchError.ts";

/**
 * An open-loop load plan: the offered rate as a function of time only, never of responses. `fixed` offers
 * `ratePerSecond` throughout; `ramp` goes linearly from `fromPerSecond` to `toPerSecond` over `rampSeconds`
 * and then holds `toPerSecond`.
 */
export type RateSchedule =
  | { kind: "fixed"; ratePerSecond: number }
  | { kind: "ramp"; fromPerSecond: number; toPerSecond: number; rampSeconds: number };

/** A fixed-rate schedule (tx/s), validated. */
export function fixedRate(ratePerSecond: number): RateSchedule {
  const schedule: RateSchedule = { kind: "fixed", ratePerSecond };
  validateSchedule(schedule);
  return schedule;
}

/** A linear ramp from `fromPerSecond` to `toPerSecond` (tx/s) over `rampSeconds`, validated. */
export function rampRate(fromPerSecond: number, toPerSecond: number, rampSeconds: number): RateSchedule {
  const schedule: RateSchedule = { kind: "ramp", fromPerSecond, toPerSecond, rampSeconds };
  validateSchedule(schedule);
  return schedule;
}

/** Throws a `BenchError` if a rate is negative or not finite, or a ramp's duration is not > 0. */
export function validateSchedule(schedule: RateSchedule): void {
  if (schedule.kind === "fixed") {
    assertNonNegative("ratePerSecond", schedule.ratePerSecond);
  } else {
    assertNonNegative("fromPerSecond", schedule.fromPerSecond);
    assertNonNegative("toPerSecond", schedule.toPerSecond);
    assertPositive("rampSeconds", schedule.rampSeconds);
  }
}

/** The offered rate (tx/s) at `tMs` milliseconds after the start. */
export function rateAt(schedule: RateSchedule, tMs: number): number {
  if (schedule.kind === "fixed") return schedule.ratePerSecond;
  const t = Math.max(0, tMs) / 1000;
  const { fromPerSecond: r0, toPerSecond: r1, rampSeconds: d } = schedule;
  return t >= d ? r1 : r0 + ((r1 - r0) * t) / d;
}

/** The integral of the rate from 0 to `tMs`: how many txs the plan offers by then, as a real number. */
export function cumulativeTxs(schedule: RateSchedule, tMs: number): number {
  const t = Math.max(0, tMs) / 1000;
  if (schedule.kind === "fixed") return schedule.ratePerSecond * t;
  const { fromPerSecond: r0, toPerSecond: r1, rampSeconds: d } = schedule;
  if (t <= d) return r0 * t + ((r1 - r0) * t * t) / (2 * d);
  return ((r0 + r1) * d) / 2 + r1 * (t - d);
}

/**
 * Slack for float rounding when a time computed from a count is turned back into a count: without it
 * `txsDueBy(sendTimeMs(i))` could come out one short. One millionth of a tx is far below any real effect.
 */
const COUNT_EPSILON = 1e-6;

/** How many txs should have been sent by `tMs` (whole number): ⌊∫₀ᵗ rate⌋. Tx `i` (0-based) is due once this exceeds `i`. */
export function txsDueBy(schedule: RateSchedule, tMs: number): number {
  return Math.floor(cumulativeTxs(schedule, tMs) + COUNT_EPSILON);
}

/**
 * The time (ms) at which the plan has offered `n` txs, the inverse of {@link cumulativeTxs}; `Infinity` if the
 * rate drops to 0 before then.
 */
export function timeForCount(schedule: RateSchedule, n: number): number {
  assertNonNegative("n", n);
  if (n === 0) return 0;
  if (schedule.kind === "fixed") {
    return schedule.ratePerSecond === 0 ? Number.POSITIVE_INFINITY : (n / schedule.ratePerSecond) * 1000;
  }
  const { fromPerSecond: r0, toPerSecond: r1, rampSeconds: d } = schedule;
  const atRampEnd = ((r0 + r1) * d) / 2;
  if (n <= atRampEnd) {
    // Solve a·t² + r0·t = n with a = (r1 − r0) / 2d, in the form that stays exact when a → 0.
    const a = (r1 - r0) / (2 * d);
    const t = (2 * n) / (r0 + Math.sqrt(Math.max(0, r0 * r0 + 4 * a * n)));
    return Math.min(t, d) * 1000;
  }
  return r1 === 0 ? Number.POSITIVE_INFINITY : (d + (n - atRampEnd) / r1) * 1000;
}

/** Planned send time (ms) of tx `i` (0-based): the moment the plan has offered `i + 1` txs. */
export function sendTimeMs(schedule: RateSchedule, i: number): number {
  return timeForCount(schedule, i + 1);
}

/** Number of txs the plan offers in `[0, durationMs]`. */
export function plannedTxCount(schedule: RateSchedule, durationMs: number): number {
  return txsDueBy(schedule, durationMs);
}

/** Options of {@link sendTimes}. */
export interface SendTimesOptions {
  /**
   * With a seed, arrivals form a Poisson process whose rate follows the schedule (exponential gaps, the
   * arrival pattern of independent clients); without one, txs are evenly spaced.
   */
  seed?: number;
}

/**
 * Planned send times (ms, non-decreasing) of every tx in `[0, durationMs]`, lazily. Open loop: the plan
 * never depends on responses, so a slow system faces the same offered load as a fast one.
 */
export function* sendTimes(
  schedule: RateSchedule,
  durationMs: number,
  options: SendTimesOptions = {},
): Generator<number, void, undefined> {
  validateSchedule(schedule);
  assertNonNegative("durationMs", durationMs);
  if (options.seed === undefined) {
    // Evenly spaced: tx i goes when the plan has offered i + 1 txs; the count comes from txsDueBy so that
    // float rounding never adds or drops the last one.
    const n = txsDueBy(schedule, durationMs);
    for (let i = 0; i < n; i++) yield Math.min(sendTimeMs(schedule, i), durationMs);
    return;
  }
  // Poisson: the cumulative count runs as a unit-rate Poisson process (a sum of Exp(1) gaps), mapped to time
  // through the inverse of the rate's integral (the time-rescaling theorem).
  const rng = new SeededRandom(options.seed);
  let count = 0;
  for (;;) {
    count -= Math.log(1 - rng.next());
    const t = timeForCount(schedule, count);
    if (!(t <= durationMs)) return;
    yield t;
  }
}
