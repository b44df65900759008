import { assertPositive } from "./benchError.ts";

/** Where a run stands, as the runner knows it. */
export interface ProgressState {
  elapsedMs: number;
  /** Planned length of the run; `null` for a run bounded by a tx count (then `targetTxs` drives the bar). */
  totalMs: number | null;
  /** Txs sent and committed so far. */
  submitted: number;
  committed: number;
  /** The run's tx budget, when it is bounded by a count rather than a duration. */
  targetTxs?: number;
  /** Optional phase shown first, e.g. "warm-up" or "rate 1500/s". */
  phase?: string;
}

/** Cells of the bar: wide enough to see movement every ~3%, short enough to fit an 80-column line with figures. */
export const PROGRESS_BAR_CELLS = 24;

/** Seconds with one decimal. */
function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}

function rate(count: number, elapsedMs: number): string {
  if (elapsedMs <= 0) return "0";
  return Math.round((count * 1000) / elapsedMs).toLocaleString("en-US");
}

/** Fraction done in [0, 1] from the duration, or from the tx count for count-bounded runs; `null` if neither is known. */
export function progressFraction(state: ProgressState): number | null {
  let f: number | null = null;
  if (state.totalMs !== null && state.totalMs > 0) f = state.elapsedMs / state.totalMs;
  else if (state.targetTxs !== undefined && state.targetTxs > 0) f = state.submitted / state.targetTxs;
  return f === null || !Number.isFinite(f) ? null : Math.min(1, Math.max(0, f));
}

/**
 * One status line: `[phase] [#####.....]  12.0s/30.0s  40%  offered 1,000 tx/s  committed 980 tx/s  (12,000 sent,
 * 11,760 final)`. Offered and committed rates are averages since the start.
 */
export function formatProgressLine(state: ProgressState): string {
  const parts: string[] = [];
  if (state.phase) parts.push(state.phase);
  const fraction = progressFraction(state);
  if (fraction !== null) {
    const filled = Math.round(fraction * PROGRESS_BAR_CELLS);
    parts.push(`[${"#".repeat(filled)}${".".repeat(PROGRESS_BAR_CELLS - filled)}]`);
  }
  parts.push(
    state.totalMs === null
      ? seconds(state.elapsedMs)
      : `${seconds(state.elapsedMs)}/${seconds(state.totalMs)}`,
  );
  if (fraction !== null) parts.push(`${Math.floor(fraction * 100)}%`);
  parts.push(`offered ${rate(state.submitted, state.elapsedMs)} tx/s`);
  parts.push(`committed ${rate(state.committed, state.elapsedMs)} tx/s`);
  parts.push(
    `(${state.submitted.toLocaleString("en-US")} sent, ${state.committed.toLocaleString("en-US")} final)`,
  );
  return parts.join("  ");
}

/** Plain-line interval when not on a TTY: six lines for a 30 s run, few enough to keep CI logs readable. */
export const PROGRESS_LOG_INTERVAL_MS = 5000;

/** The part of a stream the progress line needs (`process.stdout` fits). */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Shows progress: on a TTY one line rewritten in place (`\r`, then erase to the end of the line) on every
 * update; otherwise (CI logs, pipes) a plain line at most every `intervalMs` of elapsed run time.
 */
export class ProgressLine {
  private lastPrintedMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly stream: ProgressStream,
    private readonly intervalMs = PROGRESS_LOG_INTERVAL_MS,
  ) {
    assertPositive("intervalMs", intervalMs);
  }

  /** Shows `state` (time is the state's `elapsedMs`, so this is deterministic given the states). */
  update(state: ProgressState): void {
    if (this.stream.isTTY) {
      this.stream.write(`\r${formatProgressLine(state)}\x1b[K`);
    } else if (state.elapsedMs - this.lastPrintedMs >= this.intervalMs) {
      this.lastPrintedMs = state.elapsedMs;
      this.stream.write(`${formatProgressLine(state)}\n`);
    }
  }

  /** Shows the final state and ends the line. */
  finish(state: ProgressState): void {
    this.stream.write(
      this.stream.isTTY ? `\r${formatProgressLine(state)}\x1b[K\n` : `${formatProgressLine(state)}\n`,
    );
  }
}
