import { SeededRandom } from "@vshard/crypto";
import type { Clock, ConsensusChannel } from "@vshard/engine";

type Task = () => void | Promise<void>;

/**
 * A simulated clock for multi-node tests: timers fire in time order (ties in the order they were set), and each
 * callback's promise is awaited before the next one fires, so a run is the same for the same seed.
 */
export class SimClock implements Clock {
  private time: number;
  private timers: Array<{ at: number; fn: Task; id: number }> = [];
  private nextId = 0;

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, fn: Task): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.time + Math.max(0, ms), fn, id });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  }

  /** Runs every timer due within `ms`, awaiting each, then sets the time to the end of the window. */
  async advance(ms: number): Promise<void> {
    await this.runUntil(() => false, ms);
  }

  /**
   * Runs timers in order until `done()` holds (checked after each) or `maxMs` of simulated time passed; returns whether
   * `done()` held.
   */
  async runUntil(done: () => boolean, maxMs: number): Promise<boolean> {
    const deadline = this.time + maxMs;
    while (!done()) {
      const next = this.popDue(deadline);
      if (!next) {
        this.time = deadline;
        return done();
      }
      this.time = next.at;
      await next.fn();
    }
    return true;
  }

  pending(): number {
    return this.timers.length;
  }

  private popDue(deadline: number): { at: number; fn: Task } | undefined {
    let best = -1;
    for (let i = 0; i < this.timers.length; i++) {
      const t = this.timers[i];
      const b = this.timers[best];
      if (t.at <= deadline && (best < 0 || t.at < b.at || (t.at === b.at && t.id < b.id))) best = i;
    }
    return best < 0 ? undefined : this.timers.splice(best, 1)[0];
  }
}

/** Delays and losses of a {@link FakeBus}. */
export interface FakeBusOptions {
  /** Seed of the delays and losses. */
  seed: number;
  /** Each message takes a delay drawn uniformly in [minLatencyMs, maxLatencyMs]. */
  minLatencyMs: number;
  maxLatencyMs: number;
  /** Chance that a message is lost, in [0, 1). */
  dropRate: number;
}

/** No loss, 5-20 ms per message. */
export const defaultFakeBusOptions: FakeBusOptions = {
  seed: 1,
  minLatencyMs: 5,
  maxLatencyMs: 20,
  dropRate: 0,
};

/**
 * An in-memory network of named nodes on a {@link SimClock}: each node gets a `ConsensusChannel`; messages arrive
 * after a seeded random delay, may be lost, and never reach a node that is down (when sent or when due) or a link the
 * test cut. Handlers' promises are awaited by the clock.
 */
export class FakeBus {
  private readonly handlers = new Map<
    string,
    Map<string, Set<(from: string, data: Uint8Array) => unknown>>
  >();
  private readonly down = new Set<string>();
  private readonly rng: SeededRandom;
  private readonly opts: FakeBusOptions;
  /** Returns false to cut the link from `from` to `to` (partitions). */
  linkFilter: (from: string, to: string, kind: string) => boolean = () => true;
  delivered = 0;
  dropped = 0;

  constructor(
    private readonly clock: SimClock,
    opts: Partial<FakeBusOptions> = {},
  ) {
    this.opts = { ...defaultFakeBusOptions, ...opts };
    this.rng = new SeededRandom(this.opts.seed);
  }

  /** The channel of node `id` (created on first use). */
  channel(id: string): ConsensusChannel {
    if (!this.handlers.has(id)) this.handlers.set(id, new Map());
    return {
      publish: (kind, data) => {
        for (const to of this.handlers.keys()) if (to !== id) this.transmit(id, to, kind, data);
      },
      send: (peer, kind, data) => this.transmit(id, peer, kind, data),
      subscribe: (kind, handler) => {
        const byKind = this.handlers.get(id) as Map<string, Set<(from: string, data: Uint8Array) => unknown>>;
        const set = byKind.get(kind) ?? new Set();
        set.add(handler);
        byKind.set(kind, set);
        return () => set.delete(handler);
      },
    };
  }

  /** Takes a node off the network (true) or puts it back (false). */
  setDown(id: string, down = true): void {
    if (down) this.down.add(id);
    else this.down.delete(id);
  }

  private transmit(from: string, to: string, kind: string, data: Uint8Array): void {
    if (this.down.has(from) || this.down.has(to) || !this.linkFilter(from, to, kind)) return;
    const { minLatencyMs, maxLatencyMs, dropRate } = this.opts;
    if (dropRate > 0 && this.rng.next() < dropRate) {
      this.dropped++;
      return;
    }
    const latency = minLatencyMs + this.rng.uniformInt(maxLatencyMs - minLatencyMs + 1);
    const copy = data.slice();
    this.clock.setTimer(latency, async () => {
      if (this.down.has(to) || this.down.has(from)) return;
      const set = this.handlers.get(to)?.get(kind);
      if (!set) return;
      this.delivered++;
      await Promise.all([...set].map((h) => h(from, copy)));
    });
  }
}
