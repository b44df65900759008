import type { MessageHandler, Transport } from "./transport.ts";

/** One handler of a topic; `active` turns false when it is unsubscribed (a delivery in progress skips it). */
export interface Subscription {
  handler: MessageHandler;
  active: boolean;
}

/** What a `SimTransport` asks of its network (the `SimNetwork` that made it). */
export interface SimNetworkPort {
  publish(from: SimTransport, topic: string, data: Uint8Array): void;
  send(from: SimTransport, to: string, topic: string, data: Uint8Array): void;
  reachablePeers(from: SimTransport): string[];
  leave(transport: SimTransport): void;
}

/**
 * A node's `Transport` on a `SimNetwork`. Once closed (or crashed) it is dead for good: it sends nothing, receives
 * nothing and `peers()` is empty; a restarted node joins with a new instance under the same id.
 */
export class SimTransport implements Transport {
  private readonly subs = new Map<string, Subscription[]>();
  private dead = false;

  constructor(
    readonly peerId: string,
    private readonly network: SimNetworkPort,
  ) {}

  /** Whether `close` was called or the network crashed this peer. */
  get closed(): boolean {
    return this.dead;
  }

  publish(topic: string, data: Uint8Array): void {
    if (!this.dead) this.network.publish(this, topic, data);
  }

  send(peer: string, topic: string, data: Uint8Array): void {
    if (!this.dead) this.network.send(this, peer, topic, data);
  }

  subscribe(topic: string, handler: MessageHandler): () => void {
    if (this.dead) return () => {};
    const sub: Subscription = { handler, active: true };
    let list = this.subs.get(topic);
    if (list === undefined) {
      list = [];
      this.subs.set(topic, list);
    }
    list.push(sub);
    return () => {
      if (!sub.active) return;
      sub.active = false;
      const current = this.subs.get(topic);
      if (current === undefined) return;
      const rest = current.filter((s) => s !== sub);
      if (rest.length === 0) this.subs.delete(topic);
      else this.subs.set(topic, rest);
    };
  }

  peers(): string[] {
    return this.dead ? [] : this.network.reachablePeers(this);
  }

  close(): void {
    if (this.dead) return;
    this.network.leave(this);
    this.kill();
  }

  /** Whether any handler is subscribed to `topic`. */
  isSubscribed(topic: string): boolean {
    return !this.dead && this.subs.has(topic);
  }

  /** The handlers of `topic` in subscription order, as of now. */
  subscriptionsOf(topic: string): readonly Subscription[] {
    return this.dead ? [] : [...(this.subs.get(topic) ?? [])];
  }

  /** Marks the transport dead and drops its subscriptions (the network calls this on a crash). */
  kill(): void {
    this.dead = true;
    for (const list of this.subs.values()) for (const sub of list) sub.active = false;
    this.subs.clear();
  }
}
