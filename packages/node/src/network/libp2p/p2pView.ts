import type { Transport } from "../transport.ts";
import type { P2pStats } from "./p2pCounters.ts";
import type { PeerOffence } from "./peerGuard.ts";

/** One connected or misbehaving peer, as the API reports it. */
export interface P2pPeerView {
  peerId: string;
  connected: boolean;
  /** Our misbehaviour score of the peer (0 = never misbehaved; it decays back towards 0). */
  score: number;
  /** Gossipsub's score of the peer (ours is its application-specific part). */
  gossipScore: number;
  banned: boolean;
  offences: Partial<Record<PeerOffence, number>>;
}

/** What the API and metrics read of a real network endpoint. */
export interface P2pView {
  readonly peerId: string;
  /** Listen addresses with `/p2p/<peer id>`. */
  addresses(): string[];
  peerViews(): P2pPeerView[];
  stats(): P2pStats;
}

/** Whether a transport is a real network endpoint (the simulated one is not). */
export function isP2pView(transport: Transport | null): transport is Transport & P2pView {
  return transport !== null && "peerViews" in transport && "addresses" in transport;
}
