import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { committeeLines } from "../../src/cli/committeesList.ts";
import { type CommitteesVerifyInput, verifyEpochCommittees } from "../../src/cli/committeesVerify.ts";
import { lines, vshard } from "./cliRunner.ts";
import { publishedEpochs } from "./committeesFixtures.ts";
import { FakeApi, fakeState } from "./fakeApi.ts";

/** Epoch n's verify input as an honest node publishes it. */
function input(n: number): CommitteesVerifyInput {
  const { seeds, committees } = publishedEpochs();
  return {
    committees: committees.get(n) as CommitteesVerifyInput["committees"],
    epoch: seeds.get(n) as CommitteesVerifyInput["epoch"],
    previous: seeds.get(n - 1) ?? null,
    mainChainId: 0,
  };
}

describe("verifyEpochCommittees", () => {
  it("accepts an honest epoch: the genesis seed for epoch 0, the seed recomputed from the proofs after", () => {
    expect(verifyEpochCommittees(input(0))).toEqual({
      ok: true,
      lines: [
        "OK: epoch 0's committees recompute locally (2 committees, 7 members, 1 excluded); seed the genesis seed " +
          "of main chain 0",
      ],
    });
    expect(verifyEpochCommittees(input(1))).toEqual({
      ok: true,
      lines: [
        "OK: epoch 1's committees recompute locally (2 committees, 7 members, 1 excluded); seed recomputed from " +
          "epoch 0's seed and 3 producer proofs",
      ],
    });
  });

  it("reports a swapped witness, a reordered seat and a wrong member output by path", () => {
    const swapped = input(1);
    const [first] = swapped.committees.assignment?.committees ?? [];
    const outsider = first.members.find((m) => !first.witnesses.includes(m.id));
    first.witnesses[1] = outsider?.id as string;
    const report = verifyEpochCommittees(swapped);
    expect(report.ok).toBe(false);
    expect(report.lines[0]).toBe("DIFFERENCES in epoch 1's committees (1):");
    expect(report.lines[1]).toMatch(
      /^ {2}committees\[0\]\.witnesses\[1\]: published [0-9a-f]{64}, recomputed /,
    );

    const reordered = input(1);
    const members = reordered.committees.assignment?.committees[1].members ?? [];
    [members[0], members[1]] = [members[1], members[0]];
    expect(verifyEpochCommittees(reordered).lines.slice(1, 3)).toEqual([
      expect.stringMatching(/^ {2}committees\[1\]\.members\[0\]: published/),
      expect.stringMatching(/^ {2}committees\[1\]\.members\[1\]: published/),
    ]);

    const wrongOutput = input(1);
    const member = wrongOutput.committees.assignment?.committees[0].members[0];
    if (member) member.output = "ab".repeat(64);
    expect(verifyEpochCommittees(wrongOutput).lines[1]).toMatch(
      /^ {2}committees\[0\]\.members\[0\]\.output: published (ab){64}, recomputed [0-9a-f]{128}$/,
    );
  });

  it("checks the seed: against the genesis seed, against the proofs, and each proof's published validity", () => {
    const genesis = input(0);
    genesis.mainChainId = 7;
    expect(verifyEpochCommittees(genesis).lines[1]).toMatch(
      /^ {2}seed: published [0-9a-f]{64}, genesis seed /,
    );

    const lying = input(1);
    const contributions = lying.epoch.contributions ?? [];
    contributions[2].valid = false;
    const report = verifyEpochCommittees(lying);
    expect(report.ok).toBe(false);
    expect(report.lines[1]).toBe(
      `  contributions[2]: proof of validator ${contributions[2].validator} is published invalid, checks valid`,
    );

    const forged = input(1);
    forged.epoch.contributions = forged.epoch.contributions?.slice(0, 2);
    const forgedReport = verifyEpochCommittees(forged);
    expect(forgedReport.lines[1]).toMatch(/^ {2}seed: published [0-9a-f]{64}, recomputed [0-9a-f]{64}$/);
  });

  it("takes a fallback seed or a seed without proofs as published, and reports malformed data", () => {
    const fallback = input(1);
    for (const c of fallback.epoch.contributions ?? []) {
      c.proof = c.proof.replace(/^../, c.proof.startsWith("00") ? "01" : "00");
      c.valid = false;
    }
    fallback.epoch.fallback = true;
    const verdict = verifyEpochCommittees(fallback);
    expect(verdict.lines.at(-1)).toContain(
      "seed as published (fallback: no valid seed proof, not recomputed)",
    );

    const bare = input(1);
    bare.epoch.contributions = undefined;
    expect(verifyEpochCommittees(bare).lines[0]).toContain(
      "seed as published (no seed proofs to check it with)",
    );

    const malformed = input(1);
    if (malformed.committees.assignment) malformed.committees.assignment.seed = "zz";
    expect(verifyEpochCommittees(malformed).lines.slice(1)).toEqual([
      "  assignment.seed: expected lower-case hex of whole bytes, no prefix",
    ]);

    const empty = input(1);
    empty.committees.assignment = null;
    expect(verifyEpochCommittees(empty).lines[0]).toContain("(no shard to draw for)");
  });
});

describe("vshard committees", () => {
  let honest: FakeApi;
  let tampered: FakeApi;

  beforeAll(async () => {
    const state = { ...fakeState(), ...publishedEpochs() };
    state.epochs = { epoch: 1, epochBlocks: 40, phase: "seed", committedHeight: 45 };
    const bad = { ...fakeState(), ...publishedEpochs() };
    const assignment = bad.committees.get(1)?.assignment;
    if (assignment) assignment.witnessesPerCommittee = 1;
    [honest, tampered] = await Promise.all([FakeApi.start(state), FakeApi.start(bad)]);
  });
  afterAll(() => Promise.all([honest.close(), tampered.close()]));

  it("lists the current epoch's committees by default: shortened keys, witnesses marked", async () => {
    const run = await vshard(["committees", "--api", honest.url]);
    expect(run.stderr).toBe("");
    const json = publishedEpochs().committees.get(1);
    if (!json) throw new Error("no epoch 1");
    expect(lines(run)).toEqual(committeeLines(json));
    expect(lines(run)[0]).toMatch(
      /^epoch 1: fixed at main height 39, seed [0-9a-f]{12}…; 2 committees, 2 witnesses each \(marked \*\)$/,
    );
    expect(lines(run)[1]).toBe("chain 1 shard 0: 4 members, 2 witnesses");
    expect(lines(run)[2]).toMatch(/^ {2}([0-9a-f]{12}…[* ] ){3}[0-9a-f]{12}…\*?$/);
    expect(lines(run)[2].split("*")).toHaveLength(3);
    expect(lines(run).at(-1)).toMatch(/^excluded: [0-9a-f]{12}… \(BAD_PROOF\)$/);
  });

  it("--verify prints OK (exit 0) or the differences (exit 1); an unfixed epoch is an error", async () => {
    const [ok, bad, unfixed, zero] = await Promise.all([
      vshard(["committees", "list", "--epoch", "1", "--verify", "--api", honest.url]),
      vshard(["committees", "--epoch", "1", "--verify", "--api", tampered.url]),
      vshard(["committees", "--epoch", "5", "--api", honest.url]),
      vshard(["committees", "--epoch", "0", "--verify", "--api", honest.url]),
    ]);
    expect(ok.code).toBe(0);
    expect(lines(ok).at(-1)).toMatch(
      /^OK: epoch 1's committees recompute locally .*seed recomputed from epoch 0's/,
    );
    expect(bad.code).toBe(1);
    expect(lines(bad).slice(-5)).toEqual([
      "DIFFERENCES in epoch 1's committees (4):",
      "  committees[0].witnesses: 2 published, 1 recomputed",
      expect.stringMatching(
        /^ {2}committees\[0\]\.witnesses\[1\]: published [0-9a-f]{64}, recomputed \(none\)$/,
      ),
      "  committees[1].witnesses: 2 published, 1 recomputed",
      expect.stringMatching(
        /^ {2}committees\[1\]\.witnesses\[1\]: published [0-9a-f]{64}, recomputed \(none\)$/,
      ),
    ]);
    expect(unfixed.code).toBe(1);
    expect(unfixed.stderr).toContain(
      "vshard: EPOCH_NOT_FIXED: the committee assignment of epoch 5 is not fixed yet",
    );
    expect(zero.code).toBe(0);
    expect(lines(zero).at(-1)).toContain("seed the genesis seed of main chain 0");
  });

  it("documents list as the default beside bound", async () => {
    const help = await vshard(["committees", "--help"]);
    expect(help.stdout).toMatch(/list \[options\] +\(default\) each shard's committee of an epoch/);
    expect(help.stdout).toMatch(/bound \[options\]/);
  });
});
