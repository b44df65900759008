import { SeededRandom } from "@vshard/crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cidOfBytes } from "../../src/dlfs/cid.ts";
import { placeReplicas, rendezvousOrder } from "../../src/dlfs/rendezvous.ts";

const cidArb = fc.uint8Array({ maxLength: 64 }).map(cidOfBytes);
/** 1..12 distinct node ids. */
const membersArb = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), {
  minLength: 1,
  maxLength: 12,
});

/** `members` in an order drawn from `seed` (Fisher–Yates). */
function shuffled(members: readonly string[], seed: number): string[] {
  const rng = new SeededRandom(seed);
  const out = [...members];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.nextUint32() % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe("rendezvousOrder", () => {
  it("is a deterministic permutation of the members", () => {
    fc.assert(
      fc.property(cidArb, membersArb, (cid, members) => {
        const order = rendezvousOrder(cid, members);
        expect([...order].sort()).toEqual([...members].sort());
        expect(rendezvousOrder(Uint8Array.from(cid), [...members])).toEqual(order);
      }),
    );
  });

  it("does not depend on the order of the member list", () => {
    fc.assert(
      fc.property(cidArb, membersArb, fc.nat(), (cid, members, seed) => {
        expect(rendezvousOrder(cid, shuffled(members, seed))).toEqual(rendezvousOrder(cid, members));
      }),
    );
  });

  it("gives different objects different orders", () => {
    const members = ["a", "b", "c", "d", "e"];
    const firsts = new Set<string>();
    for (let i = 0; i < 50; i++) firsts.add(rendezvousOrder(cidOfBytes(Uint8Array.of(i)), members)[0]);
    expect(firsts.size).toBe(members.length);
  });

  it("counts a repeated member id once", () => {
    fc.assert(
      fc.property(
        cidArb,
        membersArb,
        fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
        (cid, members, dups) => {
          const repeated = [...members, ...dups.map((d) => members[d % members.length])];
          expect(rendezvousOrder(cid, repeated)).toEqual(rendezvousOrder(cid, members));
        },
      ),
    );
    const cid = cidOfBytes(Uint8Array.of(1));
    expect(rendezvousOrder(cid, ["a", "a", "a"])).toEqual(["a"]);
  });

  it("handles no members and one member", () => {
    const cid = cidOfBytes(Uint8Array.of(1));
    expect(rendezvousOrder(cid, [])).toEqual([]);
    expect(rendezvousOrder(cid, ["only"])).toEqual(["only"]);
  });
});

describe("placeReplicas", () => {
  it("returns min(r, n) distinct members, the head of the rendezvous order", () => {
    fc.assert(
      fc.property(cidArb, membersArb, fc.integer({ min: 0, max: 15 }), (cid, members, r) => {
        const placed = placeReplicas(cid, members, r);
        expect(placed).toHaveLength(Math.min(r, members.length));
        expect(new Set(placed).size).toBe(placed.length);
        for (const id of placed) expect(members).toContain(id);
        expect(placed).toEqual(rendezvousOrder(cid, members).slice(0, r));
      }),
    );
  });

  it("places an object on each distinct member once, whatever the repeats in the list", () => {
    fc.assert(
      fc.property(
        cidArb,
        membersArb,
        fc.array(fc.nat(), { minLength: 1, maxLength: 24 }),
        fc.integer({ min: 0, max: 15 }),
        (cid, members, dups, r) => {
          const repeated = [...dups.map((d) => members[d % members.length]), ...members];
          const placed = placeReplicas(cid, repeated, r);
          expect(new Set(placed).size).toBe(placed.length);
          expect(placed).toHaveLength(Math.min(r, members.length));
          expect(placed).toEqual(placeReplicas(cid, members, r));
        },
      ),
    );
    const cid = cidOfBytes(Uint8Array.of(2));
    expect(placeReplicas(cid, ["a", "b", "a", "b", "a"], 3).sort()).toEqual(["a", "b"]);
  });

  it("moves only the objects a removed member held, each to one new node", () => {
    fc.assert(
      fc.property(
        fc.array(cidArb, { minLength: 1, maxLength: 30 }),
        membersArb.filter((m) => m.length >= 2),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(),
        (cids, members, r, which) => {
          const removed = members[which % members.length];
          const rest = members.filter((m) => m !== removed);
          for (const cid of cids) {
            const before = placeReplicas(cid, members, r);
            const after = placeReplicas(cid, rest, r);
            if (!before.includes(removed)) {
              expect(after).toEqual(before);
              continue;
            }
            const stayed = before.filter((m) => m !== removed);
            expect(after.slice(0, stayed.length)).toEqual(stayed);
            const added = after.filter((m) => !before.includes(m));
            expect(added).toHaveLength(rest.length >= r ? 1 : 0);
            expect(after).toHaveLength(Math.min(r, rest.length));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("spreads the load: 10,000 objects over 5 nodes with r = 3 give each node 50%..70%", () => {
    const members = ["node-0", "node-1", "node-2", "node-3", "node-4"];
    const held = new Map(members.map((m) => [m, 0]));
    const rng = new SeededRandom(42);
    const content = new Uint8Array(16);
    const view = new DataView(content.buffer);
    const objects = 10_000;
    for (let i = 0; i < objects; i++) {
      for (let j = 0; j < 16; j += 4) view.setUint32(j, rng.nextUint32());
      for (const m of placeReplicas(cidOfBytes(content), members, 3)) held.set(m, (held.get(m) ?? 0) + 1);
    }
    for (const [, count] of held) {
      expect(count / objects).toBeGreaterThanOrEqual(0.5);
      expect(count / objects).toBeLessThanOrEqual(0.7);
    }
    expect([...held.values()].reduce((a, b) => a + b, 0)).toBe(3 * objects);
  });
});
