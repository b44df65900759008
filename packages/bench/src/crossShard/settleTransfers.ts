import type { StageMark, TransferSource } from "./interface.ts";

/** Options of {@link settleTransfers}. */
export interface SettleOptions {
  source: TransferSource;
  hashes: readonly string[];
  /** `performance.now()` ms after which no new round starts (every round runs at least once). */
  deadline: number;
  /** Pause between two rounds over the transfers not settled yet. */
  pollMs?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /**
   * Progress lines ("cross-shard: 180/300 credited"): on a change, every `progressEveryMs` at most; unchanged, every
   * {@link SETTLE_QUIET_LINES}-th period (so a stalled wait still shows it is alive); and at the end.
   */
  log?: (line: string) => void;
  progressEveryMs?: number;
}

/** What {@link settleTransfers} found: each hash's last stage list (null: never found), and when all settled. */
export interface SettleOutcome {
  stages: Map<string, StageMark[] | null>;
  /** `performance.now()` ms when the last transfer was seen settled; null when some were not by the deadline. */
  settledAt: number | null;
}

/**
 * Half a bench block interval (250 ms blocks): a stage is seen within a block of it, and a round over 300 transfers
 * does not keep the node's API busier than the load does.
 */
export const SETTLE_POLL_MS = 500;

/** Eight requests at once: each reads a few blocks and outboxes; more would only queue in the node. */
export const SETTLE_CONCURRENCY = 8;

/** A progress line every 2 s: live enough for a wait of up to a minute, without flooding the log. */
export const SETTLE_PROGRESS_EVERY_MS = 2_000;

/** An unchanged line is repeated every 5 periods (10 s by default): alive, not noisy. */
export const SETTLE_QUIET_LINES = 5;

/**
 * Polls `GET /v1/transfers/:hash` for each of `hashes` until every one is credited or refunded, or the deadline
 * passes. A transfer not found yet (its tx not committed) or a failed request counts as not settled and is asked
 * again next round.
 */
export async function settleTransfers(opts: SettleOptions): Promise<SettleOutcome> {
  const pollMs = opts.pollMs ?? SETTLE_POLL_MS;
  const concurrency = opts.concurrency ?? SETTLE_CONCURRENCY;
  const every = opts.progressEveryMs ?? SETTLE_PROGRESS_EVERY_MS;
  const stages = new Map<string, StageMark[] | null>(opts.hashes.map((h) => [h, null]));
  let pending = [...opts.hashes];
  let lastLine = "";
  let lastLogAt = Number.NEGATIVE_INFINITY;
  const progress = (force: boolean) => {
    if (!opts.log) return;
    const line = progressLine(stages);
    const now = performance.now();
    const wait = line === lastLine ? every * SETTLE_QUIET_LINES : every;
    if (!force && now - lastLogAt < wait) return;
    opts.log(line);
    lastLine = line;
    lastLogAt = now;
  };
  for (;;) {
    const ask = pending;
    let next = 0;
    const worker = async () => {
      while (next < ask.length) {
        const hash = ask[next++];
        const view = await opts.source.transfer(hash).catch(() => null);
        if (view) stages.set(hash, view.stages);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, ask.length) }, worker));
    pending = ask.filter((h) => !isSettledStages(stages.get(h)));
    if (pending.length === 0) {
      progress(true);
      return { stages, settledAt: performance.now() };
    }
    if (performance.now() >= opts.deadline) {
      progress(true);
      return { stages, settledAt: null };
    }
    progress(false);
    await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(0, opts.deadline - performance.now()))));
  }
}

/** Whether a stage list ends credited or refunded. */
function isSettledStages(stages: StageMark[] | null | undefined): boolean {
  return stages?.some((s) => s.stage === "credited" || s.stage === "refunded") ?? false;
}

/** "cross-shard: 180/300 credited" (refunded and not found yet added when there are any). */
export function progressLine(stages: ReadonlyMap<string, readonly StageMark[] | null>): string {
  let credited = 0;
  let refunded = 0;
  let missing = 0;
  for (const s of stages.values()) {
    if (s === null) missing++;
    else if (s.some((m) => m.stage === "credited")) credited++;
    else if (s.some((m) => m.stage === "refunded")) refunded++;
  }
  const extra = [
    ...(refunded > 0 ? [`${refunded} refunded`] : []),
    ...(missing > 0 ? [`${missing} not committed yet`] : []),
  ];
  return `cross-shard: ${credited}/${stages.size} credited${extra.length ? ` (${extra.join(", ")})` : ""}`;
}
