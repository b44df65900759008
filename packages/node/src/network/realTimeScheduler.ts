import { SeededRandom } from "@vshard/crypto";
import { assertInRange } from "./networkError.ts";
import type { ScheduledFn, Scheduler } from "./scheduler.ts";

/** A wall-clock `Scheduler`; `cancelAll` clears every pending timer (when the devnet stops). */
export interface RealTimeScheduler extends Scheduler {
  cancelAll(): void;
}

/**
 * A `Scheduler` on `setTimeout`, for running the simulated network in real time (the in-process devnet). Jitter and
 * loss still come from a stream seeded by `seed`, but timing is the machine's, so runs are not replayable. An event
 * that throws or rejects is reported with `process.emitWarning`, never left unhandled.
 */
export function realTimeScheduler(seed: number): RealTimeScheduler {
  const random = new SeededRandom(seed);
  const timers = new Set<NodeJS.Timeout>();
  const byOwner = new Map<string, Set<NodeJS.Timeout>>();

  const forget = (timer: NodeJS.Timeout, owner: string | undefined): void => {
    timers.delete(timer);
    if (owner === undefined) return;
    const owned = byOwner.get(owner);
    owned?.delete(timer);
    if (owned?.size === 0) byOwner.delete(owner);
  };

  return {
    random,
    now: () => Date.now(),
    schedule(delayMs: number, fn: ScheduledFn, owner?: string): () => void {
      assertInRange("delayMs", delayMs, 0);
      const timer = setTimeout(() => {
        forget(timer, owner);
        Promise.resolve()
          .then(fn)
          .catch((err: unknown) =>
            process.emitWarning(
              `scheduled event${owner === undefined ? "" : ` of ${owner}`} failed: ${(err as Error)?.message ?? err}`,
            ),
          );
      }, delayMs);
      timers.add(timer);
      if (owner !== undefined) {
        let owned = byOwner.get(owner);
        if (owned === undefined) {
          owned = new Set();
          byOwner.set(owner, owned);
        }
        owned.add(timer);
      }
      return () => {
        clearTimeout(timer);
        forget(timer, owner);
      };
    },
    cancelOwner(owner: string): void {
      for (const timer of byOwner.get(owner) ?? []) {
        clearTimeout(timer);
        timers.delete(timer);
      }
      byOwner.delete(owner);
    },
    cancelAll(): void {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      byOwner.clear();
    },
  };
}
