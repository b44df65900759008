import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  defaultPeerGuardOptions,
  OFFENCE_PENALTY,
  PEER_OFFENCES,
  PeerGuard,
  type PeerOffence,
} from "../../src/network/libp2p/peerGuard.ts";

/** A guard on a clock the test moves by hand. */
function guardAt(opts = defaultPeerGuardOptions) {
  const clock = { now: 1_000_000 };
  const guard = new PeerGuard(opts, () => clock.now);
  return { guard, clock };
}

describe("PeerGuard", () => {
  it("knows every offence and weighs each one", () => {
    expect([...PEER_OFFENCES].sort()).toEqual(Object.keys(OFFENCE_PENALTY).sort());
    for (const o of PEER_OFFENCES) expect(OFFENCE_PENALTY[o]).toBeGreaterThan(0);
  });

  it("scores 0 a peer that never misbehaved, and lists no standing for it", () => {
    const { guard } = guardAt();
    expect(guard.score("a")).toBe(0);
    expect(guard.isBanned("a")).toBe(false);
    expect(guard.standings()).toEqual([]);
    expect(guard.totalsSoFar()).toEqual({
      offences: { malformed: 0, oversized: 0, "wrong-topic": 0, "bad-signature": 0 },
      bans: 0,
    });
  });

  it("lowers the score by each offence's penalty and counts offences by kind", () => {
    const { guard } = guardAt();
    expect(guard.penalise("a", "malformed")).toEqual({ score: -OFFENCE_PENALTY.malformed, banned: false });
    const second = guard.penalise("a", "wrong-topic");
    expect(second.score).toBe(-OFFENCE_PENALTY.malformed - OFFENCE_PENALTY["wrong-topic"]);
    expect(guard.score("a")).toBe(second.score);
    expect(guard.standings()).toEqual([
      { peerId: "a", score: second.score, offences: { malformed: 1, "wrong-topic": 1 }, banned: false },
    ]);
  });

  it("forgives over time: a penalty halves every half-life", () => {
    const { guard, clock } = guardAt({ ...defaultPeerGuardOptions, halfLifeMs: 10_000 });
    guard.penalise("a", "oversized");
    clock.now += 10_000;
    expect(guard.score("a")).toBeCloseTo(-OFFENCE_PENALTY.oversized / 2, 9);
    clock.now += 20_000;
    expect(guard.score("a")).toBeCloseTo(-OFFENCE_PENALTY.oversized / 8, 9);
    // A new offence adds to what is left, not to the original penalty.
    const { score } = guard.penalise("a", "malformed");
    expect(score).toBeCloseTo(-OFFENCE_PENALTY.oversized / 8 - OFFENCE_PENALTY.malformed, 9);
    // Reading the score does not decay it twice.
    expect(guard.score("a")).toBeCloseTo(score, 9);
    expect(guard.score("a")).toBeCloseTo(score, 9);
  });

  it("bans at the threshold, once, and counts the ban", () => {
    const { guard } = guardAt();
    const steps = Math.ceil(-defaultPeerGuardOptions.disconnectAt / OFFENCE_PENALTY.malformed);
    for (let i = 1; i < steps; i++) expect(guard.penalise("a", "malformed").banned).toBe(false);
    expect(guard.isBanned("a")).toBe(false);
    const last = guard.penalise("a", "malformed");
    expect(last.banned).toBe(true);
    expect(last.score).toBeLessThanOrEqual(defaultPeerGuardOptions.disconnectAt);
    expect(guard.isBanned("a")).toBe(true);
    // More offences while banned do not ban again (the peer is already disconnected).
    expect(guard.penalise("a", "bad-signature").banned).toBe(false);
    expect(guard.totalsSoFar().bans).toBe(1);
    expect(guard.totalsSoFar().offences).toMatchObject({ malformed: steps, "bad-signature": 1 });
    expect(guard.isBanned("b")).toBe(false);
  });

  it("lifts a ban after banMs, and bans again a peer that misbehaves again", () => {
    const opts = { disconnectAt: -50, banMs: 60_000, halfLifeMs: 1_000_000 };
    const { guard, clock } = guardAt(opts);
    guard.penalise("a", "bad-signature");
    expect(guard.penalise("a", "bad-signature").banned).toBe(true);
    clock.now += opts.banMs - 1;
    expect(guard.isBanned("a")).toBe(true);
    clock.now += 1;
    expect(guard.isBanned("a")).toBe(false);
    expect(guard.standings()[0].banned).toBe(false);
    // Its score (barely decayed with this long half-life) is still under the threshold: one more offence re-bans.
    const again = guard.penalise("a", "malformed");
    expect(again.banned).toBe(true);
    expect(guard.totalsSoFar().bans).toBe(2);
  });

  it("lists standings worst first, with copies of the offence counts", () => {
    const { guard } = guardAt();
    guard.penalise("mild", "malformed");
    guard.penalise("worst", "bad-signature");
    guard.penalise("worst", "oversized");
    guard.penalise("middle", "oversized");
    const standings = guard.standings();
    expect(standings.map((s) => s.peerId)).toEqual(["worst", "middle", "mild"]);
    expect(standings[0]).toMatchObject({ score: -50, banned: true });
    standings[0].offences.malformed = 99;
    expect(guard.standings()[0].offences).toEqual({ "bad-signature": 1, oversized: 1 });
  });

  it("keeps every score in [-(sum of penalties), 0] and totals equal to the offences (property)", () => {
    const event = fc.record({
      peer: fc.constantFrom("a", "b", "c"),
      offence: fc.constantFrom(...PEER_OFFENCES),
      waitMs: fc.integer({ min: 0, max: 120_000 }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        const { guard, clock } = guardAt();
        const lost = new Map<string, number>();
        const seen: Record<PeerOffence, number> = {
          malformed: 0,
          oversized: 0,
          "wrong-topic": 0,
          "bad-signature": 0,
        };
        let bans = 0;
        for (const e of events) {
          clock.now += e.waitMs;
          if (guard.penalise(e.peer, e.offence).banned) bans++;
          lost.set(e.peer, (lost.get(e.peer) ?? 0) + OFFENCE_PENALTY[e.offence]);
          seen[e.offence]++;
        }
        for (const peer of ["a", "b", "c"]) {
          const score = guard.score(peer);
          expect(score).toBeLessThanOrEqual(0);
          expect(score).toBeGreaterThanOrEqual(-(lost.get(peer) ?? 0) - 1e-9);
        }
        expect(guard.totalsSoFar()).toEqual({ offences: seen, bans });
        const scores = guard.standings().map((s) => s.score);
        expect(scores).toEqual([...scores].sort((x, y) => x - y));
      }),
    );
  });
});
