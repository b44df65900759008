/** Tick positions of one axis and the domain they span (ticks include both ends). */
export interface AxisTicks {
  min: number;
  max: number;
  ticks: number[];
}

/** Ticks an axis aims for: five to seven labels read at a glance on a 400-pixel axis without crowding. */
export const TARGET_TICKS = 5;

/** A "nice" number near `x` (1, 2, 5 × 10ᵏ), rounded to nearest or taken as the ceiling (Heckbert, Graphics Gems). */
function niceNumber(x: number, round: boolean): number {
  const exponent = Math.floor(Math.log10(x));
  const fraction = x / 10 ** exponent;
  let nice: number;
  if (round) nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  else nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * 10 ** exponent;
}

/**
 * Round ticks (multiples of 1, 2 or 5 × 10ᵏ) covering [lo, hi]. A flat range is widened around its value so
 * that a single point or a flat line still gets an axis; non-finite input falls back to [0, 1].
 */
export function niceTicks(lo: number, hi: number, target = TARGET_TICKS): AxisTicks {
  let a = Number.isFinite(lo) ? lo : 0;
  let b = Number.isFinite(hi) ? hi : 1;
  if (a > b) [a, b] = [b, a];
  if (a === b) {
    const pad = a === 0 ? 1 : Math.abs(a) * 0.1;
    a -= a >= 0 && a - pad < 0 ? a : pad;
    b += pad;
  }
  const step = niceNumber(niceNumber(b - a, false) / Math.max(1, target - 1), true);
  const min = Math.floor(a / step) * step;
  const max = Math.ceil(b / step) * step;
  const ticks: number[] = [];
  for (let i = 0; min + i * step <= max + step * 1e-9; i++) ticks.push(roundToStep(min + i * step, step));
  return { min: ticks[0], max: ticks[ticks.length - 1], ticks };
}

/** Removes float noise (0.30000000000000004) by rounding to the step's decimal places. */
function roundToStep(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const r = Number(value.toFixed(Math.min(decimals, 20)));
  return r === 0 ? 0 : r;
}

/**
 * Ticks of a log₁₀ axis over [lo, hi] (both > 0): every power of ten, plus 2 and 5 times each when the range
 * spans at most two decades so that a narrow log axis still has several labels.
 */
export function logTicks(lo: number, hi: number): AxisTicks {
  const a = lo > 0 && Number.isFinite(lo) ? lo : 1;
  const b = hi > 0 && Number.isFinite(hi) ? Math.max(hi, a) : a;
  const minExp = Math.floor(Math.log10(a));
  let maxExp = Math.ceil(Math.log10(b));
  if (minExp === maxExp) maxExp += 1;
  const dense = maxExp - minExp <= 2;
  const ticks: number[] = [];
  for (let e = minExp; e <= maxExp; e++) {
    for (const m of dense ? [1, 2, 5] : [1]) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (e === maxExp && m > 1) break;
      ticks.push(v);
    }
  }
  // Trim leading/trailing ticks outside the data, keeping one on each side.
  while (ticks.length > 2 && ticks[1] <= a) ticks.shift();
  while (ticks.length > 2 && ticks[ticks.length - 2] >= b) ticks.pop();
  return { min: ticks[0], max: ticks[ticks.length - 1], ticks };
}

/** A tick label: up to 3 significant digits, with k/M/G suffixes for large values ("1.5k", "20M"). */
export function formatTick(value: number): string {
  if (!Number.isFinite(value)) return "";
  if (value === 0) return "0";
  const abs = Math.abs(value);
  for (const [size, suffix] of [
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ] as const) {
    if (abs >= size) return `${trimNumber(value / size)}${suffix}`;
  }
  return trimNumber(value);
}

/** At most 3 significant digits, without trailing zeros or exponent notation for the usual ranges. */
function trimNumber(v: number): string {
  const s = Number(v.toPrecision(3));
  return String(s);
}
