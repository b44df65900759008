/**
 * JSON form of a committee assignment (bytes as lower-case hex, no prefix), as the API publishes it so that anyone can
 * check it with `verifyAssignment(assignmentFromJson(json))`. Parsing refuses anything malformed with a
 * `SortitionError` (code SORTITION_ERROR_BAD_JSON) whose path names the field, e.g. `assignment.committees[2].seed`.
 */

import {
  bytesToHex,
  ECVRF_OUTPUT_LENGTH,
  ECVRF_PROOF_LENGTH,
  ECVRF_PUBLIC_KEY_LENGTH,
  hexToBytes,
} from "@vshard/crypto";
import { MAX_CHAIN_ID, MAX_SHARD_ID } from "@vshard/types";
import {
  type CommitteeAssignment,
  type ExcludedValidator,
  type ExclusionReason,
  type ShardSortition,
  SortitionError,
  type SortitionMember,
  VALIDATOR_ID_LENGTH,
} from "./committeeSelection.ts";
import { EPOCH_SEED_LENGTH } from "./epochSeed.ts";

/** A committee member in JSON. */
export interface SortitionMemberJson {
  id: string;
  vrfPublicKey: string;
  proof: string;
  output: string;
}

/** A shard's committee in JSON. */
export interface ShardSortitionJson {
  chainId: number;
  shard: number;
  members: SortitionMemberJson[];
  witnesses: string[];
}

/** An excluded validator in JSON (its fields may have any length: a malformed one is why it was excluded). */
export interface ExcludedValidatorJson {
  id: string;
  vrfPublicKey: string;
  proof: string;
  reason: ExclusionReason;
}

/** A committee assignment in JSON. */
export interface CommitteeAssignmentJson {
  seed: string;
  epoch: number;
  witnessesPerCommittee: number;
  committees: ShardSortitionJson[];
  excluded: ExcludedValidatorJson[];
}

const EXCLUSION_REASONS: readonly ExclusionReason[] = [
  "BAD_ID",
  "BAD_PROOF",
  "DUPLICATE_ID",
  "DUPLICATE_VRF_KEY",
];

/** The JSON form of an assignment. */
export function assignmentToJson(a: CommitteeAssignment): CommitteeAssignmentJson {
  return {
    seed: bytesToHex(a.seed),
    epoch: a.epoch,
    witnessesPerCommittee: a.witnessesPerCommittee,
    committees: a.committees.map((c) => ({
      chainId: c.chainId,
      shard: c.shard,
      members: c.members.map((m) => ({
        id: bytesToHex(m.id),
        vrfPublicKey: bytesToHex(m.vrfPublicKey),
        proof: bytesToHex(m.proof),
        output: bytesToHex(m.output),
      })),
      witnesses: c.witnesses.map(bytesToHex),
    })),
    excluded: a.excluded.map((e) => ({
      id: bytesToHex(e.id),
      vrfPublicKey: bytesToHex(e.vrfPublicKey),
      proof: bytesToHex(e.proof),
      reason: e.reason,
    })),
  };
}

function fail(path: string, reason: string): SortitionError {
  return new SortitionError({ code: "SORTITION_ERROR_BAD_JSON", path }, `${path}: ${reason}`);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string"
    ? `string "${value.slice(0, 20)}${value.length > 20 ? "..." : ""}"`
    : typeof value;
}

function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw fail(path, `expected an object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

function arrayAt(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw fail(path, `expected an array, got ${describe(value)}`);
  return value;
}

function uintAt(value: unknown, path: string, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > max)
    throw fail(
      path,
      `expected an integer in 0..${max}, got ${typeof value === "number" ? value : describe(value)}`,
    );
  return value;
}

/** Hex bytes, of exactly `length` bytes when given. */
function bytesAt(value: unknown, path: string, length?: number): Uint8Array {
  if (typeof value !== "string") throw fail(path, `expected a hex string, got ${describe(value)}`);
  if (!/^([0-9a-f]{2})*$/.test(value)) throw fail(path, "expected lower-case hex of whole bytes, no prefix");
  if (length !== undefined && value.length !== 2 * length)
    throw fail(
      path,
      `expected ${length} bytes (${2 * length} hex characters), got ${value.length} characters`,
    );
  return hexToBytes(value);
}

function memberAt(value: unknown, path: string): SortitionMember {
  const o = objectAt(value, path);
  return {
    id: bytesAt(o.id, `${path}.id`, VALIDATOR_ID_LENGTH),
    vrfPublicKey: bytesAt(o.vrfPublicKey, `${path}.vrfPublicKey`, ECVRF_PUBLIC_KEY_LENGTH),
    proof: bytesAt(o.proof, `${path}.proof`, ECVRF_PROOF_LENGTH),
    output: bytesAt(o.output, `${path}.output`, ECVRF_OUTPUT_LENGTH),
  };
}

function committeeAt(value: unknown, path: string): ShardSortition {
  const o = objectAt(value, path);
  return {
    chainId: uintAt(o.chainId, `${path}.chainId`, MAX_CHAIN_ID),
    shard: uintAt(o.shard, `${path}.shard`, MAX_SHARD_ID),
    members: arrayAt(o.members, `${path}.members`).map((m, i) => memberAt(m, `${path}.members[${i}]`)),
    witnesses: arrayAt(o.witnesses, `${path}.witnesses`).map((w, i) =>
      bytesAt(w, `${path}.witnesses[${i}]`, VALIDATOR_ID_LENGTH),
    ),
  };
}

function excludedAt(value: unknown, path: string): ExcludedValidator {
  const o = objectAt(value, path);
  const reason = o.reason;
  if (typeof reason !== "string" || !(EXCLUSION_REASONS as readonly string[]).includes(reason))
    throw fail(`${path}.reason`, `expected one of ${EXCLUSION_REASONS.join(", ")}, got ${describe(reason)}`);
  return {
    id: bytesAt(o.id, `${path}.id`),
    vrfPublicKey: bytesAt(o.vrfPublicKey, `${path}.vrfPublicKey`),
    proof: bytesAt(o.proof, `${path}.proof`),
    reason: reason as ExclusionReason,
  };
}

/**
 * Parses the JSON form (an already-parsed value, e.g. from `JSON.parse`) back into an assignment. Checks shapes, hex and
 * lengths only; whether the assignment is right is `verifyAssignment`'s job. Unknown fields are ignored.
 */
export function assignmentFromJson(value: unknown, path = "assignment"): CommitteeAssignment {
  const o = objectAt(value, path);
  const seed = bytesAt(o.seed, `${path}.seed`, EPOCH_SEED_LENGTH);
  const epoch = uintAt(o.epoch, `${path}.epoch`, Number.MAX_SAFE_INTEGER);
  const witnessesPerCommittee = uintAt(
    o.witnessesPerCommittee,
    `${path}.witnessesPerCommittee`,
    Number.MAX_SAFE_INTEGER,
  );
  if (witnessesPerCommittee < 1) throw fail(`${path}.witnessesPerCommittee`, "expected at least 1, got 0");
  return {
    seed,
    epoch,
    witnessesPerCommittee,
    committees: arrayAt(o.committees, `${path}.committees`).map((c, i) =>
      committeeAt(c, `${path}.committees[${i}]`),
    ),
    excluded: arrayAt(o.excluded, `${path}.excluded`).map((e, i) => excludedAt(e, `${path}.excluded[${i}]`)),
  };
}
