import type { ChannelHandler, ConsensusChannel, PeerFault } from "@vshard/engine";

/**
 * What a handler found wrong with a message, when it was the sender's fault: the message is not relayed and the
 * sender's score drops (libp2p). Handlers return nothing for messages that are fine or merely useless (a tx already
 * known, a vote for an old round).
 */
export type MessageVerdict = PeerFault;

/**
 * Called with each message of a topic. It returns the promise of all the work it starts (the simulator awaits it
 * before the next event) and never waits for a network reply: replies are separate messages.
 */
export type MessageHandler = ChannelHandler;

/**
 * A node's view of the network, by topic: the simulated network implements it now, libp2p later. Delivery is
 * unreliable and unordered; a node never receives its own publications.
 */
export interface Transport {
  /** This node's peer id. */
  readonly peerId: string;
  /** Delivers to every other reachable peer subscribed to `topic`. */
  publish(topic: string, data: Uint8Array): void;
  /** Delivers to one peer (dropped if unreachable). */
  send(peer: string, topic: string, data: Uint8Array): void;
  /** Returns the unsubscribe function. */
  subscribe(topic: string, handler: MessageHandler): () => void;
  /** Peers currently reachable. */
  peers(): string[];
  /** Leaves the network: nothing more is sent or delivered (a real network's sockets are closed when it resolves). */
  close(): void | Promise<void>;
}

/** A consensus plugin's channel over a transport: message kind `k` travels on topic `${topicPrefix}/${k}`. */
export function consensusChannelOf(transport: Transport, topicPrefix: string): ConsensusChannel {
  const topic = (kind: string) => `${topicPrefix}/${kind}`;
  return {
    publish: (kind, data) => transport.publish(topic(kind), data),
    send: (peer, kind, data) => transport.send(peer, topic(kind), data),
    subscribe: (kind, handler) => transport.subscribe(topic(kind), handler),
  };
}
