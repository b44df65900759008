import { SeededRandom } from "@vshard/crypto";
import { clusterPeerId } from "@vshard/node";
import { expectNoConflictingFinalBlocks, startSimCluster } from "./simCluster.ts";

/** Seeds per cluster size: the acceptance asks for at least 100 runs of random delays, drops and partitions. */
export const SAFETY_SEEDS = 100;
/** Virtual time of one run: several heights, and a partition that comes and goes. */
const RUN_MS = 6_000;

/**
 * One seeded run of a bft cluster whose `byzantine` members equivocate as leader and as voter, on a network with random
 * latency, jitter and loss and one random partition that heals; throws if two honest nodes hold different final
 * blocks at one height. Returns the highest final height among honest nodes.
 */
export async function runBftSafetySeed(nodes: number, byzantine: number[], seed: number): Promise<number> {
  // The scenario is drawn from a stream of its own: the whole run stays a function of the seed.
  const draw = new SeededRandom(seed, 1);
  const c = await startSimCluster({
    nodes,
    consensus: { name: "bft", params: { timeoutProposeMs: 400, timeoutVoteMs: 200, timeoutDeltaMs: 200 } },
    faults: Object.fromEntries(byzantine.map((i) => [i, { equivocate: true }])),
    seed,
    network: {
      latencyMs: draw.intBetween(1, 60),
      jitterMs: draw.intBetween(0, 40),
      lossRate: draw.intBetween(0, 15) / 100,
    },
    clients: 2,
  });
  try {
    const ids = Array.from({ length: nodes }, (_, i) => clusterPeerId(i));
    const cut = draw.intBetween(1, nodes - 1);
    const order = ids
      .map((id) => ({ id, key: draw.next() }))
      .sort((a, b) => a.key - b.key)
      .map((e) => e.id);
    const splitAt = draw.intBetween(500, 3_000);
    const healAt = splitAt + draw.intBetween(300, 2_000);
    c.sim.schedule(splitAt, () => c.cluster.network.partition([order.slice(0, cut), order.slice(cut)]));
    c.sim.schedule(healAt, () => c.cluster.network.heal());
    await c.sim.runFor(RUN_MS, { tolerateErrors: true });
    const honest = c.cluster.running().filter(({ index }) => !byzantine.includes(index));
    await expectNoConflictingFinalBlocks(honest.map((r) => r.node));
    return Math.max(...honest.map((r) => r.node.chain.finalizedHeight()));
  } finally {
    await c.close();
  }
}
