import { bytesToHex, createEd25519Signer, type Ed25519Signer } from "@vshard/crypto";
import { addressFromPublicKey, addressToText, type ShardRef } from "@vshard/types";
import { type Delivery, DeliveryBook } from "./deliveries.ts";
import type { OutboxBlock, RelayModules, SubmitOutcome } from "./interface.ts";
import type { RelayOptions } from "./options.ts";
import { emptyPassReport, type PassReport, type RelayCounters } from "./passReport.ts";
import { FIRST_HEIGHT, loadRelayState, type RelayCursors, saveRelayState, sourceKey } from "./relayState.ts";
import { signedReceive } from "./signedReceive.ts";

interface Job {
  source: string;
  idHex: string;
  delivery: Delivery;
}

/**
 * Delivers receipts: scans every source shard's final outboxes from its cursor, and submits a receive, signed by its
 * own key, for each receipt that is deliverable (its block anchored), not consumed and not submitted recently. Any
 * number of relays may run: a receipt is consumed once, the others' receives are refused harmlessly. The cursors
 * (per source, the lowest height with a receipt not known consumed) are saved after every pass that moved them, so a
 * restarted relay re-scans from there: nothing is skipped, duplicates are harmless.
 */
export class Relay {
  /** The relay's main address (vs…), the sender of its receives. */
  readonly address: string;
  readonly counters: RelayCounters = { delivered: 0, duplicates: 0, retries: 0, failures: 0 };
  private readonly deliveries: DeliveryBook;
  private readonly signer: Ed25519Signer;
  private readonly cursors: RelayCursors;
  private sources: ShardRef[] = [];
  private readonly scanErrors = new Map<string, string>();
  private dirty = false;
  /** Per source, the height up to which the last scan read (partial scans start there). */
  private readonly frontiers = new Map<string, number>();
  /** Per source, the lowest block the last scan found waiting for its anchor (partial scans re-read from it). */
  private readonly anchorWaits = new Map<string, number>();
  private lastFullScanAt = Number.NEGATIVE_INFINITY;
  private passing: Promise<PassReport> | null = null;
  private lastReportAt: number;
  private loop: Promise<void> | null = null;
  private running = false;
  private wake: (() => void) | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly opts: RelayOptions,
    private readonly modules: RelayModules,
    cursors: RelayCursors = new Map(),
  ) {
    this.address = addressToText(addressFromPublicKey(modules.keys.publicKey));
    this.deliveries = new DeliveryBook(opts, modules.random);
    this.signer = createEd25519Signer(modules.keys.secretKey);
    this.cursors = new Map(cursors);
    this.lastReportAt = modules.now();
  }

  /** A relay resuming from the state file `opts.statePath` (missing: from height 1; corrupt: `RelayError`). */
  static async create(opts: RelayOptions, modules: RelayModules): Promise<Relay> {
    return new Relay(opts, modules, await loadRelayState(opts.statePath));
  }

  /** The cursor of each source scanned so far (`chainId/shard` → height), as saved. */
  cursorsNow(): ReadonlyMap<string, number> {
    return this.cursors;
  }

  /** One scan of every source from its cursor (a call during a pass returns that pass). */
  pass(): Promise<PassReport> {
    this.passing ??= this.runPass().finally(() => {
      this.passing = null;
    });
    return this.passing;
  }

  /** Runs passes every `pollMs` until `stop()`. */
  start(): void {
    if (this.loop) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.pass();
        } catch (err) {
          this.modules.logger.error({ err: (err as Error).message }, "relay pass failed");
        }
        if (!this.running) break;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, this.opts.pollMs);
        });
      }
    })();
  }

  /** Stops the loop after the pass under way and saves the cursors (always: the file exists once stopped). */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    await this.passing;
    this.loop = null;
    await this.save();
  }

  private async runPass(): Promise<PassReport> {
    const report = emptyPassReport();
    try {
      this.sources = await this.modules.endpoint.sources();
      this.readable("sources");
    } catch (err) {
      this.unreadable("sources", (err as Error).message, report);
    }
    report.sources = this.sources.length;
    const jobs: Job[] = [];
    // A full scan re-reads every source from its cursor (what was sent and not seen consumed, due again or not); in
    // between, a pass reads only the blocks final since the last one, so a backlog is not re-read every poll.
    const now = this.modules.now();
    const full = now - this.lastFullScanAt >= this.opts.fullScanEveryMs;
    if (full) this.lastFullScanAt = now;
    await Promise.all(this.sources.map((ref) => this.scanSource(ref, report, jobs, full)));
    await this.submitAll(jobs, report);
    if (report.cursorsChanged) this.dirty = true;
    if (this.dirty) {
      try {
        await this.save();
      } catch (err) {
        report.errors.push({ source: "state", message: (err as Error).message });
        this.modules.logger.error({ err: (err as Error).message }, "relay state not saved");
      }
    }
    this.maybeReport(report);
    return report;
  }

  /**
   * Reads `ref`'s outbox to its final height, from its cursor (`full`) or from where the last scan ended (or the lowest
   * block it found waiting for its anchor: one anchored since goes out at once); queues what is due; a full scan moves
   * the cursor.
   */
  private async scanSource(ref: ShardRef, report: PassReport, jobs: Job[], full: boolean): Promise<void> {
    const source = sourceKey(ref);
    const cursor = this.cursors.get(source) ?? FIRST_HEIGHT;
    const resumeAt = Math.min(
      this.frontiers.get(source) ?? cursor,
      this.anchorWaits.get(source) ?? Number.POSITIVE_INFINITY,
    );
    const start = full ? cursor : Math.max(cursor, resumeAt);
    let from = start;
    let scannedTo = start; // every height from `start` below it was read in this pass
    let lowestPending: number | null = null;
    let lowestWaiting: number | null = null;
    try {
      for (;;) {
        const page = await this.modules.endpoint.outbox(ref, from, this.opts.pageLimit);
        for (const block of page.blocks) {
          if (block.height < from) continue; // not asked for
          report.blocks++;
          const found = this.scanBlock(source, block, report, jobs);
          if (found.pending) lowestPending ??= block.height;
          if (found.waiting) lowestWaiting ??= block.height;
        }
        scannedTo = Math.max(scannedTo, page.next);
        if (page.next > page.finalHeight || page.next <= from) break;
        from = page.next;
      }
      this.readable(source);
    } catch (err) {
      this.unreadable(source, (err as Error).message, report);
    }
    this.frontiers.set(source, scannedTo);
    if (lowestWaiting === null) this.anchorWaits.delete(source);
    else this.anchorWaits.set(source, lowestWaiting);
    if (!full) return;
    const next = lowestPending ?? scannedTo;
    if (next !== this.cursors.get(source)) {
      this.cursors.set(source, next);
      report.cursorsChanged = true;
    }
    this.deliveries.forgetBelow(source, next);
  }

  /** Sorts a block's receipts: whether one of them is still not consumed, and whether one waits for its anchor. */
  private scanBlock(
    source: string,
    block: OutboxBlock,
    report: PassReport,
    jobs: Job[],
  ): { pending: boolean; waiting: boolean } {
    let pending = false;
    let waiting = false;
    for (const entry of block.receipts) {
      const idHex = bytesToHex(entry.receipt.id);
      if (entry.consumed !== null) {
        this.deliveries.forget(source, idHex);
        continue;
      }
      pending = true;
      if (entry.deliverTo === null) {
        report.waitingForAnchor++;
        waiting = true;
        continue;
      }
      const now = this.modules.now();
      const known = this.deliveries.get(source, idHex);
      if (known && known.nextAt > now) {
        if (known.last === "accepted" || known.last === "done") report.inFlight++;
        else report.backingOff++;
        continue;
      }
      const delivery =
        known ??
        this.deliveries.add(source, idHex, signedReceive(this.signer, block, entry), block.height, now);
      jobs.push({ source, idHex, delivery });
    }
    return { pending, waiting };
  }

  /**
   * Submits the due receives and records the answers: in batches of `batchSize` when the endpoint takes batches, else
   * one by one; at most `maxConcurrentSubmits` requests at once.
   */
  private async submitAll(jobs: Job[], report: PassReport): Promise<void> {
    const { endpoint } = this.modules;
    const size = endpoint.submitReceives ? this.opts.batchSize : 1;
    const batches: Job[][] = [];
    for (let i = 0; i < jobs.length; i += size) batches.push(jobs.slice(i, i + size));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        const outcomes = endpoint.submitReceives
          ? await endpoint.submitReceives(batch.map((j) => j.delivery.stx))
          : [await endpoint.submitReceive(batch[0].delivery.stx)];
        for (const [i, job] of batch.entries()) this.record(job, outcomes[i], report);
      }
    };
    const n = Math.min(this.opts.maxConcurrentSubmits, batches.length);
    await Promise.all(Array.from({ length: n }, worker));
  }

  private record({ source, idHex, delivery }: Job, outcome: SubmitOutcome, report: PassReport): void {
    if (delivery.attempts > 0) this.counters.retries++;
    report.submitted++;
    this.deliveries.record(delivery, outcome, this.modules.now());
    switch (outcome.kind) {
      case "accepted":
        report.accepted++;
        report.inFlight++;
        if (!delivery.accepted) this.counters.delivered++;
        delivery.accepted = true;
        return;
      case "done":
        report.done++;
        report.inFlight++;
        this.counters.duplicates++;
        return;
      case "later":
        report.later++;
        report.backingOff++;
        this.counters.failures++;
        return;
      case "refused": {
        report.refused++;
        report.backingOff++;
        this.counters.failures++;
        const { code, message } = outcome;
        const { tx } = delivery.stx;
        this.modules.logger.warn(
          { source, receipt: idHex, deliverTo: `${tx.chainId}/${tx.shard}`, code, message },
          "relay receive refused",
        );
      }
    }
  }

  /** Records a read that failed (`what`: a source, or "sources" for the list); logged once while it lasts. */
  private unreadable(what: string, message: string, report: PassReport): void {
    report.errors.push({ source: what, message });
    if (this.scanErrors.get(what) !== message)
      this.modules.logger.warn({ source: what, err: message }, "relay cannot read from the node");
    this.scanErrors.set(what, message);
  }

  private readable(what: string): void {
    if (this.scanErrors.delete(what))
      this.modules.logger.info({ source: what }, "relay reads from the node again");
  }

  private async save(): Promise<void> {
    await saveRelayState(this.opts.statePath, this.cursors);
    this.dirty = false;
  }

  /** A progress line every `reportEveryMs`: this pass's counts and the totals. */
  private maybeReport(report: PassReport): void {
    const now = this.modules.now();
    if (now - this.lastReportAt < this.opts.reportEveryMs) return;
    this.lastReportAt = now;
    this.modules.logger.info(
      {
        delivered: report.accepted,
        waitingForAnchor: report.waitingForAnchor,
        inFlight: report.inFlight,
        backingOff: report.backingOff,
        errors: report.errors.length,
        totals: { ...this.counters },
      },
      "relay progress",
    );
  }
}
