/** Tuning of a relay; every field has a default in `defaultRelayOptions`. */
export interface RelayOptions {
  /** The state file holding the cursors (`{ version: 1, cursors: { "chainId/shard": height } }`). */
  statePath: string;
  /** Pause between two passes of `start()`. */
  pollMs: number;
  /** After an accepted receive, how long to wait for it to be consumed before submitting it again. */
  resubmitAfterMs: number;
  /** First backoff after a `later` answer; it doubles with every further one. */
  minBackoffMs: number;
  /** Longest backoff, and the backoff after a `refused` answer. */
  maxBackoffMs: number;
  /** How often a progress line is logged. */
  reportEveryMs: number;
  /** Receipts asked for per outbox page (the node answers whole blocks, so a page may hold a few more). */
  pageLimit: number;
  /** Requests in flight at once within a pass. */
  maxConcurrentSubmits: number;
  /** Receives per request when the endpoint takes batches (`RelayEndpoint.submitReceives`). */
  batchSize: number;
  /** How often a pass re-reads every source from its cursor; the passes between read only newly final blocks. */
  fullScanEveryMs: number;
}

/** The defaults (the caller gives `statePath`). */
export const defaultRelayOptions: Omit<RelayOptions, "statePath"> = {
  /** A quarter second: about one main-chain block interval on a devnet, so a receipt waits at most one pass. */
  pollMs: 250,
  /** Several block intervals: an accepted receive is normally consumed well within it. */
  resubmitAfterMs: 5000,
  /** Short enough that a receipt waiting for its anchor goes out within a block or two of it. */
  minBackoffMs: 200,
  /** Caps the doubling: an unreachable node is retried every ~10 s, not less. */
  maxBackoffMs: 10_000,
  reportEveryMs: 5000,
  /** Bounds one answer of the node (receipts with their proofs); the route allows up to 1000. */
  pageLimit: 500,
  /** Enough to keep a local node busy without flooding its admission queue. */
  maxConcurrentSubmits: 16,
  /** One request carries a block's worth of receives: signatures are then checked as one batch on the node. */
  batchSize: 256,
  /** Under `resubmitAfterMs`, so that a receive due again is found in time; a few polls, so a backlog is read rarely. */
  fullScanEveryMs: 2000,
};

/** Share of a backoff added at random (0..25%), so that relays that failed together do not retry together. */
export const BACKOFF_JITTER = 0.25;

/** The backoff after `failures` answers in a row that say "later" (1: the first): doubling, capped, with jitter. */
export function backoffMs(failures: number, opts: RelayOptions, random: () => number): number {
  const base = Math.min(opts.maxBackoffMs, opts.minBackoffMs * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (1 + BACKOFF_JITTER * random()));
}
