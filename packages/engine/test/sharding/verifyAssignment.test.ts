import { bytesEqual, bytesToHex, compareBytes } from "@vshard/crypto";
import { describe, expect, it } from "vitest";
import { assignmentFromJson, assignmentToJson } from "../../src/sharding/assignmentJson.ts";
import { assignCommittees, type CommitteeAssignment } from "../../src/sharding/committeeSelection.ts";
import { epochSeed, epochSeedAlpha, genesisSeed } from "../../src/sharding/epochSeed.ts";
import { MAX_REPORTED_DIFFERENCES, verifyAssignment } from "../../src/sharding/verifyAssignment.ts";
import { flipBit, makeValidators, publishProofs, seedChain, shardGrid } from "./sortitionFixtures.ts";

const EPOCHS = 3;
const validators = makeValidators(50);
const producers = makeValidators(4, "producer");
const registry = validators.map((v) => ({ id: v.id, vrfPublicKey: v.vrfPublicKey }));
const shards = shardGrid(2, 4);
const chain = seedChain(0, producers, EPOCHS);
// What the nodes computed and published (as JSON text, the way the API serves it).
const used = chain.seeds.map((seed, epoch) =>
  assignCommittees({
    seed,
    epoch,
    validators: publishProofs(validators, seed, epoch),
    shards,
    witnessesPerCommittee: 3,
  }),
);
const publishedJson = used.map((a) => JSON.stringify(assignmentToJson(a)));
const published = (epoch: number): CommitteeAssignment =>
  assignmentFromJson(JSON.parse(publishedJson[epoch]));

describe("verifyAssignment: recomputing several epochs from published data alone", () => {
  it("re-derives every seed from the producers' proofs and every assignment from the validators' proofs", () => {
    let seed = genesisSeed(0);
    for (let epoch = 0; epoch < EPOCHS; epoch++) {
      const p = published(epoch);
      // Only public data: the seed chain, the published JSON, the registry of validator keys.
      expect(verifyAssignment(p, { seed, registry })).toEqual({ ok: true, differences: [] });
      expect(p).toEqual(used[epoch]);
      if (epoch + 1 < EPOCHS) seed = epochSeed(seed, chain.published[epoch], epochSeedAlpha(seed, epoch));
    }
  });

  it("accepts the published assignment without expectations too", () => {
    expect(verifyAssignment(published(1)).ok).toBe(true);
  });
});

describe("verifyAssignment: tampering is detected and located", () => {
  it("a tampered proof", () => {
    const p = published(0);
    p.committees[3].members[2].proof = flipBit(p.committees[3].members[2].proof, 500);
    const check = verifyAssignment(p);
    expect(check.ok).toBe(false);
    // The cause comes first, before the seats it shifts.
    expect(check.differences[0]).toMatch(
      /^committees\[3\]\.members\[2\]: validator [0-9a-f]{64} is published as a member, recomputed excluded \(BAD_PROOF\)$/,
    );
  });

  it("two members swapped between committees", () => {
    const p = published(1);
    const a = p.committees[0].members[1];
    p.committees[0].members[1] = p.committees[5].members[4];
    p.committees[5].members[4] = a;
    const check = verifyAssignment(p);
    expect(check.ok).toBe(false);
    expect(check.differences.some((d) => d.startsWith("committees[0].members[1]: published "))).toBe(true);
    expect(check.differences.some((d) => d.startsWith("committees[5].members[4]: published "))).toBe(true);
  });

  it("members reordered inside a committee, a forged output, a forged witness list", () => {
    const reordered = published(2);
    reordered.committees[1].members.reverse();
    expect(verifyAssignment(reordered).differences[0]).toMatch(/^committees\[1\]\.members\[0\]: published /);

    const forgedOutput = published(2);
    forgedOutput.committees[6].members[0].output = flipBit(forgedOutput.committees[6].members[0].output, 7);
    expect(verifyAssignment(forgedOutput).differences).toEqual([
      expect.stringMatching(/^committees\[6\]\.members\[0\]\.output: published /),
    ]);

    const forgedWitness = published(2);
    const c = forgedWitness.committees[4];
    const nonWitness = c.members.find((m) => !c.witnesses.some((w) => w.every((b, i) => b === m.id[i])));
    c.witnesses[0] = nonWitness?.id as Uint8Array;
    expect(verifyAssignment(forgedWitness).differences).toEqual([
      expect.stringMatching(/^committees\[4\]\.witnesses\[0\]: published /),
    ]);
  });

  it("a wrong seed: the proofs no longer verify, and the expected seed differs", () => {
    const p = published(1);
    p.seed = chain.seeds[2];
    const check = verifyAssignment(p, { seed: chain.seeds[1] });
    expect(check.ok).toBe(false);
    expect(check.differences[0]).toMatch(/^seed: published /);
    expect(check.differences.length).toBeLessThanOrEqual(MAX_REPORTED_DIFFERENCES + 1);
    expect(check.differences.at(-1)).toMatch(/^\.\.\. and \d+ more$/);
  });

  it("the right assignment checked against another epoch's seed", () => {
    const check = verifyAssignment(published(1), { seed: chain.seeds[0] });
    expect(check).toEqual({ ok: false, differences: [expect.stringMatching(/^seed: /)] });
  });

  it("a wrong epoch number", () => {
    const p = published(1);
    p.epoch = 2;
    expect(verifyAssignment(p).ok).toBe(false);
  });

  it("an honest validator reported as excluded, or dropped from the list", () => {
    const p = published(0);
    const [victim] = p.committees[2].members.splice(0, 1);
    p.excluded.push({ ...victim, reason: "BAD_PROOF" });
    const check = verifyAssignment(p);
    expect(check.ok).toBe(false);
    expect(check.differences).toContainEqual(
      expect.stringMatching(
        /^excluded\[0\]: validator [0-9a-f]{64} is published excluded \(BAD_PROOF\), recomputed a member$/,
      ),
    );

    // Dropping the last-ranked validator moves no one else: only the proofs a checker collected itself reveal it.
    const dropped = published(0);
    const last = dropped.committees
      .flatMap((c) => c.members)
      .sort((x, y) => compareBytes(y.output, x.output))[0];
    for (const c of dropped.committees) c.members = c.members.filter((m) => m !== last);
    for (const c of dropped.committees) c.witnesses = c.witnesses.filter((w) => !bytesEqual(w, last.id));
    const recomputed = verifyAssignment(dropped);
    const proofs = publishProofs(validators, chain.seeds[0], 0);
    const withProofs = verifyAssignment(dropped, { proofs });
    expect(withProofs.differences[0]).toBe(
      `validator ${bytesToHex(last.id)}: its sortition proof is missing from the assignment`,
    );
    expect(withProofs.ok).toBe(false);
    // At most the witness list of its committee (one witness fewer than recomputed) gives it away.
    expect(recomputed.differences.filter((d) => !/^committees\[\d\]\.witnesses/.test(d))).toEqual([]);
    expect(verifyAssignment(published(0), { proofs }).ok).toBe(true);
  });

  it("a validator that is not registered, or whose VRF key is not the registered one", () => {
    const strangers = makeValidators(1, "stranger");
    const p = published(0);
    const partial = registry.slice(1);
    const check = verifyAssignment(p, { registry: partial });
    expect(check.ok).toBe(false);
    expect(check.differences).toHaveLength(1);
    expect(check.differences[0]).toMatch(
      /^committees\[\d\]\.members\[\d\]: validator [0-9a-f]{64} is not registered$/,
    );

    const rekeyed = registry.map((r, i) => (i === 0 ? { ...r, vrfPublicKey: strangers[0].vrfPublicKey } : r));
    expect(verifyAssignment(p, { registry: rekeyed }).differences).toEqual([
      expect.stringMatching(
        /^committees\[\d\]\.members\[\d\]\.vrfPublicKey: .* is not the registered VRF key /,
      ),
    ]);
  });

  it("malformed published data is a difference, not a crash", () => {
    const p = published(0);
    p.witnessesPerCommittee = 0;
    expect(verifyAssignment(p)).toEqual({
      ok: false,
      differences: [expect.stringMatching(/^witnessesPerCommittee: /)],
    });
    const q = published(0);
    q.committees.push({ ...q.committees[0], members: [], witnesses: [] });
    expect(verifyAssignment(q).differences[0]).toMatch(
      /^committees\[8\]: chain 1\/0 is listed twice \(also committees\[0\]\)/,
    );
  });
});
