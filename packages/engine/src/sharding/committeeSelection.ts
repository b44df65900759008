/**
 * VRF committee sortition. For epoch e with seed s, every validator publishes
 * `ecvrf.prove(vrfSecretKey, committeeAlpha(s, e))`. `assignCommittees` verifies the proofs, ranks the validators by
 * VRF output (ties by id) and deals them round-robin over the shards sorted by (chainId, shard): committee sizes differ
 * by at most one (with fewer validators than shards the ranking is dealt again until every shard has one member), and which validator lands where is unpredictable before the seed is known and re-drawn every epoch.
 * Inside each committee, the members with the lowest sha256(output || WITNESS_TAG || u64be(chainId) || u64be(shard))
 * are its witnesses. Everything is a function of published data, so anyone can recompute it (`verifyAssignment`).
 */

import { bytesToHex, compareBytes, concatBytes, ecvrf, sha256, u64be } from "@vshard/crypto";
import { LedgerError, MAX_CHAIN_ID, MAX_SHARD_ID, type ShardRef } from "@vshard/types";
import { EPOCH_SEED_LENGTH } from "./epochSeed.ts";

/** Domain of the validators' sortition VRF input. */
export const COMMITTEE_DOMAIN: Uint8Array = new TextEncoder().encode("vshard/committee");

/** Tag of the witness score hash: sha256(output || WITNESS_TAG || u64be(chainId) || u64be(shard)). */
export const WITNESS_TAG: Uint8Array = new TextEncoder().encode("witness");

/** Length of a validator id (its ed25519 public key). */
export const VALIDATOR_ID_LENGTH = 32;

/** Why a sortition input or its JSON form is refused. */
export type SortitionErrorCode = "SORTITION_ERROR_BAD_INPUT" | "SORTITION_ERROR_BAD_JSON";

/** A sortition refused: `path` names the field at fault (e.g. `shards[3].shard`), the message says why. */
export class SortitionError extends LedgerError<{ code: SortitionErrorCode; path: string }> {}

/** What a validator publishes for an epoch's sortition. */
export interface ValidatorVrfProof {
  /** The validator's ed25519 public key (32 bytes). */
  id: Uint8Array;
  /** Its registered ECVRF public key (32 bytes). */
  vrfPublicKey: Uint8Array;
  /** `ecvrf.prove(vrfSecretKey, committeeAlpha(seed, epoch))` (80 bytes). */
  proof: Uint8Array;
}

/** A committee member with everything a third party needs to check it: key, proof and the VRF output it proves. */
export interface SortitionMember extends ValidatorVrfProof {
  /** `ecvrf.verify(vrfPublicKey, proof, committeeAlpha(seed, epoch))` (64 bytes): its rank and witness score. */
  output: Uint8Array;
}

/** One shard's committee for the epoch. */
export interface ShardSortition extends ShardRef {
  /** In global rank order (lowest VRF output first). */
  members: SortitionMember[];
  /** Ids of the witnesses (the members who vote), lowest witness score first; a subset of `members`. */
  witnesses: Uint8Array[];
}

/**
 * Why a validator takes no seat: its id is not 32 bytes, its proof does not verify, or its id or VRF key is listed more
 * than once among the valid proofs (all such entries are excluded, so the result does not depend on input order).
 */
export type ExclusionReason = "BAD_ID" | "BAD_PROOF" | "DUPLICATE_ID" | "DUPLICATE_VRF_KEY";

/** A validator left out of the epoch's committees, with the reason. */
export interface ExcludedValidator extends ValidatorVrfProof {
  reason: ExclusionReason;
}

/** What `assignCommittees` is given. */
export interface AssignCommitteesInput {
  seed: Uint8Array;
  epoch: number;
  validators: readonly ValidatorVrfProof[];
  shards: readonly ShardRef[];
  /** Witnesses per committee, at least 1; a committee smaller than this has all its members as witnesses. */
  witnessesPerCommittee: number;
}

/** The committees of an epoch: per shard (sorted by chainId, shard) and the excluded validators (sorted by id). */
export interface CommitteeAssignment {
  seed: Uint8Array;
  epoch: number;
  witnessesPerCommittee: number;
  committees: ShardSortition[];
  excluded: ExcludedValidator[];
}

function badInput(path: string, reason: string): SortitionError {
  return new SortitionError({ code: "SORTITION_ERROR_BAD_INPUT", path }, `${path}: ${reason}`);
}

function isUint(value: number, max: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= max;
}

/** The sortition VRF input of an epoch: COMMITTEE_DOMAIN || seed || u64be(epoch). */
export function committeeAlpha(seed: Uint8Array, epoch: number): Uint8Array {
  if (!(seed instanceof Uint8Array) || seed.length !== EPOCH_SEED_LENGTH)
    throw badInput("seed", `expected ${EPOCH_SEED_LENGTH} bytes`);
  if (!isUint(epoch, Number.MAX_SAFE_INTEGER))
    throw badInput("epoch", `expected a non-negative integer, got ${epoch}`);
  return concatBytes(COMMITTEE_DOMAIN, seed, u64be(epoch));
}

/** A validator's sortition proof for an epoch: `ecvrf.prove(vrfSecretKey, committeeAlpha(seed, epoch))`. */
export function proveSortition(vrfSecretKey: Uint8Array, seed: Uint8Array, epoch: number): Uint8Array {
  return ecvrf.prove(vrfSecretKey, committeeAlpha(seed, epoch));
}

/** A member's witness score in a shard: the lowest scores are the witnesses. */
export function witnessScore(output: Uint8Array, ref: ShardRef): Uint8Array {
  return sha256(output, WITNESS_TAG, u64be(ref.chainId), u64be(ref.shard));
}

/** Shard refs checked (integers in range, no duplicate) and sorted by (chainId, shard). */
function sortedShards(shards: readonly ShardRef[]): ShardRef[] {
  if (!Array.isArray(shards) || shards.length === 0) throw badInput("shards", "expected at least one shard");
  const seen = new Map<string, number>();
  shards.forEach((s, i) => {
    if (!isUint(s.chainId, MAX_CHAIN_ID))
      throw badInput(`shards[${i}].chainId`, `expected an integer in 0..${MAX_CHAIN_ID}, got ${s.chainId}`);
    if (!isUint(s.shard, MAX_SHARD_ID))
      throw badInput(`shards[${i}].shard`, `expected an integer in 0..${MAX_SHARD_ID}, got ${s.shard}`);
    const key = `${s.chainId}/${s.shard}`;
    const earlier = seen.get(key);
    if (earlier !== undefined)
      throw badInput(`shards[${i}]`, `chain ${key} is listed twice (also shards[${earlier}])`);
    seen.set(key, i);
  });
  return shards
    .map((s) => ({ chainId: s.chainId, shard: s.shard }))
    .sort((a, b) => a.chainId - b.chainId || a.shard - b.shard);
}

/** Entries whose `key` occurs more than once. */
function duplicated<T>(items: readonly T[], key: (item: T) => Uint8Array): Set<T> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = bytesToHex(key(item));
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return new Set(items.filter((item) => (counts.get(bytesToHex(key(item))) ?? 0) > 1));
}

/** Splits validators into verified members (with outputs) and excluded ones. */
function screen(
  validators: readonly ValidatorVrfProof[],
  alpha: Uint8Array,
): { members: SortitionMember[]; excluded: ExcludedValidator[] } {
  if (!Array.isArray(validators)) throw badInput("validators", "expected an array");
  const excluded: ExcludedValidator[] = [];
  const exclude = (v: ValidatorVrfProof, reason: ExclusionReason) =>
    excluded.push({ id: v.id, vrfPublicKey: v.vrfPublicKey, proof: v.proof, reason });
  let verified: SortitionMember[] = [];
  for (const [i, v] of validators.entries()) {
    for (const field of ["id", "vrfPublicKey", "proof"] as const)
      if (!(v[field] instanceof Uint8Array)) throw badInput(`validators[${i}].${field}`, "expected bytes");
    const output = v.id.length === VALIDATOR_ID_LENGTH ? ecvrf.verify(v.vrfPublicKey, v.proof, alpha) : null;
    if (output !== null) verified.push({ id: v.id, vrfPublicKey: v.vrfPublicKey, proof: v.proof, output });
    else exclude(v, v.id.length === VALIDATOR_ID_LENGTH ? "BAD_PROOF" : "BAD_ID");
  }
  const sameId = duplicated(verified, (m) => m.id);
  for (const m of sameId) exclude(m, "DUPLICATE_ID");
  verified = verified.filter((m) => !sameId.has(m));
  const sameKey = duplicated(verified, (m) => m.vrfPublicKey);
  for (const m of sameKey) exclude(m, "DUPLICATE_VRF_KEY");
  verified = verified.filter((m) => !sameKey.has(m));
  excluded.sort(
    (a, b) =>
      compareBytes(a.id, b.id) ||
      compareBytes(a.vrfPublicKey, b.vrfPublicKey) ||
      compareBytes(a.proof, b.proof) ||
      a.reason.localeCompare(b.reason),
  );
  return { members: verified, excluded };
}

/**
 * The epoch's committees from its seed, the validators' published sortition proofs and the shard list. Invalid proofs
 * are excluded and reported in `excluded`, never thrown; malformed inputs (seed length, epoch, shard refs, a field that
 * is not bytes, witnessesPerCommittee) throw `SortitionError` naming the path. Pure and deterministic: the result does
 * not depend on the order of `validators` or `shards`.
 */
export function assignCommittees(input: AssignCommitteesInput): CommitteeAssignment {
  const { seed, epoch, witnessesPerCommittee } = input;
  const alpha = committeeAlpha(seed, epoch);
  if (!Number.isSafeInteger(witnessesPerCommittee) || witnessesPerCommittee < 1)
    throw badInput("witnessesPerCommittee", `expected a positive integer, got ${witnessesPerCommittee}`);
  const refs = sortedShards(input.shards);
  const { members, excluded } = screen(input.validators, alpha);

  members.sort((a, b) => compareBytes(a.output, b.output) || compareBytes(a.id, b.id));
  const committees: ShardSortition[] = refs.map((ref) => ({ ...ref, members: [], witnesses: [] }));
  // One seat per validator; with fewer validators than shards the ranking is dealt again from the top until every
  // shard has a seat, so a small network still runs every shard (those validators then sit in several committees).
  const seats = members.length === 0 ? 0 : Math.max(members.length, committees.length);
  for (let seat = 0; seat < seats; seat++)
    committees[seat % committees.length].members.push(members[seat % members.length]);

  for (const c of committees) {
    c.witnesses = c.members
      .map((m) => ({ id: m.id, score: witnessScore(m.output, c) }))
      .sort((a, b) => compareBytes(a.score, b.score) || compareBytes(a.id, b.id))
      .slice(0, witnessesPerCommittee)
      .map((w) => w.id);
  }
  return { seed, epoch, witnessesPerCommittee, committees, excluded };
}
