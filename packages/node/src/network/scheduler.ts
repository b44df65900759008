import type { SeededRandom } from "@vshard/crypto";

/** The work of one scheduled event; it returns the promise of everything it starts. */
export type ScheduledFn = () => void | Promise<void>;

/**
 * What the simulated network needs of time: the deterministic `Simulator` (virtual time) and `realTimeScheduler`
 * (wall clock, for the in-process devnet) both implement it.
 */
export interface Scheduler {
  /** Milliseconds since the Unix epoch (virtual or real). */
  now(): number;
  /** Runs `fn` after `delayMs`; `owner` (a peer id) lets `cancelOwner` drop it. Returns a function that cancels it. */
  schedule(delayMs: number, fn: ScheduledFn, owner?: string): () => void;
  /** Cancels every pending event of `owner` (a crashed node's timers and the messages on their way to it). */
  cancelOwner(owner: string): void;
  /** The seeded random stream the network draws jitter and loss from. */
  readonly random: SeededRandom;
}
