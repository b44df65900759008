import { assertInRange, NetworkError } from "./networkError.ts";
import type { Scheduler } from "./scheduler.ts";
import { type SimNetworkPort, SimTransport } from "./simTransport.ts";
import type { Transport } from "./transport.ts";

/** How messages travel on a link: delays in whole ms (virtual time stays integral), loss a probability. */
export interface LinkOptions {
  /** Base one-way delay. */
  latencyMs: number;
  /** Extra delay drawn uniformly from the integers in [0, jitterMs]; it also reorders messages. */
  jitterMs: number;
  /** Probability that a message is lost, in [0, 1]. */
  lossRate: number;
}

/** Options of a simulated network: the link settings every pair of peers has unless `setLink` says otherwise. */
export type SimNetworkOptions = LinkOptions;

/**
 * 20 ms ± 10 ms: a LAN-to-regional round-trip scale, long enough that a BFT round spans several network events (so
 * ordering matters in tests), short next to block intervals of hundreds of ms. No loss by default: tests turn loss on
 * where they mean to test it.
 */
export const defaultSimNetworkOptions: SimNetworkOptions = { latencyMs: 20, jitterMs: 10, lossRate: 0 };

/** Message counts. Every (message, recipient) pair is one send; it ends delivered or dropped. */
export interface NetworkStats {
  sent: number;
  delivered: number;
  dropped: number;
}

/** A peer's counts: `sent`, `delivered`, `dropped` are of what it sent; `received` is what was delivered to it. */
export interface PeerStats extends NetworkStats {
  received: number;
}

/** A message on its way to `to`, owned by the receiving peer's events. */
interface InFlight {
  from: string;
}

function validateLink(prefix: string, link: Partial<LinkOptions>): void {
  if (link.latencyMs !== undefined) assertInRange(`${prefix}latencyMs`, link.latencyMs, 0);
  if (link.jitterMs !== undefined) assertInRange(`${prefix}jitterMs`, link.jitterMs, 0);
  if (link.lossRate !== undefined) assertInRange(`${prefix}lossRate`, link.lossRate, 0, 1);
  for (const field of ["latencyMs", "jitterMs"] as const) {
    const value = link[field];
    if (value !== undefined && !Number.isInteger(value)) {
      throw new NetworkError(
        { code: "NETWORK_ERROR_BAD_OPTION", detail: `${prefix}${field}` },
        `${prefix}${field} must be a whole number of ms, got ${value}`,
      );
    }
  }
}

function linkKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

/**
 * An in-process network of `SimTransport`s with latency, jitter, loss, partitions and crash/restart. On a `Simulator`
 * it is deterministic: jitter and loss are drawn from the scheduler's seeded stream in the order messages are sent,
 * and each delivery is one event owned by the receiving peer. On `realTimeScheduler` it runs the in-process devnet.
 * Reachability is checked when a message is sent and again when it arrives (a partition made in between, or a
 * receiver gone, drops it).
 */
export class SimNetwork {
  private readonly opts: SimNetworkOptions;
  private readonly live = new Map<string, SimTransport>();
  private readonly known = new Set<string>();
  private readonly links = new Map<string, Partial<LinkOptions>>();
  private readonly inFlight = new Map<string, Set<InFlight>>();
  private readonly perPeer = new Map<string, PeerStats>();
  private readonly totals: NetworkStats = { sent: 0, delivered: 0, dropped: 0 };
  private groups: Map<string, number> | null = null;
  private readonly port: SimNetworkPort = {
    publish: (from, topic, data) => {
      for (const [id, peer] of this.live) {
        if (id !== from.peerId && peer.isSubscribed(topic)) this.transmit(from.peerId, id, topic, data);
      }
    },
    send: (from, to, topic, data) => this.transmit(from.peerId, to, topic, data),
    reachablePeers: (from) =>
      [...this.live.keys()].filter((id) => id !== from.peerId && this.canReach(from.peerId, id)),
    leave: (transport) => {
      if (this.live.get(transport.peerId) === transport) this.live.delete(transport.peerId);
    },
  };

  constructor(
    private readonly scheduler: Scheduler,
    opts: Partial<SimNetworkOptions> = {},
  ) {
    this.opts = { ...defaultSimNetworkOptions, ...opts };
    validateLink("", this.opts);
  }

  /** Connects a node; throws `NETWORK_ERROR_PEER_LIVE` if `peerId` is live (crash or close it first to restart). */
  join(peerId: string): Transport {
    if (this.live.has(peerId)) {
      throw new NetworkError(
        { code: "NETWORK_ERROR_PEER_LIVE", detail: peerId },
        `peer ${peerId} is already live`,
      );
    }
    const transport = new SimTransport(peerId, this.port);
    this.live.set(peerId, transport);
    this.known.add(peerId);
    return transport;
  }

  /** Ids of the live peers, in the order they joined. */
  livePeers(): string[] {
    return [...this.live.keys()];
  }

  /** Overrides the link between `a` and `b` (both directions); replaces an earlier override, `{}` clears it. */
  setLink(a: string, b: string, link: Partial<LinkOptions>): void {
    validateLink("link.", link);
    if (Object.keys(link).length === 0) this.links.delete(linkKey(a, b));
    else this.links.set(linkKey(a, b), { ...link });
  }

  /** The settings of the link between `a` and `b`. */
  linkOf(a: string, b: string): LinkOptions {
    return { ...this.opts, ...this.links.get(linkKey(a, b)) };
  }

  /**
   * Splits the network: peers in different groups cannot reach each other; peers listed nowhere form one more group
   * together. Replaces any earlier partition.
   */
  partition(groups: string[][]): void {
    const map = new Map<string, number>();
    groups.forEach((group, index) => {
      for (const id of group) {
        if (map.has(id)) {
          throw new NetworkError(
            { code: "NETWORK_ERROR_BAD_PARTITION", detail: id },
            `peer ${id} is listed in two groups of the partition`,
          );
        }
        map.set(id, index);
      }
    });
    this.groups = map;
  }

  /** Ends the partition: every live peer reaches every other again. */
  heal(): void {
    this.groups = null;
  }

  /** Whether a message from `a` to `b` would get through now (both live, same side of any partition). */
  canReach(a: string, b: string): boolean {
    return this.live.has(a) && this.live.has(b) && this.sameSide(a, b);
  }

  /** Whether no partition separates `a` from `b` (live or not). */
  private sameSide(a: string, b: string): boolean {
    if (this.groups === null) return true;
    return (this.groups.get(a) ?? -1) === (this.groups.get(b) ?? -1);
  }

  /**
   * Crashes a node: its transport stops sending and receiving, its subscriptions go, the messages on their way to it
   * are dropped and its owner's timers are cancelled. Messages it sent before are already on the wire and still
   * arrive. Restart it with `join(peerId)`.
   */
  crash(peerId: string): void {
    if (!this.known.has(peerId)) {
      throw new NetworkError(
        { code: "NETWORK_ERROR_UNKNOWN_PEER", detail: peerId },
        `peer ${peerId} never joined`,
      );
    }
    const transport = this.live.get(peerId);
    this.live.delete(peerId);
    transport?.kill();
    for (const message of this.inFlight.get(peerId) ?? []) this.count(message.from, "dropped");
    this.inFlight.delete(peerId);
    this.scheduler.cancelOwner(peerId);
  }

  /** Totals over every peer. */
  stats(): NetworkStats {
    return { ...this.totals };
  }

  /** One peer's counts (zeros for a peer that never sent nor received). */
  peerStats(peerId: string): PeerStats {
    return { ...(this.perPeer.get(peerId) ?? { sent: 0, delivered: 0, dropped: 0, received: 0 }) };
  }

  private transmit(from: string, to: string, topic: string, data: Uint8Array): void {
    this.count(from, "sent");
    if (!this.canReach(from, to)) {
      this.count(from, "dropped");
      return;
    }
    const link = this.linkOf(from, to);
    const random = this.scheduler.random;
    if (link.lossRate > 0 && random.next() < link.lossRate) {
      this.count(from, "dropped");
      return;
    }
    const delay = link.latencyMs + (link.jitterMs > 0 ? random.intBetween(0, link.jitterMs) : 0);
    const message: InFlight = { from };
    let pending = this.inFlight.get(to);
    if (pending === undefined) {
      pending = new Set();
      this.inFlight.set(to, pending);
    }
    pending.add(message);
    const copy = data.slice(); // the sender may reuse its buffer
    this.scheduler.schedule(delay, () => this.deliver(message, to, topic, copy), to);
  }

  private async deliver(message: InFlight, to: string, topic: string, data: Uint8Array): Promise<void> {
    const pending = this.inFlight.get(to);
    pending?.delete(message);
    if (pending?.size === 0) this.inFlight.delete(to);
    const target = this.live.get(to);
    // The sender need not be live any more: what it sent before crashing was already on the wire.
    if (target === undefined || !this.sameSide(message.from, to) || !target.isSubscribed(topic)) {
      this.count(message.from, "dropped");
      return;
    }
    this.count(message.from, "delivered");
    this.count(to, "received");
    const errors: unknown[] = [];
    for (const sub of target.subscriptionsOf(topic)) {
      if (target.closed) break;
      if (!sub.active) continue;
      try {
        await sub.handler(message.from, data);
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1)
      throw new AggregateError(errors, `${errors.length} handlers of ${topic} on ${to} failed`);
  }

  private count(peerId: string, what: keyof PeerStats): void {
    let stats = this.perPeer.get(peerId);
    if (stats === undefined) {
      stats = { sent: 0, delivered: 0, dropped: 0, received: 0 };
      this.perPeer.set(peerId, stats);
    }
    stats[what]++;
    if (what !== "received") this.totals[what]++;
  }
}
