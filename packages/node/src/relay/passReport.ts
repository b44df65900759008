/** Running totals of a relay's answers from the node. */
export interface RelayCounters {
  /** Receipts the node accepted a receive of from this relay (each counted once). */
  delivered: number;
  /** `done` answers: consumed already, or a receive of it pending or included (ours or another relay's). */
  duplicates: number;
  /** Submissions of a receipt after its first. */
  retries: number;
  /** `later` and `refused` answers. */
  failures: number;
}

/** What one pass did. */
export interface PassReport {
  sources: number;
  /** Blocks read from the outboxes. */
  blocks: number;
  /** Receives submitted, and how the node answered them. */
  submitted: number;
  accepted: number;
  done: number;
  later: number;
  refused: number;
  /** Receipts not consumed whose source block is not anchored yet. */
  waitingForAnchor: number;
  /** Receipts submitted (by this relay: accepted or `done`) and not seen consumed yet, not due again. */
  inFlight: number;
  /** Receipts held back by a backoff after `later` or `refused`. */
  backingOff: number;
  /** Sources (`chainId/shard`) that could not be read this pass, with why. */
  errors: Array<{ source: string; message: string }>;
  cursorsChanged: boolean;
}

/** A report with every count at zero. */
export function emptyPassReport(): PassReport {
  return {
    sources: 0,
    blocks: 0,
    submitted: 0,
    accepted: 0,
    done: 0,
    later: 0,
    refused: 0,
    waitingForAnchor: 0,
    inFlight: 0,
    backingOff: 0,
    errors: [],
    cursorsChanged: false,
  };
}
