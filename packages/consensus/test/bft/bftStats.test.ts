import { describe, expect, it } from "vitest";
import { decodeBftCertificate } from "../../src/bft/certificate.ts";
import { type BftNode, createCluster, stopAll } from "./bftCluster.ts";

/** Σ of the certificate rounds of heights 1..top: the rounds that failed before each decision. */
async function failedRounds(node: BftNode, top: number): Promise<number> {
  let sum = 0;
  for (let h = 1; h <= top; h++) {
    const block = await node.chain.getBlock(h);
    sum += decodeBftCertificate(block!.header.certificate).round;
  }
  return sum;
}

describe("bft status and counters", () => {
  it("with every member up: no view change, one round per height, a proposal per turn, two votes per round", async () => {
    const { clock, nodes } = await createCluster({ members: 4, followers: 1 });
    for (const n of nodes) await n.plugin.start();
    const initial = nodes[0].plugin.status();
    expect(initial).toMatchObject({ plugin: "bft", height: 1, round: 0, lockedRound: -1, validRound: -1 });
    expect(initial.counters).toEqual({
      roundsStarted: 0,
      viewChanges: 0,
      proposalsSent: 0,
      votesSent: 0,
      evidence: 0,
    });
    expect(await clock.runUntil(() => nodes.every((n) => n.chain.finalizedHeight() >= 8), 30_000)).toBe(true);
    await stopAll(nodes.map((n) => n.plugin));
    for (const n of nodes.slice(0, 4)) {
      const s = n.plugin.status();
      const decided = n.chain.head().height;
      expect(s.height).toBe(decided + 1);
      expect(s.counters.viewChanges).toBe(0);
      // Every decided height ran round 0 only; the height in progress has started its round 0 or not yet.
      const live = s.step === "new-height" ? 0 : 1;
      expect(s.counters.roundsStarted).toBe(decided + live);
      // Leaders rotate over 4 members: this one proposed at the heights h with h % 4 equal to its index.
      const index = Number(n.id.slice(1));
      const turns = Array.from({ length: decided }, (_, h) => h + 1).filter((h) => h % 4 === index).length;
      expect(s.counters.proposalsSent).toBeGreaterThanOrEqual(turns);
      expect(s.counters.proposalsSent).toBeLessThanOrEqual(turns + 1);
      // A prevote and a precommit per decided height (votes of the height in progress on top).
      expect(s.counters.votesSent).toBeGreaterThanOrEqual(2 * decided);
      expect(s.counters.votesSent).toBeLessThanOrEqual(2 * (decided + live));
      expect(s.counters.evidence).toBe(0);
    }
    // A follower counts rounds but signs nothing.
    const follower = nodes[4].plugin.status().counters;
    expect(follower.roundsStarted).toBeGreaterThanOrEqual(8);
    expect([follower.proposalsSent, follower.votesSent]).toEqual([0, 0]);
  });

  it("counts a view change for each round a silent leader makes the committee wait out", async () => {
    const { clock, bus, nodes } = await createCluster({ members: 4 });
    bus.setDown("n1"); // proposer of heights 1 and 5 in round 0
    for (const n of nodes) await n.plugin.start();
    const live = [nodes[0], nodes[2], nodes[3]];
    const seen: number[] = [];
    expect(
      await clock.runUntil(() => {
        seen.push(nodes[0].plugin.status().round);
        return live.every((n) => n.chain.finalizedHeight() >= 5);
      }, 60_000),
    ).toBe(true);
    await stopAll(nodes.map((n) => n.plugin));
    expect(Math.max(...seen)).toBe(1);
    for (const n of live) {
      const s = n.plugin.status();
      const decided = n.chain.head().height;
      const failed = await failedRounds(n, decided);
      expect(failed).toBeGreaterThanOrEqual(2); // heights 1 and 5
      expect(s.counters.viewChanges).toBe(failed + s.round);
      const started = s.step === "new-height" ? 0 : s.round + 1;
      expect(s.counters.roundsStarted).toBe(decided + failed + started);
    }
  });

  it("counts a vote once however often it is sent again while the height is stuck", async () => {
    // Two of four members: no quorum, so n0 prevotes nil after the propose timeout and waits, resending its prevote.
    const { clock, bus, nodes } = await createCluster({ members: 4 });
    bus.setDown("n1");
    bus.setDown("n2");
    for (const n of nodes) await n.plugin.start();
    await clock.advance(20_000);
    const s = nodes[0].plugin.status();
    await stopAll(nodes.map((n) => n.plugin));
    expect(s).toMatchObject({ height: 1, round: 0, step: "prevote" });
    expect(s.counters).toMatchObject({ roundsStarted: 1, viewChanges: 0, proposalsSent: 0, votesSent: 1 });
    expect(bus.delivered).toBeGreaterThan(10); // the prevote went out again and again
  });

  it("counts the equivocations it records as evidence", async () => {
    const { clock, nodes } = await createCluster({
      members: 4,
      params: (i) => (i === 3 ? { faults: { equivocate: true } } : {}),
    });
    for (const n of nodes) await n.plugin.start();
    const honest = nodes.slice(0, 3);
    expect(
      await clock.runUntil(
        () => honest.every((n) => n.chain.finalizedHeight() >= 4 && n.plugin.evidence().length > 0),
        60_000,
      ),
    ).toBe(true);
    await stopAll(nodes.map((n) => n.plugin));
    for (const n of honest) expect(n.plugin.status().counters.evidence).toBe(n.plugin.evidence().length);
    // The equivocator signed two proposals in its turn (height 3), and every vote twice.
    const bad = nodes[3].plugin.status().counters;
    expect(bad.proposalsSent).toBeGreaterThanOrEqual(2);
    expect(bad.votesSent % 2).toBe(0);
    expect(bad.votesSent).toBeGreaterThan(0);
  });
});
