import { compareBytes } from "@vshard/crypto";
import type { Account } from "@vshard/types";

/** A block-producer candidate as the election sees it: its keys and its account. */
export interface CandidateInfo {
  publicKey: Uint8Array;
  /** `addressFromPublicKey(publicKey)`: breaks ties. */
  address: Uint8Array;
  account: Account;
}

/** Whether a candidate may be elected: it has the candidate flag and a positive stake (a slashed one has none). */
export function isEligibleCandidate(c: CandidateInfo): boolean {
  const s = c.account.staking;
  return s?.candidate === true && s.stake > 0n;
}

/**
 * Top `count` eligible candidates (candidate flag, stake > 0) by votesReceived desc, ties by address asc (pure and
 * deterministic: every node elects the same producers from the same accounts). Fewer when fewer are eligible.
 */
export function electProducers(candidates: CandidateInfo[], count: number): CandidateInfo[] {
  const votes = (c: CandidateInfo) => c.account.staking?.votesReceived ?? 0n;
  return candidates
    .filter(isEligibleCandidate)
    .sort((a, b) => {
      const va = votes(a);
      const vb = votes(b);
      if (va !== vb) return va > vb ? -1 : 1;
      return compareBytes(a.address, b.address);
    })
    .slice(0, Math.max(0, count));
}
