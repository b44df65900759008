import type { ConsensusStatus } from "@vshard/engine";
import { createNodeMetrics } from "@vshard/node";
import { describe, expect, it } from "vitest";
import { testGenesis, useTestNode } from "../helpers/testNetwork.ts";

interface ConsensusBody {
  plugin: string;
  finalizedHeight: number;
  status: { plugin: string; height: number; round?: number; counters: Record<string, number> };
}

describe("consensus status over the API and in the metrics", () => {
  const { json, authority } = testGenesis({ accounts: 1, balance: 1_000n });
  const t = useTestNode("consensus-api", json, authority);

  /** Resolves once the node has finalised block `height`. */
  function finalized(height: number): Promise<void> {
    return new Promise((resolve) => {
      if (t.node.chain.finalizedHeight() >= height) return resolve();
      const stop = t.node.chain.subscribe((e) => {
        if (e.type === "finalized" && e.height >= height) {
          stop();
          resolve();
        }
      });
    });
  }

  it("GET /v1/consensus carries the plugin's status: the height being decided and its counters", async () => {
    await finalized(2);
    const body = (await (await fetch(`${t.url}/v1/consensus`)).json()) as ConsensusBody;
    expect(body.plugin).toBe("solo");
    expect(body.status.plugin).toBe("solo");
    expect(body.status.round).toBeUndefined();
    expect(body.status.height).toBeGreaterThan(body.finalizedHeight);
    expect(body.finalizedHeight).toBeGreaterThanOrEqual(2);
    // The counter moves with the blocks (the one being committed may not be counted yet).
    const produced = body.status.counters.blocksProduced;
    expect(produced).toBeGreaterThanOrEqual(body.status.height - 2);
    expect(produced).toBeLessThanOrEqual(body.status.height - 1);
  });

  it("/metrics has the height being decided and the counters, read at each scrape", async () => {
    const read = async () => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      const height = /^vshard_consensus_height\{chain="1\/0"\} (\d+)$/m.exec(text);
      const produced = /^vshard_consensus_events_total\{chain="1\/0",event="blocksProduced"\} (\d+)$/m.exec(
        text,
      );
      expect(height, text).not.toBeNull();
      expect(produced, text).not.toBeNull();
      expect(text).toContain("# TYPE vshard_consensus_events_total counter");
      // Solo has no rounds: the round gauge has no series.
      expect(text).not.toMatch(/^vshard_consensus_round\{/m);
      return { height: Number(height![1]), produced: Number(produced![1]) };
    };
    const first = await read();
    expect(first.height).toBeGreaterThanOrEqual(2);
    await finalized(first.height + 1);
    const second = await read();
    expect(second.height).toBeGreaterThan(first.height);
    expect(second.produced).toBeGreaterThan(first.produced);
  });

  it("the OpenAPI document describes the status in the route's summary", async () => {
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as {
      paths: Record<string, { get?: { summary: string } }>;
    };
    expect(doc.paths["/v1/consensus"].get?.summary).toMatch(/status/);
  });
});

describe("consensus metrics", () => {
  it("follow a round-based plugin's round and turn its totals into counters", async () => {
    const metrics = createNodeMetrics();
    let status: ConsensusStatus = {
      plugin: "bft",
      height: 7,
      round: 2,
      counters: { viewChanges: 3, votesSent: 0 },
    };
    metrics.trackConsensus("1/0", () => status);
    const scrape = () => metrics.registry.metrics();
    let text = await scrape();
    expect(text).toMatch(/^vshard_consensus_height\{chain="1\/0"\} 7$/m);
    expect(text).toMatch(/^vshard_consensus_round\{chain="1\/0"\} 2$/m);
    expect(text).toMatch(/^vshard_consensus_events_total\{chain="1\/0",event="viewChanges"\} 3$/m);
    // A counter still at 0 is shown.
    expect(text).toMatch(/^vshard_consensus_events_total\{chain="1\/0",event="votesSent"\} 0$/m);
    status = { ...status, height: 8, round: 0, counters: { viewChanges: 5, votesSent: 2 } };
    text = await scrape();
    expect(text).toMatch(/^vshard_consensus_round\{chain="1\/0"\} 0$/m);
    expect(text).toMatch(/^vshard_consensus_events_total\{chain="1\/0",event="viewChanges"\} 5$/m);
    expect(text).toMatch(/^vshard_consensus_events_total\{chain="1\/0",event="votesSent"\} 2$/m);
    // Scraping again does not count twice.
    text = await scrape();
    expect(text).toMatch(/^vshard_consensus_events_total\{chain="1\/0",event="viewChanges"\} 5$/m);
  });
});
