import { SeededRandom } from "@vshard/crypto";
import type { Clock } from "@vshard/engine";
import { EventQueue, type SimEvent } from "./eventQueue.ts";
import { assertInRange, NetworkError } from "./networkError.ts";
import type { ScheduledFn, Scheduler } from "./scheduler.ts";

/** Options of a simulated run. */
export interface SimulatorOptions {
  /** Seeds `random`: the same seed and the same program give the same run, event for event. */
  seed: number;
  /** Virtual time at the start, in ms since the Unix epoch. */
  startTime?: number;
}

/** Options of `runUntil` and its variants. */
export interface RunOptions {
  /** Do not rethrow the first error an event raised during this run (they are still in `errors()`). */
  tolerateErrors?: boolean;
}

/** Virtual start time: 2023-11-14T22:13:20Z, a round number in the recent past so block times look plausible. */
export const DEFAULT_SIM_START_TIME = 1_700_000_000_000;

/**
 * Events allowed at one virtual instant before a run gives up with `NETWORK_ERROR_LIVELOCK`: far above what a
 * cluster does in one millisecond (a 100-node gossip round is ~10⁴ deliveries), low enough to fail in seconds when
 * something reschedules itself with no delay forever.
 */
export const MAX_EVENTS_PER_INSTANT = 1_000_000;

/**
 * A discrete-event loop on virtual time, replayable from its seed. Events run in (time, insertion sequence) order and
 * each event's returned promise is awaited before the next one runs, so handlers may do real async I/O (LevelDB,
 * worker threads) and a run is still deterministic. An event that throws or rejects is recorded in `errors()` and the
 * loop goes on; `run*` rethrows the first one of its run at the end unless told to tolerate them. An event whose
 * promise never settles stalls the run: callbacks must not wait on anything the simulator itself must deliver.
 */
export class Simulator implements Scheduler {
  /** The run's one random stream (jitter, loss, anything a test draws); `fork` gives independent sub-streams. */
  readonly random: SeededRandom;
  private readonly seed: number;
  private readonly queue = new EventQueue();
  private readonly byOwner = new Map<string, Set<SimEvent>>();
  private readonly recorded: Error[] = [];
  private time: number;
  private seq = 0;
  private live = 0;
  private running = false;

  constructor(opts: SimulatorOptions) {
    this.seed = opts.seed;
    this.random = new SeededRandom(opts.seed);
    this.time = opts.startTime ?? DEFAULT_SIM_START_TIME;
    assertInRange("startTime", this.time, 0);
  }

  /** Current virtual time in ms. */
  now(): number {
    return this.time;
  }

  /** An independent random stream of this run's seed; `stream` ≥ 1 (stream 0 is `random`). */
  fork(stream: number): SeededRandom {
    if (!Number.isSafeInteger(stream) || stream < 1) {
      throw new NetworkError(
        { code: "NETWORK_ERROR_BAD_OPTION", detail: "stream" },
        `fork stream must be an integer ≥ 1 (0 is the main stream), got ${stream}`,
      );
    }
    return new SeededRandom(this.seed, stream);
  }

  /** Runs `fn` `delayMs` from now (0 is allowed: after the events already due now); returns its cancel function. */
  schedule(delayMs: number, fn: ScheduledFn, owner?: string): () => void {
    assertInRange("delayMs", delayMs, 0);
    const event: SimEvent = { time: this.time + delayMs, seq: this.seq++, fn, owner, done: false };
    this.queue.push(event);
    this.live++;
    if (owner !== undefined) {
      let owned = this.byOwner.get(owner);
      if (owned === undefined) {
        owned = new Set();
        this.byOwner.set(owner, owned);
      }
      owned.add(event);
    }
    return () => this.cancel(event);
  }

  /** Cancels every pending event of `owner` (a crashed node's timers and deliveries). */
  cancelOwner(owner: string): void {
    for (const event of [...(this.byOwner.get(owner) ?? [])]) this.cancel(event);
  }

  /** A `Clock` on virtual time whose timers belong to `owner`. */
  clock(owner: string): Clock {
    return { now: () => this.time, setTimer: (ms, fn) => this.schedule(ms, fn, owner) };
  }

  /** Events scheduled and neither run nor cancelled yet. */
  pending(): number {
    return this.live;
  }

  /** Every error raised by an event so far, in the order they happened. */
  errors(): Error[] {
    return [...this.recorded];
  }

  /**
   * Runs virtual time until `work` settles, in steps of `stepMs`, letting real I/O in between (an HTTP request or a
   * database read the work waits on); returns what `work` returns. For work that needs virtual time to pass: message
   * delivery, RPC timeouts.
   */
  async settle<T>(work: Promise<T>, stepMs = 200): Promise<T> {
    let settled = false;
    const watched = work.finally(() => {
      settled = true;
    });
    watched.catch(() => undefined);
    while (!settled) {
      await this.runUntilCondition(() => settled, stepMs);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return watched;
  }

  /** Runs the events of the next `ms` of virtual time. */
  runFor(ms: number, opts: RunOptions = {}): Promise<void> {
    assertInRange("ms", ms, 0);
    return this.runUntil(this.time + ms, opts);
  }

  /** Runs every event due up to `time` (inclusive), then sets the clock to `time`. */
  async runUntil(time: number, opts: RunOptions = {}): Promise<void> {
    assertInRange("time", time, this.time);
    await this.loop(time, () => false, opts);
  }

  /**
   * Runs events until `pred` holds (checked before the first event and after each one) or `maxMs` of virtual time
   * pass; returns whether `pred` held. When it does, the clock stays at the event that made it true.
   */
  async runUntilCondition(pred: () => boolean, maxMs: number, opts: RunOptions = {}): Promise<boolean> {
    assertInRange("maxMs", maxMs, 0);
    if (pred()) return true;
    return this.loop(this.time + maxMs, pred, opts);
  }

  private async loop(deadline: number, pred: () => boolean, opts: RunOptions): Promise<boolean> {
    if (this.running) {
      throw new NetworkError(
        { code: "NETWORK_ERROR_REENTRANT_RUN", detail: String(this.time) },
        "a simulator run was started while another is running (await the first one)",
      );
    }
    this.running = true;
    const firstError = this.recorded.length;
    let instant = this.time;
    let atInstant = 0;
    let met = false;
    try {
      for (;;) {
        const next = this.queue.peek();
        if (next === undefined || next.time > deadline) break;
        this.queue.pop();
        if (next.done) continue;
        next.done = true;
        this.forget(next);
        if (next.time !== instant) {
          instant = next.time;
          atInstant = 0;
        }
        if (++atInstant > MAX_EVENTS_PER_INSTANT) {
          throw new NetworkError(
            { code: "NETWORK_ERROR_LIVELOCK", detail: String(instant) },
            `more than ${MAX_EVENTS_PER_INSTANT} events at virtual time ${instant}: an event reschedules itself without delay`,
          );
        }
        this.time = next.time;
        try {
          await next.fn();
        } catch (err) {
          this.recorded.push(err instanceof Error ? err : new Error(String(err)));
        }
        if (pred()) {
          met = true;
          break;
        }
      }
      if (!met) this.time = deadline;
    } finally {
      this.running = false;
    }
    if (!opts.tolerateErrors && this.recorded.length > firstError) throw this.recorded[firstError];
    return met;
  }

  private cancel(event: SimEvent): void {
    if (event.done) return;
    event.done = true;
    this.forget(event);
  }

  /** Drops a pending event from the live count and its owner's set (it has run or been cancelled). */
  private forget(event: SimEvent): void {
    this.live--;
    if (event.owner === undefined) return;
    const owned = this.byOwner.get(event.owner);
    owned?.delete(event);
    if (owned?.size === 0) this.byOwner.delete(event.owner);
  }
}
