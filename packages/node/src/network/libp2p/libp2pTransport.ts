import "./polyfill.ts";
import { setMaxListeners } from "node:events";
import { type GossipsubMessage, TopicValidatorResult } from "@libp2p/gossipsub";
import type { Stream } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { concatBytes, type Ed25519KeyPair } from "@vshard/crypto";
import type { Logger } from "@vshard/engine";
import type { Subscription } from "../simTransport.ts";
import type { MessageHandler, MessageVerdict, Transport } from "../transport.ts";
import { decodeDirectFrame, encodeDirectFrame } from "./directFrame.ts";
import {
  type BootstrapPeer,
  createLibp2pNode,
  type GossipSubControl,
  type Libp2pNode,
  parseBootstrap,
} from "./libp2pNode.ts";
import { P2pCounters, type P2pStats } from "./p2pCounters.ts";
import type { P2pPeerView, P2pView } from "./p2pView.ts";
import { defaultPeerGuardOptions, PeerGuard, type PeerGuardOptions, type PeerOffence } from "./peerGuard.ts";
import { SendLimiter } from "./sendLimiter.ts";
import {
  directKindOf,
  directProtocolOf,
  directProtocols,
  gossipTopicOf,
  isDirectOnly,
  transportTopicOf,
} from "./wireTopics.ts";

/** Options of a node's libp2p endpoint. */
export interface P2pOptions {
  /** libp2p listen multiaddrs, e.g. `/ip4/127.0.0.1/tcp/7800`. */
  listen: string[];
  /** Full multiaddrs (`…/p2p/<peerId>`) of peers dialled at start and re-dialled while disconnected. */
  bootstrap: string[];
  /** Largest gossip message or direct message accepted; a bigger one lowers the sender's score. */
  maxMessageBytes?: number;
  /** Namespace of gossip topics and protocols: the network's id (two networks never exchange messages). */
  networkId: string;
  /** When a misbehaving peer is disconnected and for how long it is banned. */
  guard?: Partial<PeerGuardOptions>;
}

/** 4 MiB: a block of several thousand transfers, with room; a gossip RPC may carry twice that (several messages). */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** How often bootstrap peers that are not connected are dialled again (a restarted or reconnected peer rejoins). */
const REDIAL_MS = 2_000;

/** Open streams allowed per direct protocol and connection, each way (libp2p's default is 64 out, 32 in). */
const STREAMS_PER_PROTOCOL = 256;

/** Direct messages in flight to one peer (under the stream limit), and how many more may wait for a slot. */
const SEND_LIMITS = { maxInFlight: 128, maxQueued: 10_000 };

/** A direct message that cannot reach its peer in this time is dropped (delivery is unreliable anyway). */
const SEND_TIMEOUT_MS = 5_000;

/**
 * The `Transport` of a node in its own process: libp2p over TCP with noise encryption and yamux, identify, gossipsub
 * with one topic per (chain, shard, message kind) for what is published, and request/response stream protocols for
 * what is sent to one peer. Gossip is validated before it is relayed (the handlers' verdicts); malformed, oversized,
 * wrongly addressed or badly signed messages lower the sender's score, and a peer whose score falls too low is
 * disconnected and banned. The peer id derives from the node's own ed25519 key.
 */
export class Libp2pTransport implements Transport, P2pView {
  readonly peerId: string;
  private readonly subs = new Map<string, Subscription[]>();
  private readonly counters = new P2pCounters();
  private readonly sends = new SendLimiter(SEND_LIMITS);
  private readonly pubsub: GossipSubControl;
  private readonly maxBytes: number;
  private redial: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  private bootstrapPeers: string[] = [];

  private constructor(
    private readonly node: Libp2pNode,
    private readonly opts: P2pOptions,
    private readonly guard: PeerGuard,
    private readonly logger: Logger,
  ) {
    this.peerId = node.peerId.toString();
    this.pubsub = node.services.pubsub as GossipSubControl;
    this.maxBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** Starts listening, joins gossip and dials the bootstrap peers (without waiting for them). */
  static async create(
    opts: P2pOptions,
    modules: { keys: Ed25519KeyPair; logger: Logger },
  ): Promise<Libp2pTransport> {
    const guard = new PeerGuard({ ...defaultPeerGuardOptions, ...opts.guard });
    const maxBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    const bootstrap = parseBootstrap(opts.bootstrap);
    const node = await createLibp2pNode(opts, { keys: modules.keys, guard, maxBytes });
    const transport = new Libp2pTransport(node, opts, guard, modules.logger.child({ module: "p2p" }));
    transport.wire(bootstrap);
    return transport;
  }

  /** Listen addresses with `/p2p/<peer id>`. */
  addresses(): string[] {
    return this.node.getMultiaddrs().map((a) => a.toString());
  }

  publish(topic: string, data: Uint8Array): void {
    if (this.closing) return;
    this.counters.published(topic);
    this.pubsub.publish(gossipTopicOf(this.opts.networkId, topic), data).catch((err) => {
      this.logger.debug({ topic, err }, "gossip publish failed");
    });
  }

  send(peer: string, topic: string, data: Uint8Array): void {
    if (this.closing || peer === this.peerId) return;
    this.sends
      .run(peer, () => this.sendDirect(peer, topic, data))
      .then((sent) => {
        if (!sent)
          this.logger.debug({ peer, topic }, "direct message dropped: too many queued for that peer");
      })
      .catch((err) => {
        this.logger.debug({ peer, topic, err: (err as Error).message }, "direct message not delivered");
      });
  }

  subscribe(topic: string, handler: MessageHandler): () => void {
    if (this.closing) return () => {};
    const sub: Subscription = { handler, active: true };
    const list = this.subs.get(topic) ?? [];
    if (list.length === 0 && !isDirectOnly(topic))
      this.pubsub.subscribe(gossipTopicOf(this.opts.networkId, topic));
    this.subs.set(topic, [...list, sub]);
    return () => {
      if (!sub.active) return;
      sub.active = false;
      const rest = (this.subs.get(topic) ?? []).filter((s) => s !== sub);
      if (rest.length > 0) {
        this.subs.set(topic, rest);
        return;
      }
      this.subs.delete(topic);
      if (!isDirectOnly(topic) && !this.closing)
        this.pubsub.unsubscribe(gossipTopicOf(this.opts.networkId, topic));
    };
  }

  peers(): string[] {
    return this.closing ? [] : this.node.getPeers().map((p) => p.toString());
  }

  /** Stops dialling, closes every connection and the listeners. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.redial) clearInterval(this.redial);
      for (const list of this.subs.values()) for (const s of list) s.active = false;
      this.subs.clear();
      await this.node.stop();
    })();
    return this.closing;
  }

  /** Message counts by topic, offences and bans since start (metrics read these). */
  stats(): P2pStats {
    return this.counters.snapshot(this.peers().length, this.guard.totalsSoFar());
  }

  /** Connected peers and every peer that misbehaved, with their scores. */
  peerViews(): P2pPeerView[] {
    const connected = new Set(this.peers());
    const standings = new Map(this.guard.standings().map((s) => [s.peerId, s]));
    const ids = new Set([...connected, ...standings.keys()]);
    return [...ids].map((peerId) => {
      const s = standings.get(peerId);
      return {
        peerId,
        connected: connected.has(peerId),
        score: s?.score ?? 0,
        gossipScore: this.pubsub.getScore(peerId),
        banned: s?.banned ?? false,
        offences: s?.offences ?? {},
      };
    });
  }

  /** Lowers a peer's score for something it sent; bans and disconnects it when the score falls too low. */
  penalise(peer: string, offence: PeerOffence): void {
    const { score, banned } = this.guard.penalise(peer, offence);
    this.logger.warn({ peer, offence, score }, "peer misbehaved");
    if (!banned) return;
    this.logger.warn({ peer, score }, "peer disconnected and banned");
    void this.node.hangUp(peerIdFromString(peer)).catch(() => undefined);
  }

  /**
   * Resolves, with how many are connected, once every bootstrap peer is connected or `timeoutMs` has passed. A chain
   * node waits for this before producing: blocks produced before it hears its peers fork the chain.
   */
  async bootstrapped(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    const connectedCount = () => {
      const connected = new Set(this.peers());
      return this.bootstrapPeers.filter((p) => connected.has(p)).length;
    };
    while (connectedCount() < this.bootstrapPeers.length && Date.now() < deadline && !this.closing)
      await new Promise((r) => setTimeout(r, 100));
    return connectedCount();
  }

  private wire(bootstrap: BootstrapPeer[]): void {
    this.bootstrapPeers = bootstrap.map((b) => b.peer).filter((p) => p !== this.peerId);
    this.pubsub.addEventListener("gossipsub:message", (e) => void this.onGossip(e.detail));
    for (const { kind, protocol } of directProtocols(this.opts.networkId)) {
      void this.node
        .handle(
          protocol,
          (stream, connection) => this.onDirect(kind, stream, connection.remotePeer.toString()),
          {
            maxInboundStreams: STREAMS_PER_PROTOCOL,
            maxOutboundStreams: STREAMS_PER_PROTOCOL,
          },
        )
        .catch((err) => this.logger.error({ err, protocol }, "cannot serve protocol"));
    }
    const dialMissing = () => {
      const connected = new Set(this.peers());
      for (const { addr, peer } of bootstrap) {
        if (connected.has(peer) || peer === this.peerId || this.guard.isBanned(peer)) continue;
        this.node
          .dial(addr)
          .catch((err) => this.logger.debug({ peer, err: (err as Error).message }, "dial failed"));
      }
    };
    dialMissing();
    this.redial = setInterval(dialMissing, REDIAL_MS);
    this.redial.unref();
  }

  private async onGossip({ msg, msgId, propagationSource }: GossipsubMessage): Promise<void> {
    const source = propagationSource.toString();
    const report = (result: TopicValidatorResult) => {
      if (!this.closing) this.pubsub.reportMessageValidationResult(msgId, source, result);
    };
    const topic = transportTopicOf(this.opts.networkId, msg.topic);
    // Unsubscribed a moment ago: nobody's fault.
    if (topic !== null && !this.subs.has(topic)) return report(TopicValidatorResult.Ignore);
    // Gossip is signed by its author (StrictSign): the author answers for what it wrote, not a peer relaying it
    // (honest relays pass on only what they accepted, yet they cannot check everything, e.g. votes for future heights).
    const author = msg.type === "signed" ? msg.from.toString() : source;
    const offence: MessageVerdict | undefined =
      topic === null
        ? "wrong-topic"
        : msg.data.length > this.maxBytes
          ? "oversized"
          : await this.deliver(topic, author, msg.data, "gossip");
    if (offence === undefined) return report(TopicValidatorResult.Accept);
    report(TopicValidatorResult.Reject);
    this.penalise(author, offence);
  }

  private async onDirect(kind: string, stream: Stream, from: string): Promise<void> {
    const parts: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of stream) {
        const bytes = chunk.subarray();
        size += bytes.length;
        if (size > this.maxBytes + 2 + 256) {
          stream.abort(new Error("message too large"));
          return this.penalise(from, "oversized");
        }
        parts.push(bytes);
      }
    } catch (err) {
      this.logger.debug({ from, err: (err as Error).message }, "direct stream failed");
      return;
    }
    // The sender closed its side: close ours, or the stream stays half-open and counts against the sender's limit of
    // outbound streams per protocol and connection (64), after which its sends to this node fail.
    void stream.close().catch(() => undefined);
    // An empty stream is a sender that went away before writing (a node shutting down): nobody's fault.
    if (size === 0) return;
    let frame: { topic: string; data: Uint8Array };
    try {
      frame = decodeDirectFrame(parts.length === 1 ? parts[0] : concatBytes(...parts));
    } catch {
      return this.penalise(from, "malformed");
    }
    // A topic this node does not serve (yet: a restarting node starts its shards one by one) is nobody's fault; a
    // topic that this protocol never carries is.
    if (directKindOf(frame.topic) !== kind) return this.penalise(from, "wrong-topic");
    if (!this.subs.has(frame.topic)) return;
    const offence = await this.deliver(frame.topic, from, frame.data, "direct");
    if (offence !== undefined) this.penalise(from, offence);
  }

  /** Runs every handler of `topic`; the first offence any of them found, if one did. */
  private async deliver(
    topic: string,
    from: string,
    data: Uint8Array,
    via: "gossip" | "direct",
  ): Promise<MessageVerdict | undefined> {
    this.counters.received(topic, via);
    const verdicts = await Promise.all(
      (this.subs.get(topic) ?? []).map(async (s) => {
        if (!s.active) return undefined;
        try {
          return (await s.handler(from, data)) ?? undefined;
        } catch (err) {
          this.logger.warn({ topic, from, err }, "message handler failed");
          return undefined;
        }
      }),
    );
    return verdicts.find((v) => v !== undefined);
  }

  private async sendDirect(peer: string, topic: string, data: Uint8Array): Promise<void> {
    const protocol = directProtocolOf(this.opts.networkId, directKindOf(topic));
    const signal = AbortSignal.timeout(SEND_TIMEOUT_MS);
    // libp2p's dial adds a listener per step on this one signal: more than Node's default warning threshold of 10.
    setMaxListeners(64, signal);
    const stream = await this.node.dialProtocol(peerIdFromString(peer), protocol, { signal });
    if (!stream.send(encodeDirectFrame(topic, data))) await stream.onDrain({ signal });
    await stream.close({ signal });
    this.counters.sent(topic);
  }
}

/** Starts a node's libp2p endpoint (see {@link Libp2pTransport}). */
export function createLibp2pTransport(
  opts: P2pOptions,
  modules: { keys: Ed25519KeyPair; logger: Logger },
): Promise<Libp2pTransport> {
  return Libp2pTransport.create(opts, modules);
}
