import type { SignedTx } from "@vshard/types";
import type { SubmitOutcome } from "./interface.ts";
import { backoffMs, type RelayOptions } from "./options.ts";

/** What a relay remembers of a receipt it submitted: its signed receive and when it may submit it again. */
export interface Delivery {
  stx: SignedTx;
  /** Height of the source block holding the receipt. */
  height: number;
  /** Submissions so far. */
  attempts: number;
  /** `later` or `refused` answers in a row (drives the backoff). */
  failuresInRow: number;
  /** Earliest time (ms, the relay's clock) of the next submission. */
  nextAt: number;
  /** The last answer. */
  last: SubmitOutcome["kind"];
  /** Whether the node ever accepted it from this relay (counted once as delivered). */
  accepted: boolean;
}

/**
 * The receipts a relay submitted and not yet seen consumed, per source shard (memory only: after a restart every
 * pending receipt is submitted again, which is harmless). Decides when a receipt may go out again.
 */
export class DeliveryBook {
  private readonly bySource = new Map<string, Map<string, Delivery>>();

  constructor(
    private readonly opts: RelayOptions,
    private readonly random: () => number,
  ) {}

  /** The delivery of receipt `idHex` from source `source` (key `chainId/shard`), if submitted. */
  get(source: string, idHex: string): Delivery | undefined {
    return this.bySource.get(source)?.get(idHex);
  }

  /** Starts tracking a receipt about to be submitted for the first time. */
  add(source: string, idHex: string, stx: SignedTx, height: number, now: number): Delivery {
    const d: Delivery = {
      stx,
      height,
      attempts: 0,
      failuresInRow: 0,
      nextAt: now,
      last: "later",
      accepted: false,
    };
    let map = this.bySource.get(source);
    if (!map) {
      map = new Map();
      this.bySource.set(source, map);
    }
    map.set(idHex, d);
    return d;
  }

  /**
   * Records the node's answer and when the receipt may go out again: after `accepted` or `done`, once
   * `resubmitAfterMs` passed (in case the receive is dropped before it is consumed); after `later`, a doubling backoff;
   * after `refused`, the longest backoff.
   */
  record(d: Delivery, outcome: SubmitOutcome, now: number): void {
    d.attempts++;
    d.last = outcome.kind;
    if (outcome.kind === "accepted" || outcome.kind === "done") {
      d.failuresInRow = 0;
      d.nextAt = now + this.opts.resubmitAfterMs;
      return;
    }
    d.failuresInRow++;
    const failures = outcome.kind === "refused" ? Number.POSITIVE_INFINITY : d.failuresInRow;
    d.nextAt = now + backoffMs(failures, this.opts, this.random);
  }

  /** Forgets a receipt (seen consumed). */
  forget(source: string, idHex: string): void {
    this.bySource.get(source)?.delete(idHex);
  }

  /** Forgets the receipts of `source` below `height` (its cursor: all consumed). */
  forgetBelow(source: string, height: number): void {
    const map = this.bySource.get(source);
    if (!map) return;
    for (const [id, d] of map) if (d.height < height) map.delete(id);
  }

  /** Receipts tracked, over every source. */
  get size(): number {
    let n = 0;
    for (const map of this.bySource.values()) n += map.size;
    return n;
  }
}
