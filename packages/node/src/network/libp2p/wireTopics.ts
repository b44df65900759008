/**
 * How a node's transport topics travel over libp2p. Topics a node publishes (txs, consensus messages, sync status)
 * are gossipsub topics, one per (chain, shard, message kind), namespaced by the network so that two networks never
 * mix; messages sent to one peer (block-sync requests and answers, peer RPC: receipts, DLFS objects, headers) go over
 * request/response stream protocols, one per kind.
 */

/** Transport topics only ever sent to one peer: a node does not join a gossip mesh for them. */
const DIRECT_ONLY = [/^rpc\//, /\/sync\/request$/, /\/sync\/blocks$/];

/** Whether `topic` is sent peer to peer only (never published). */
export function isDirectOnly(topic: string): boolean {
  return DIRECT_ONLY.some((re) => re.test(topic));
}

/** Gossipsub topic of a transport topic on network `networkId`. */
export function gossipTopicOf(networkId: string, topic: string): string {
  return `/vshard/${networkId}/${topic}`;
}

/** The transport topic of a gossipsub topic of network `networkId`, or null if it is not one of that network's. */
export function transportTopicOf(networkId: string, gossipTopic: string): string | null {
  const prefix = `/vshard/${networkId}/`;
  return gossipTopic.startsWith(prefix) && gossipTopic.length > prefix.length
    ? gossipTopic.slice(prefix.length)
    : null;
}

/** The stream protocols a node serves: block sync, peer RPC (receipts, DLFS objects, headers), other direct messages. */
export type DirectProtocolKind = "sync" | "rpc" | "direct";

/** Which protocol carries a message sent on `topic`. */
export function directKindOf(topic: string): DirectProtocolKind {
  if (topic.startsWith("rpc/")) return "rpc";
  if (/\/sync\/[a-z]+$/.test(topic)) return "sync";
  return "direct";
}

/** The libp2p protocol id of a direct-message kind on network `networkId`. */
export function directProtocolOf(networkId: string, kind: DirectProtocolKind): string {
  return `/vshard/${networkId}/${kind}/1.0.0`;
}

/** Every direct protocol of a network, with its kind. */
export function directProtocols(networkId: string): Array<{ kind: DirectProtocolKind; protocol: string }> {
  return (["sync", "rpc", "direct"] as const).map((kind) => ({
    kind,
    protocol: directProtocolOf(networkId, kind),
  }));
}
