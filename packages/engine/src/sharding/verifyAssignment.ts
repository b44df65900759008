/**
 * Third-party check of a published committee assignment: recompute it from the published data alone (seed, epoch, the
 * validators' ids, VRF keys and proofs, the shard list, witnesses per committee) and compare it field by field.
 */

import { bytesEqual, bytesToHex } from "@vshard/crypto";
import {
  assignCommittees,
  type CommitteeAssignment,
  type ExclusionReason,
  type ShardSortition,
  SortitionError,
  type ValidatorVrfProof,
} from "./committeeSelection.ts";

/**
 * Most differences listed in one check: a wrong seed changes every seat, and the first few name the fault well enough
 * (the count of the rest is still reported).
 */
export const MAX_REPORTED_DIFFERENCES = 32;

/** What a checker knows besides the published assignment, from the main chain. */
export interface AssignmentExpectations {
  /** The epoch's seed as the checker derived it (`epochSeed` chain); the published seed must equal it. */
  seed?: Uint8Array;
  /** Registered validators: every published validator must be one of them, with that VRF key. */
  registry?: ReadonlyArray<{ id: Uint8Array; vrfPublicKey: Uint8Array }>;
  /**
   * The sortition proofs the checker collected itself: every one must be in the assignment (as a member or excluded).
   * Without it, a validator left out of the published data entirely is noticed only when it shifts others' seats.
   */
  proofs?: readonly ValidatorVrfProof[];
}

/** Result of `verifyAssignment`: `ok` when nothing differs; otherwise each difference names its path. */
export interface AssignmentCheck {
  ok: boolean;
  differences: string[];
}

/** Every validator the assignment publishes, once: members of every committee, then the excluded ones. */
export function publishedValidators(published: CommitteeAssignment): ValidatorVrfProof[] {
  const all = [
    ...published.committees.flatMap((c) =>
      c.members.map((m) => ({ id: m.id, vrfPublicKey: m.vrfPublicKey, proof: m.proof })),
    ),
    ...published.excluded.map((e) => ({ id: e.id, vrfPublicKey: e.vrfPublicKey, proof: e.proof })),
  ];
  // A validator seated in several committees (fewer validators than shards) is one validator: list it once.
  const seen = new Set<string>();
  return all.filter((v) => {
    const key = tripleKey(v);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function hex(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? "(none)" : bytesToHex(bytes);
}

/** A validator's published triple: the recomputation runs over exactly these, so each has a recomputed status. */
function tripleKey(v: ValidatorVrfProof): string {
  return `${bytesToHex(v.id)}:${bytesToHex(v.vrfPublicKey)}:${bytesToHex(v.proof)}`;
}

type Status = { output: Uint8Array } | { reason: ExclusionReason };

function statuses(a: CommitteeAssignment): Map<string, Status> {
  const map = new Map<string, Status>();
  for (const c of a.committees) for (const m of c.members) map.set(tripleKey(m), { output: m.output });
  for (const e of a.excluded) map.set(tripleKey(e), { reason: e.reason });
  return map;
}

/**
 * Per validator, whatever does not depend on rank: excluded or not, why, and its VRF output. Reported first, because
 * one validator wrongly seated or left out shifts every later rank and so every later seat.
 */
function compareValidators(
  published: CommitteeAssignment,
  recomputed: CommitteeAssignment,
  out: string[],
): void {
  const expected = statuses(recomputed);
  const describe = (s: Status | undefined) =>
    s === undefined ? "absent" : "reason" in s ? `excluded (${s.reason})` : "a member";
  published.committees.forEach((c, i) => {
    c.members.forEach((m, j) => {
      const path = `committees[${i}].members[${j}]`;
      const e = expected.get(tripleKey(m));
      if (e === undefined || "reason" in e)
        out.push(`${path}: validator ${hex(m.id)} is published as a member, recomputed ${describe(e)}`);
      else if (!bytesEqual(m.output, e.output))
        out.push(`${path}.output: published ${hex(m.output)}, recomputed ${hex(e.output)}`);
    });
  });
  published.excluded.forEach((x, i) => {
    const e = expected.get(tripleKey(x));
    if (e === undefined || !("reason" in e) || e.reason !== x.reason)
      out.push(
        `excluded[${i}]: validator ${hex(x.id)} is published excluded (${x.reason}), recomputed ${describe(e)}`,
      );
  });
}

/** Seats (member ids in rank order) and witnesses, position by position. */
function compareSeats(
  path: string,
  published: ShardSortition,
  expected: ShardSortition,
  out: string[],
): void {
  const lists: Array<[string, Uint8Array[], Uint8Array[]]> = [
    [`${path}.members`, published.members.map((m) => m.id), expected.members.map((m) => m.id)],
    [`${path}.witnesses`, published.witnesses, expected.witnesses],
  ];
  for (const [at, p, e] of lists) {
    if (p.length !== e.length) out.push(`${at}: ${p.length} published, ${e.length} recomputed`);
    for (let j = 0; j < Math.max(p.length, e.length); j++)
      if (p[j] === undefined || e[j] === undefined || !bytesEqual(p[j], e[j]))
        out.push(`${at}[${j}]: published ${hex(p[j])}, recomputed ${hex(e[j])}`);
  }
}

function checkRegistry(
  published: CommitteeAssignment,
  expectations: AssignmentExpectations,
  out: string[],
): void {
  if (expectations.registry === undefined) return;
  const keys = new Map(expectations.registry.map((r) => [bytesToHex(r.id), r.vrfPublicKey]));
  const check = (path: string, v: ValidatorVrfProof) => {
    const registered = keys.get(bytesToHex(v.id));
    if (registered === undefined) out.push(`${path}: validator ${hex(v.id)} is not registered`);
    else if (!bytesEqual(registered, v.vrfPublicKey))
      out.push(
        `${path}.vrfPublicKey: ${hex(v.vrfPublicKey)} is not the registered VRF key ${hex(registered)}`,
      );
  };
  for (const [i, c] of published.committees.entries())
    for (const [j, m] of c.members.entries()) check(`committees[${i}].members[${j}]`, m);
  for (const [i, e] of published.excluded.entries()) check(`excluded[${i}]`, e);
}

/**
 * Recomputes `published` from its own seed, epoch, validators' proofs, shard list and witness count, and compares:
 * first each validator's status (member with its VRF output, or excluded with its reason), then every committee's
 * seats (matched by chainId and shard; member ids in rank order) and witnesses. With `expectations`, also checks the
 * seed, that every published validator is registered with that VRF key, and that no collected proof is missing.
 * Never throws on malformed published data: that is reported as a difference.
 */
export function verifyAssignment(
  published: CommitteeAssignment,
  expectations: AssignmentExpectations = {},
): AssignmentCheck {
  const out: string[] = [];
  if (expectations.seed !== undefined && !bytesEqual(expectations.seed, published.seed))
    out.push(`seed: published ${hex(published.seed)}, expected ${hex(expectations.seed)}`);
  checkRegistry(published, expectations, out);
  if (expectations.proofs !== undefined) {
    const listed = new Set(publishedValidators(published).map(tripleKey));
    for (const v of expectations.proofs)
      if (!listed.has(tripleKey(v)))
        out.push(`validator ${hex(v.id)}: its sortition proof is missing from the assignment`);
  }

  let recomputed: CommitteeAssignment;
  try {
    recomputed = assignCommittees({
      seed: published.seed,
      epoch: published.epoch,
      validators: publishedValidators(published),
      shards: published.committees.map((c) => ({ chainId: c.chainId, shard: c.shard })),
      witnessesPerCommittee: published.witnessesPerCommittee,
    });
  } catch (err) {
    if (!(err instanceof SortitionError)) throw err;
    // The shard list is the published committees' refs: name the committee.
    out.push(err.message.replace(/\bshards(?=[[:])/g, "committees"));
    return finish(out);
  }

  compareValidators(published, recomputed, out);
  published.committees.forEach((c, i) => {
    const expected = recomputed.committees.find((r) => r.chainId === c.chainId && r.shard === c.shard);
    // Always found: the recomputation ran over exactly these shard refs.
    if (expected !== undefined) compareSeats(`committees[${i}]`, c, expected, out);
  });
  return finish(out);
}

function finish(differences: string[]): AssignmentCheck {
  if (differences.length <= MAX_REPORTED_DIFFERENCES) return { ok: differences.length === 0, differences };
  const rest = differences.length - MAX_REPORTED_DIFFERENCES;
  return {
    ok: false,
    differences: [...differences.slice(0, MAX_REPORTED_DIFFERENCES), `... and ${rest} more`],
  };
}
