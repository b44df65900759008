import { SeededRandom } from "@vshard/crypto";
import { clusterPeerId } from "@vshard/node";
import { describe, expect, it } from "vitest";
import { expectNoConflictingFinalBlocks, startSimCluster } from "../helpers/simCluster.ts";

/** Seeds per cluster size: the acceptance asks for at least 100 runs of random delays, drops and partitions. */
const SEEDS = 100;
/** Virtual time of one run: long enough for several heights and a partition that comes and goes. */
const RUN_MS = 12_000;

/** Random network conditions and one partition that splits the nodes for a while, drawn from the run's seed. */
function randomNetwork(random: SeededRandom) {
  return {
    latencyMs: random.intBetween(1, 60),
    jitterMs: random.intBetween(0, 40),
    lossRate: random.intBetween(0, 15) / 100,
  };
}

async function runSeed(nodes: number, byzantine: number[], seed: number): Promise<number> {
  // The scenario is drawn from a stream of its own: the whole run stays a function of the seed.
  const draw = new SeededRandom(seed, 1);
  const c = await startSimCluster({
    nodes,
    consensus: { name: "bft", params: { timeoutProposeMs: 400, timeoutVoteMs: 200, timeoutDeltaMs: 200 } },
    faults: Object.fromEntries(byzantine.map((i) => [i, { equivocate: true }])),
    seed,
    network: randomNetwork(draw),
    clients: 2,
  });
  try {
    const ids = Array.from({ length: nodes }, (_, i) => clusterPeerId(i));
    const cut = draw.intBetween(1, nodes - 1);
    const order = ids
      .map((id) => ({ id, key: draw.next() }))
      .sort((a, b) => a.key - b.key)
      .map((e) => e.id);
    const splitAt = draw.intBetween(1_000, 6_000);
    const healAt = splitAt + draw.intBetween(500, 4_000);
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

describe("bft safety: no two different blocks final at one height", () => {
  it(`4 nodes, 1 equivocating as leader and voter, ${SEEDS} seeds of delays, drops and partitions`, async () => {
    let finalized = 0;
    for (let seed = 1; seed <= SEEDS; seed++) finalized += await runSeed(4, [3], seed);
    // Safety is the property; progress over the runs shows the runs did decide blocks.
    expect(finalized).toBeGreaterThan(SEEDS);
  }, 900_000);

  it(`7 nodes, 2 equivocating, ${SEEDS} seeds`, async () => {
    let finalized = 0;
    for (let seed = 1; seed <= SEEDS; seed++) finalized += await runSeed(7, [5, 6], 1_000 + seed);
    expect(finalized).toBeGreaterThan(SEEDS);
  }, 900_000);
});
