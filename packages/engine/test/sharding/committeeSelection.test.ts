import { bytesToHex, compareBytes, ecvrf } from "@vshard/crypto";
import type { ShardRef } from "@vshard/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AssignCommitteesInput,
  assignCommittees,
  type CommitteeAssignment,
  committeeAlpha,
  SortitionError,
  type ValidatorVrfProof,
  witnessScore,
} from "../../src/sharding/committeeSelection.ts";
import { verifyAssignment } from "../../src/sharding/verifyAssignment.ts";
import { flipBit, makeValidators, publishProofs, seedChain, shardGrid } from "./sortitionFixtures.ts";

const EPOCHS = 3;
const validators = makeValidators(50);
const producers = makeValidators(4, "producer");
const shards = shardGrid(2, 4);
const { seeds } = seedChain(0, producers, EPOCHS);
// Proofs are made once per epoch and reused by every test.
const proofs = seeds.map((seed, epoch) => publishProofs(validators, seed, epoch));
const assignments = seeds.map((seed, epoch) =>
  assignCommittees({ seed, epoch, validators: proofs[epoch], shards, witnessesPerCommittee: 4 }),
);

const sizes = (a: CommitteeAssignment) => a.committees.map((c) => c.members.length);
const memberIds = (a: CommitteeAssignment) => a.committees.map((c) => c.members.map((m) => bytesToHex(m.id)));

/** Every pair of validators that share a committee. */
function coMembers(a: CommitteeAssignment): Set<string> {
  const pairs = new Set<string>();
  for (const ids of memberIds(a)) for (const x of ids) for (const y of ids) if (x < y) pairs.add(`${x}:${y}`);
  return pairs;
}

function refusal(fn: () => unknown): SortitionError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SortitionError) return err;
    throw err;
  }
  throw new Error("expected a SortitionError");
}

describe("assignCommittees: 50 validators over 2 chains × 4 shards, several epochs", () => {
  it("balances committee sizes: 50 = 2 × 7 + 6 × 6, largest minus smallest at most 1", () => {
    for (const a of assignments) {
      expect(sizes(a)).toEqual([7, 7, 6, 6, 6, 6, 6, 6]);
      expect(a.excluded).toEqual([]);
    }
  });

  it("lists the committees in (chainId, shard) order", () => {
    expect(assignments[0].committees.map((c) => [c.chainId, c.shard])).toEqual(
      shards.map((s) => [s.chainId, s.shard]),
    );
  });

  it("seats every validator in exactly one committee", () => {
    for (const a of assignments) {
      const seated = memberIds(a).flat();
      expect(seated).toHaveLength(50);
      expect(new Set(seated)).toEqual(new Set(validators.map((v) => bytesToHex(v.id))));
    }
  });

  it("gives each member its proof and the output that proof yields, in global rank order", () => {
    for (const [epoch, a] of assignments.entries()) {
      const alpha = committeeAlpha(seeds[epoch], epoch);
      const all = a.committees.flatMap((c) => c.members);
      for (const m of all) expect(ecvrf.verify(m.vrfPublicKey, m.proof, alpha)).toEqual(m.output);
      // Dealt round-robin: rank r sits in committee r mod 8, at position floor(r / 8).
      const ranked = [...all].sort((x, y) => compareBytes(x.output, y.output));
      for (const [r, m] of ranked.entries()) expect(a.committees[r % 8].members[Math.floor(r / 8)]).toBe(m);
    }
  });

  it("draws the witnesses from the committee: the members with the lowest witness scores", () => {
    for (const a of assignments) {
      for (const c of a.committees) {
        expect(c.witnesses).toHaveLength(4);
        const ids = new Set(c.members.map((m) => bytesToHex(m.id)));
        for (const w of c.witnesses) expect(ids.has(bytesToHex(w))).toBe(true);
        const byScore = [...c.members].sort((x, y) =>
          compareBytes(witnessScore(x.output, c), witnessScore(y.output, c)),
        );
        expect(c.witnesses).toEqual(byScore.slice(0, 4).map((m) => m.id));
      }
    }
  });

  it("makes every member a witness when the committee is smaller than witnessesPerCommittee", () => {
    const a = assignCommittees({
      seed: seeds[0],
      epoch: 0,
      validators: proofs[0],
      shards,
      witnessesPerCommittee: 50,
    });
    for (const c of a.committees) expect(c.witnesses).toHaveLength(c.members.length);
  });

  it("re-draws the committees every epoch", () => {
    for (let e = 1; e < EPOCHS; e++) {
      expect(memberIds(assignments[e])).not.toEqual(memberIds(assignments[e - 1]));
      // Not a relabelling of the same groups either: most pairs that shared a committee no longer do.
      const before = coMembers(assignments[e - 1]);
      const kept = [...coMembers(assignments[e])].filter((pair) => before.has(pair));
      expect(kept.length).toBeLessThan(before.size / 2);
    }
  });

  it("does not depend on the order of the validators or of the shards", () => {
    const shuffled: AssignCommitteesInput = {
      seed: seeds[1],
      epoch: 1,
      validators: [...proofs[1]].reverse(),
      shards: [...shards].sort((x, y) => y.shard - x.shard || x.chainId - y.chainId),
      witnessesPerCommittee: 4,
    };
    expect(assignCommittees(shuffled)).toEqual(assignments[1]);
  });

  it("leaves every committee empty when nobody published a proof", () => {
    const a = assignCommittees({
      seed: seeds[0],
      epoch: 0,
      validators: [],
      shards,
      witnessesPerCommittee: 3,
    });
    expect(a.committees.every((c) => c.members.length === 0 && c.witnesses.length === 0)).toBe(true);
  });
});

describe("assignCommittees: fewer validators than shards", () => {
  const few = makeValidators(3, "few");
  const many = shardGrid(2, 4);
  const a = assignCommittees({
    seed: seeds[0],
    epoch: 0,
    validators: publishProofs(few, seeds[0], 0),
    shards: many,
    witnessesPerCommittee: 4,
  });

  it("still seats one member in every shard, dealing the ranking again from the top", () => {
    expect(sizes(a)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    const ranked = [...a.committees.slice(0, 3).map((c) => c.members[0])];
    expect(
      ranked.map((m) => m.output).every((o, i) => i === 0 || compareBytes(ranked[i - 1].output, o) < 0),
    ).toBe(true);
    // Shard k gets rank k mod 3: each validator sits in two or three committees.
    for (const [k, c] of a.committees.entries()) expect(c.members[0]).toBe(ranked[k % 3]);
  });

  it("is recomputed from the published data like any other assignment", () => {
    const check = verifyAssignment(a);
    expect(check.differences).toEqual([]);
    expect(check.ok).toBe(true);
  });

  it("seats nobody when no validator has a valid proof", () => {
    const none = assignCommittees({
      seed: seeds[0],
      epoch: 0,
      validators: [],
      shards: many,
      witnessesPerCommittee: 4,
    });
    expect(sizes(none)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe("assignCommittees: validators without a valid proof are excluded and reported", () => {
  const seed = seeds[0];
  const good = proofs[0].slice(0, 20);
  const stale = { ...proofs[1][20] }; // proved over epoch 1's seed and epoch
  const flipped = { ...proofs[0][21], proof: flipBit(proofs[0][21].proof, 100) };
  const stolen = { ...proofs[0][22], proof: proofs[0][0].proof }; // another validator's proof
  const shortId = { ...proofs[0][23], id: proofs[0][23].id.subarray(1) };
  const twinId = { ...proofs[0][24], id: proofs[0][1].id }; // claims validator 1's id with its own valid proof
  const copiedKey = { ...proofs[0][2], id: proofs[0][25].id }; // copies validator 2's VRF key and proof
  const a = assignCommittees({
    seed,
    epoch: 0,
    validators: [...good, stale, flipped, stolen, shortId, twinId, copiedKey],
    shards,
    witnessesPerCommittee: 2,
  });
  const excludedAs = (reason: string) =>
    a.excluded
      .filter((e) => e.reason === reason)
      .map((e) => bytesToHex(e.id))
      .sort();

  it("excludes bad proofs, malformed ids and duplicated ids or VRF keys, without throwing", () => {
    expect(excludedAs("BAD_PROOF")).toEqual([stale, flipped, stolen].map((v) => bytesToHex(v.id)).sort());
    expect(excludedAs("BAD_ID")).toEqual([bytesToHex(shortId.id)]);
    // Both claimants of a duplicated id or VRF key are left out: which one is "real" is the registry's business.
    expect(excludedAs("DUPLICATE_ID")).toEqual([bytesToHex(proofs[0][1].id), bytesToHex(proofs[0][1].id)]);
    expect(excludedAs("DUPLICATE_VRF_KEY")).toEqual(
      [proofs[0][2].id, proofs[0][25].id].map(bytesToHex).sort(),
    );
    expect(a.excluded).toHaveLength(8);
    const sorted = [...a.excluded].sort((x, y) => compareBytes(x.id, y.id));
    expect(a.excluded.map((e) => bytesToHex(e.id))).toEqual(sorted.map((e) => bytesToHex(e.id)));
  });

  it("deals the others, still balanced", () => {
    const seated = memberIds(a).flat();
    expect(seated).toHaveLength(20 - 2);
    expect(Math.max(...sizes(a)) - Math.min(...sizes(a))).toBeLessThanOrEqual(1);
    for (const e of a.excluded) expect(seated).not.toContain(bytesToHex(e.id));
  });
});

describe("assignCommittees: malformed input throws SortitionError naming the path", () => {
  const base: AssignCommitteesInput = {
    seed: seeds[0],
    epoch: 0,
    validators: proofs[0].slice(0, 3),
    shards,
    witnessesPerCommittee: 2,
  };
  const cases: Array<[string, Partial<AssignCommitteesInput>, string]> = [
    ["a short seed", { seed: seeds[0].subarray(2) }, "seed"],
    ["a negative epoch", { epoch: -1 }, "epoch"],
    ["a fractional epoch", { epoch: 1.5 }, "epoch"],
    ["no shard", { shards: [] }, "shards"],
    ["a shard listed twice", { shards: [...shards, { chainId: 2, shard: 1 }] }, "shards[8]"],
    ["a shard id out of range", { shards: [{ chainId: 1, shard: 70_000 }] }, "shards[0].shard"],
    ["a negative chain id", { shards: [{ chainId: -3, shard: 0 }] }, "shards[0].chainId"],
    ["zero witnesses", { witnessesPerCommittee: 0 }, "witnessesPerCommittee"],
    [
      "a proof that is not bytes",
      { validators: [{ ...proofs[0][0], proof: "00" as unknown as Uint8Array }] },
      "validators[0].proof",
    ],
  ];
  for (const [what, change, path] of cases) {
    it(`refuses ${what} (${path})`, () => {
      const err = refusal(() => assignCommittees({ ...base, ...change }));
      expect(err.code).toBe("SORTITION_ERROR_BAD_INPUT");
      expect(err.type.path).toBe(path);
      expect(err.message.startsWith(`${path}: `)).toBe(true);
    });
  }
});

describe("assignCommittees: properties", () => {
  // One pool of proofs for one epoch, reused by every run: the property is about dealing, not about the VRF.
  const pool: ValidatorVrfProof[] = proofs[2].slice(0, 36);

  it("keeps sizes within 1, seats everyone (once when there are enough) and picks min(w, size) witnesses", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: pool.length }),
        fc.uniqueArray(
          fc.record({ chainId: fc.integer({ min: 0, max: 3 }), shard: fc.integer({ min: 0, max: 5 }) }),
          {
            minLength: 1,
            maxLength: 12,
            selector: (s) => `${s.chainId}/${s.shard}`,
          },
        ),
        fc.integer({ min: 1, max: 6 }),
        (count, refs: ShardRef[], w) => {
          const a = assignCommittees({
            seed: seeds[2],
            epoch: 2,
            validators: pool.slice(0, count),
            shards: refs,
            witnessesPerCommittee: w,
          });
          const s = sizes(a);
          expect(s).toHaveLength(refs.length);
          expect(Math.max(...s) - Math.min(...s)).toBeLessThanOrEqual(1);
          // One seat per validator, or one per shard when validators are fewer (then dealt again from the top).
          expect(s.reduce((x, y) => x + y, 0)).toBe(count === 0 ? 0 : Math.max(count, refs.length));
          expect(new Set(memberIds(a).flat()).size).toBe(count);
          for (const c of a.committees) expect(c.witnesses).toHaveLength(Math.min(w, c.members.length));
        },
      ),
      { numRuns: 30 },
    );
  });
});
