import { describe, expect, it } from "vitest";
import {
  assignmentFromJson,
  assignmentToJson,
  type CommitteeAssignmentJson,
} from "../../src/sharding/assignmentJson.ts";
import { assignCommittees, SortitionError } from "../../src/sharding/committeeSelection.ts";
import { genesisSeed } from "../../src/sharding/epochSeed.ts";
import { flipBit, makeValidators, publishProofs, shardGrid } from "./sortitionFixtures.ts";

const seed = genesisSeed(3);
const proofs = publishProofs(makeValidators(9), seed, 0);
const assignment = assignCommittees({
  seed,
  epoch: 0,
  // One bad proof, so that `excluded` is not empty.
  validators: [...proofs.slice(0, 8), { ...proofs[8], proof: flipBit(proofs[8].proof, 9) }],
  shards: shardGrid(1, 3),
  witnessesPerCommittee: 2,
});
const json = assignmentToJson(assignment);

function refusal(value: unknown): SortitionError {
  try {
    assignmentFromJson(value);
  } catch (err) {
    if (err instanceof SortitionError) return err;
    throw err;
  }
  throw new Error("expected a SortitionError");
}

/** A deep copy of the JSON form with one change. */
function edited(change: (j: CommitteeAssignmentJson) => void): unknown {
  const copy = structuredClone(json);
  change(copy);
  return copy;
}

describe("assignmentToJson / assignmentFromJson", () => {
  it("round-trips through JSON text, bytes as lower-case hex", () => {
    expect(assignment.excluded).toHaveLength(1);
    expect(json.seed).toMatch(/^[0-9a-f]{64}$/);
    expect(json.committees[0].members[0].proof).toMatch(/^[0-9a-f]{160}$/);
    expect(json.excluded[0].reason).toBe("BAD_PROOF");
    expect(assignmentFromJson(JSON.parse(JSON.stringify(json)))).toEqual(assignment);
  });

  it("ignores unknown fields", () => {
    expect(assignmentFromJson({ ...json, note: "extra" })).toEqual(assignment);
  });

  const cases: Array<[string, unknown, string]> = [
    ["not an object", [], "assignment"],
    ["a missing seed", edited((j) => delete (j as Partial<CommitteeAssignmentJson>).seed), "assignment.seed"],
    ["a short seed", edited((j) => (j.seed = j.seed.slice(2))), "assignment.seed"],
    ["an upper-case seed", edited((j) => (j.seed = j.seed.toUpperCase())), "assignment.seed"],
    ["a prefixed seed", edited((j) => (j.seed = `0x${j.seed.slice(2)}`)), "assignment.seed"],
    ["a negative epoch", edited((j) => (j.epoch = -1)), "assignment.epoch"],
    ["an epoch as text", edited((j) => ((j as { epoch: unknown }).epoch = "1")), "assignment.epoch"],
    ["zero witnesses", edited((j) => (j.witnessesPerCommittee = 0)), "assignment.witnessesPerCommittee"],
    [
      "committees not a list",
      edited((j) => ((j as { committees: unknown }).committees = {})),
      "assignment.committees",
    ],
    [
      "a chain id out of range",
      edited((j) => (j.committees[1].chainId = 2 ** 32)),
      "assignment.committees[1].chainId",
    ],
    ["a fractional shard", edited((j) => (j.committees[2].shard = 0.5)), "assignment.committees[2].shard"],
    [
      "a member that is not an object",
      edited((j) => ((j.committees[0].members as unknown[])[1] = null)),
      "assignment.committees[0].members[1]",
    ],
    [
      "a short proof",
      edited((j) => (j.committees[1].members[0].proof = j.committees[1].members[0].proof.slice(0, 158))),
      "assignment.committees[1].members[0].proof",
    ],
    [
      "a missing output",
      edited((j) => delete (j.committees[0].members[2] as Partial<{ output: string }>).output),
      "assignment.committees[0].members[2].output",
    ],
    [
      "a VRF key with a non-hex character",
      edited(
        (j) =>
          (j.committees[2].members[0].vrfPublicKey = `zz${j.committees[2].members[0].vrfPublicKey.slice(2)}`),
      ),
      "assignment.committees[2].members[0].vrfPublicKey",
    ],
    [
      "a witness id too long",
      edited((j) => (j.committees[0].witnesses[1] += "00")),
      "assignment.committees[0].witnesses[1]",
    ],
    [
      "an unknown exclusion reason",
      edited((j) => ((j.excluded[0] as { reason: string }).reason = "LATE")),
      "assignment.excluded[0].reason",
    ],
    [
      "an excluded id that is not text",
      edited((j) => ((j.excluded[0] as { id: unknown }).id = 5)),
      "assignment.excluded[0].id",
    ],
  ];
  for (const [what, value, path] of cases) {
    it(`refuses ${what} at ${path}`, () => {
      const err = refusal(value);
      expect(err.code).toBe("SORTITION_ERROR_BAD_JSON");
      expect(err.type.path).toBe(path);
      expect(err.message.startsWith(`${path}: `)).toBe(true);
    });
  }

  it("accepts an excluded validator's malformed fields at any length: being malformed is why it was excluded", () => {
    const parsed = assignmentFromJson(edited((j) => (j.excluded[0].proof = "abcd")));
    expect(parsed.excluded[0].proof).toEqual(new Uint8Array([0xab, 0xcd]));
  });
});
