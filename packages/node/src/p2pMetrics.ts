import { Counter, Gauge, type Registry } from "prom-client";
import type { NodeMetrics } from "./metrics.ts";
import type { P2pView } from "./network/libp2p/p2pView.ts";

type Series = Array<[labels: Record<string, string>, total: number]>;

/** A counter read from totals kept elsewhere at each scrape (a prom-client counter only moves by increments). */
function totalsCounter(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  read: () => Series,
): void {
  const seen = new Map<string, number>();
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      for (const [labels, total] of read()) {
        const key = JSON.stringify(labels);
        const delta = total - (seen.get(key) ?? 0);
        if (delta > 0) this.inc(labels, delta);
        seen.set(key, total);
      }
    },
  });
}

/**
 * The network endpoint's figures: messages received by topic (a node that does not serve a shard has no series for
 * that shard's topics: it never subscribed to them), published and sent, peers, offences of misbehaving peers, bans.
 */
export function trackP2p(metrics: NodeMetrics, p2p: P2pView): void {
  const { registry } = metrics;
  totalsCounter(
    registry,
    "vshard_p2p_messages_received_total",
    "Messages delivered to this node by topic (chain shard and kind) and by how they came: gossip or direct",
    ["topic", "via"],
    () => p2p.stats().received.map((r) => [{ topic: r.topic, via: r.via }, r.count]),
  );
  totalsCounter(
    registry,
    "vshard_p2p_messages_sent_total",
    "Messages this node published (gossip) or sent to one peer (direct), by topic",
    ["topic", "via"],
    () => {
      const s = p2p.stats();
      return [
        ...s.published.map((r): Series[number] => [{ topic: r.topic, via: "gossip" }, r.count]),
        ...s.sent.map((r): Series[number] => [{ topic: r.topic, via: "direct" }, r.count]),
      ];
    },
  );
  totalsCounter(
    registry,
    "vshard_p2p_offences_total",
    "Misbehaviour of peers seen by this node: malformed, oversized, wrong-topic, bad-signature",
    ["offence"],
    () => Object.entries(p2p.stats().offences).map(([offence, n]) => [{ offence }, n]),
  );
  totalsCounter(
    registry,
    "vshard_p2p_bans_total",
    "Peers disconnected and banned for misbehaving",
    [],
    () => [[{}, p2p.stats().bans]],
  );
  new Gauge({
    name: "vshard_p2p_peers",
    help: "Peers connected now",
    registers: [registry],
    collect() {
      this.set(p2p.stats().peers);
    },
  });
}
