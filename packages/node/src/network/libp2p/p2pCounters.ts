import type { PeerOffence } from "./peerGuard.ts";

/** What a libp2p transport has carried since it started, by transport topic. */
export interface P2pStats {
  /** Messages delivered to this node's handlers, by topic and by how they came (gossip or a direct stream). */
  received: Array<{ topic: string; via: "gossip" | "direct"; count: number }>;
  /** Messages this node published (gossip) or sent (direct), by topic. */
  published: Array<{ topic: string; count: number }>;
  sent: Array<{ topic: string; count: number }>;
  /** Connected peers now. */
  peers: number;
  offences: Record<PeerOffence, number>;
  bans: number;
}

/** Message counters of a transport (plain numbers: the node's metrics read them when scraped). */
export class P2pCounters {
  private readonly inbound = new Map<string, number>();
  private readonly outGossip = new Map<string, number>();
  private readonly outDirect = new Map<string, number>();

  received(topic: string, via: "gossip" | "direct"): void {
    bump(this.inbound, `${via} ${topic}`);
  }

  published(topic: string): void {
    bump(this.outGossip, topic);
  }

  sent(topic: string): void {
    bump(this.outDirect, topic);
  }

  snapshot(peers: number, guard: { offences: Record<PeerOffence, number>; bans: number }): P2pStats {
    return {
      received: [...this.inbound].map(([key, count]) => {
        const space = key.indexOf(" ");
        return { via: key.slice(0, space) as "gossip" | "direct", topic: key.slice(space + 1), count };
      }),
      published: [...this.outGossip].map(([topic, count]) => ({ topic, count })),
      sent: [...this.outDirect].map(([topic, count]) => ({ topic, count })),
      peers,
      offences: guard.offences,
      bans: guard.bans,
    };
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
