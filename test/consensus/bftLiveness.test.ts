import { type BftConsensus, decodeBftCertificate, defaultBftOptions } from "@vshard/consensus";
import { clusterPeerId } from "@vshard/node";
import { afterEach, describe, expect, it } from "vitest";
import { expectNoConflictingFinalBlocks, type SimCluster, startSimCluster } from "../helpers/simCluster.ts";

/**
 * Views (rounds) after the heal within which a block must be decided. After a partition every node sits in some round
 * r ≤ R (the highest); rebroadcasts let the others see f+1 messages of round R and skip to it, so round R or R+1
 * decides once the links are back. 3 leaves room for one round whose leader's proposal was lost at the heal.
 */
const MAX_VIEWS_AFTER_HEAL = 3;

describe("bft liveness after a partition heals", () => {
  let c: SimCluster | null = null;
  afterEach(async () => {
    await c?.close();
    c = null;
  });

  it.each([
    { nodes: 4, split: 2 },
    { nodes: 7, split: 3 },
  ])(
    `$nodes nodes split $split / rest: no finality while split, finality within ${MAX_VIEWS_AFTER_HEAL} views after the heal`,
    async ({ nodes, split }) => {
      c = await startSimCluster({ nodes, consensus: { name: "bft", params: {} }, seed: 40 + nodes });
      const all = () => c!.cluster.running().map((r) => r.node);
      expect(await c.runUntilFinal(3, 60_000)).toBe(true);
      const ids = Array.from({ length: nodes }, (_, i) => clusterPeerId(i));
      c.cluster.network.partition([ids.slice(0, split), ids.slice(split)]);
      await c.sim.runFor(500);
      const before = Math.max(...all().map((n) => n.chain.finalizedHeight()));
      // Long enough for timeouts to grow to their cap on both sides.
      await c.sim.runFor(30_000);
      expect(Math.max(...all().map((n) => n.chain.finalizedHeight()))).toBe(before);
      const rounds = all().map((n) => (n.consensus as BftConsensus).status().round);
      // Without a quorum of prevotes or precommits a Tendermint round cannot end: both sides wait where they are.
      const highest = Math.max(...rounds);
      c.cluster.network.heal();
      // Each view lasts at most the capped timeouts of its three steps.
      const viewMs = 3 * defaultBftOptions.maxTimeoutMs;
      expect(
        await c.sim.runUntilCondition(
          () => all().every((n) => n.chain.finalizedHeight() > before),
          MAX_VIEWS_AFTER_HEAL * viewMs,
        ),
      ).toBe(true);
      const decided = await all()[0].chain.getBlock(before + 1);
      const { round } = decodeBftCertificate(decided!.header.certificate);
      expect(round).toBeLessThanOrEqual(highest + MAX_VIEWS_AFTER_HEAL);
      await expectNoConflictingFinalBlocks(all());
    },
  );
});
