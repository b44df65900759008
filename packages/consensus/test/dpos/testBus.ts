import type { ChannelHandler, Clock, ConsensusChannel } from "@vshard/engine";

type Handler = ChannelHandler;

interface Timer {
  at: number;
  id: number;
  fn: () => void | Promise<void>;
}

interface Message {
  from: string;
  to: string;
  kind: string;
  data: Uint8Array;
}

/**
 * A deterministic network and clock for consensus tests: messages are queued and delivered in send order, each
 * handler's promise awaited before the next delivery; timers fire in time order (then creation order), each awaited,
 * with the message queue drained in between. Nothing depends on the wall clock.
 */
export class TestBus implements Clock {
  private time: number;
  private timers: Timer[] = [];
  private nextTimerId = 0;
  private readonly queue: Message[] = [];
  private readonly handlers = new Map<string, Map<string, Set<Handler>>>();
  /** Nodes whose channel is silent: they send nothing and receive nothing. */
  readonly silenced = new Set<string>();
  /** Links cut by a partition, as `from>to`. */
  private readonly cut = new Set<string>();
  /** Messages delivered so far, by kind. */
  readonly delivered = new Map<string, number>();

  constructor(start: number) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, fn: () => void | Promise<void>): () => void {
    const timer = { at: this.time + Math.max(0, ms), id: this.nextTimerId++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** The channel of node `id`. */
  channel(id: string): ConsensusChannel {
    return {
      publish: (kind, data) => {
        for (const to of this.handlers.keys()) if (to !== id) this.queue.push({ from: id, to, kind, data });
      },
      send: (to, kind, data) => {
        this.queue.push({ from: id, to, kind, data });
      },
      subscribe: (kind, handler) => {
        const byKind = this.handlers.get(id) ?? new Map<string, Set<Handler>>();
        this.handlers.set(id, byKind);
        const set = byKind.get(kind) ?? new Set<Handler>();
        byKind.set(kind, set);
        set.add(handler);
        return () => set.delete(handler);
      },
    };
  }

  /** Cuts every link between the two groups (both ways). */
  partition(a: string[], b: string[]): void {
    for (const x of a)
      for (const y of b) {
        this.cut.add(`${x}>${y}`);
        this.cut.add(`${y}>${x}`);
      }
  }

  /** Restores every link cut by a partition. */
  heal(): void {
    this.cut.clear();
  }

  /** Delivers queued messages (and those they cause) until none is left. */
  async settle(): Promise<void> {
    for (let m = this.queue.shift(); m; m = this.queue.shift()) {
      if (this.silenced.has(m.from) || this.silenced.has(m.to) || this.cut.has(`${m.from}>${m.to}`)) continue;
      const handlers = [...(this.handlers.get(m.to)?.get(m.kind) ?? [])];
      this.delivered.set(m.kind, (this.delivered.get(m.kind) ?? 0) + handlers.length);
      for (const h of handlers) await h(m.from, m.data);
    }
  }

  /** Moves time forward by `ms`, firing due timers in order and settling the network after each. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await this.settle();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.time = next.at;
      await next.fn();
      await this.settle();
    }
    this.time = target;
  }

  /** Advances in steps of `stepMs` until `done()` holds; false if `maxMs` passes first. */
  async runUntil(done: () => boolean, maxMs: number, stepMs = 100): Promise<boolean> {
    for (let spent = 0; spent <= maxMs; spent += stepMs) {
      if (done()) return true;
      await this.advance(stepMs);
    }
    return done();
  }
}
