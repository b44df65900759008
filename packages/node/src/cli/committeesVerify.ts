import { bytesEqual, bytesToHex, ecvrf, hexToBytes } from "@vshard/crypto";
import {
  assignmentFromJson,
  type CommitteeAssignment,
  EpochSeedError,
  epochSeed,
  epochSeedAlpha,
  genesisSeed,
  type ProducerVrfOutput,
  SortitionError,
  verifyAssignment,
} from "@vshard/engine";
import type { EpochCommitteesJson, EpochJson } from "../client/apiClient.ts";

/** What `vshard committees --verify` fetched of epoch n. */
export interface CommitteesVerifyInput {
  /** `GET /v1/epochs/:n/committees`. */
  committees: EpochCommitteesJson;
  /** `GET /v1/epochs/:n`: the seed and the proofs that made it. */
  epoch: EpochJson;
  /** `GET /v1/epochs/:n-1` (null for epoch 0): the seed the proofs were made over. */
  previous: EpochJson | null;
  /** The main chain's id: epoch 0's seed is derived from it. */
  mainChainId: number;
}

/** The verdict: `ok` when nothing differs; `lines` is what the CLI prints (OK or each difference). */
export interface CommitteesVerifyReport {
  ok: boolean;
  lines: string[];
}

/** What the seed check found: the seed to hold the assignment to, how it was established, and any difference. */
interface SeedCheck {
  seed: Uint8Array | null;
  how: string;
  differences: string[];
}

const HEX32 = /^[0-9a-f]{64}$/;

function seedOf(json: EpochJson, what: string, differences: string[]): Uint8Array | null {
  if (typeof json.seed === "string" && HEX32.test(json.seed)) return hexToBytes(json.seed);
  differences.push(`${what}.seed: expected 32 bytes of lower-case hex, got ${JSON.stringify(json.seed)}`);
  return null;
}

/**
 * Checks epoch n's published seed: epoch 0's against `genesisSeed(mainChainId)`; a later one by verifying each
 * published seed proof against epoch n-1's seed (its `valid` flag included) and recomputing `epochSeed` from the valid
 * ones. The fallback seed (no valid proof) is taken as published.
 */
function checkSeed(input: CommitteesVerifyInput): SeedCheck {
  const differences: string[] = [];
  const n = input.committees.epoch;
  const published = seedOf(input.epoch, `epochs[${n}]`, differences);
  if (published && input.committees.seed !== undefined && input.committees.seed !== bytesToHex(published))
    differences.push(
      `seed: the committees name ${input.committees.seed}, the epoch ${bytesToHex(published)}`,
    );
  if (published === null) return { seed: null, how: "unreadable", differences };
  if (n === 0) {
    const expected = genesisSeed(input.mainChainId);
    if (!bytesEqual(expected, published))
      differences.push(`seed: published ${bytesToHex(published)}, genesis seed ${bytesToHex(expected)}`);
    return { seed: expected, how: `the genesis seed of main chain ${input.mainChainId}`, differences };
  }
  const contributions = input.epoch.contributions;
  const previous = input.previous ? seedOf(input.previous, `epochs[${n - 1}]`, differences) : null;
  if (!Array.isArray(contributions) || previous === null)
    return { seed: published, how: "as published (no seed proofs to check it with)", differences };
  const alpha = epochSeedAlpha(previous, n - 1);
  const valid: ProducerVrfOutput[] = [];
  contributions.forEach((c, i) => {
    let verified = false;
    try {
      const key = c.vrfPublicKey === null ? null : hexToBytes(c.vrfPublicKey);
      verified = key !== null && ecvrf.verify(key, hexToBytes(c.proof), alpha) !== null;
      if (verified && key) valid.push({ publicKey: key, proof: hexToBytes(c.proof) });
    } catch {
      verified = false;
    }
    if (verified !== c.valid)
      differences.push(
        `contributions[${i}]: proof of validator ${c.validator} is published ${c.valid ? "valid" : "invalid"}, ` +
          `checks ${verified ? "valid" : "invalid"}`,
      );
  });
  if (valid.length === 0) {
    if (input.epoch.fallback === false)
      differences.push("seed: no seed proof checks valid, yet the epoch is not published as a fallback seed");
    return {
      seed: published,
      how: "as published (fallback: no valid seed proof, not recomputed)",
      differences,
    };
  }
  let expected: Uint8Array;
  try {
    expected = epochSeed(previous, valid, alpha);
  } catch (err) {
    if (!(err instanceof EpochSeedError)) throw err;
    differences.push(`seed: ${err.message}`);
    return { seed: published, how: "as published (its proofs do not recompute)", differences };
  }
  if (!bytesEqual(expected, published))
    differences.push(`seed: published ${bytesToHex(published)}, recomputed ${bytesToHex(expected)}`);
  const proofs = valid.length === 1 ? "1 producer proof" : `${valid.length} producer proofs`;
  return { seed: expected, how: `recomputed from epoch ${n - 1}'s seed and ${proofs}`, differences };
}

/**
 * Recomputes epoch n's committees from what the node published: the seed check (see `checkSeed`), then
 * `verifyAssignment` of the published assignment held to that seed. Never throws on malformed published data: that is
 * a difference.
 */
export function verifyEpochCommittees(input: CommitteesVerifyInput): CommitteesVerifyReport {
  const n = input.committees.epoch;
  const seed = checkSeed(input);
  const differences = [...seed.differences];
  let assignment: CommitteeAssignment | null = null;
  if (input.committees.assignment !== null) {
    try {
      assignment = assignmentFromJson(input.committees.assignment);
    } catch (err) {
      if (!(err instanceof SortitionError)) throw err;
      differences.push(err.message);
    }
  }
  if (assignment) {
    if (assignment.epoch !== n) differences.push(`assignment.epoch: ${assignment.epoch}, expected ${n}`);
    differences.push(...verifyAssignment(assignment, seed.seed ? { seed: seed.seed } : {}).differences);
  }
  if (differences.length > 0)
    return {
      ok: false,
      lines: [
        `DIFFERENCES in epoch ${n}'s committees (${differences.length}):`,
        ...differences.map((d) => `  ${d}`),
      ],
    };
  const what =
    assignment === null
      ? "no shard to draw for"
      : `${assignment.committees.length} committees, ` +
        `${assignment.committees.reduce((sum, c) => sum + c.members.length, 0)} members, ` +
        `${assignment.excluded.length} excluded`;
  return {
    ok: true,
    lines: [`OK: epoch ${n}'s committees recompute locally (${what}); seed ${seed.how}`],
  };
}
