/** The weight that makes a quorum: more than two thirds of `total`. */
export function quorumWeight(total: number): number {
  return Math.floor((2 * total) / 3) + 1;
}

/** Whether `weight` is more than a third of `total`: at least one honest member is among them (the f+1 rule). */
export function exceedsOneThird(weight: number, total: number): boolean {
  return 3 * weight > total;
}

/** Key of a nil vote in a {@link VoteSet}. */
export const NIL = "";

/**
 * Block hashes counted per voter, the first included. An equivocator's second vote is counted like any received
 * message (Tendermint counts every vote it receives); more are dropped unless forced, so that a Byzantine voter cannot
 * make a node store a vote per made-up hash.
 */
export const MAX_HASHES_PER_VOTER = 2;

/** What adding a vote did: counted, a repeat, a different vote of the same voter (also counted), or dropped. */
export type VoteAddResult<T> =
  | { kind: "added" }
  | { kind: "duplicate" }
  | { kind: "conflict"; first: T; counted: boolean }
  | { kind: "unknown-voter" };

/**
 * The votes of one type in one (height, round): the voters per block hash (hex, {@link NIL} for nil) with their
 * weight, the first vote of each voter (a later different one is a conflict: evidence) and the quorum and f+1
 * thresholds. A voter counts once towards "any" thresholds and once per hash it signed. Pure; `T` is what the caller
 * keeps per vote (e.g. the signed vote).
 */
export class VoteSet<T> {
  private readonly first = new Map<number, { hash: string; payload: T }>();
  private readonly byHash = new Map<string, { weight: number; votes: Map<number, T> }>();
  private readonly hashCount = new Map<number, number>();
  private readonly total: number;
  private voted = 0;

  /** `weights[i]` is the weight of committee member i. */
  constructor(private readonly weights: readonly number[]) {
    this.total = weights.reduce((a, b) => a + b, 0);
  }

  /**
   * Counts a vote of `voter` for `hash` (hex or {@link NIL}). `force` counts it even past
   * {@link MAX_HASHES_PER_VOTER} (a vote relayed as part of a proof of lock).
   */
  add(voter: number, hash: string, payload: T, force = false): VoteAddResult<T> {
    const weight = this.weights[voter];
    if (!Number.isInteger(voter) || weight === undefined) return { kind: "unknown-voter" };
    let entry = this.byHash.get(hash);
    if (entry?.votes.has(voter)) return { kind: "duplicate" };
    const first = this.first.get(voter);
    const hashes = this.hashCount.get(voter) ?? 0;
    if (first && hashes >= MAX_HASHES_PER_VOTER && !force)
      return { kind: "conflict", first: first.payload, counted: false };
    if (!entry) {
      entry = { weight: 0, votes: new Map() };
      this.byHash.set(hash, entry);
    }
    entry.votes.set(voter, payload);
    entry.weight += weight;
    this.hashCount.set(voter, hashes + 1);
    if (first) return { kind: "conflict", first: first.payload, counted: true };
    this.first.set(voter, { hash, payload });
    this.voted += weight;
    return { kind: "added" };
  }

  /** Whether `voter`'s vote for `hash` is counted. */
  has(voter: number, hash: string): boolean {
    return this.byHash.get(hash)?.votes.has(voter) ?? false;
  }

  /** Weight of the votes for `hash`. */
  weightFor(hash: string): number {
    return this.byHash.get(hash)?.weight ?? 0;
  }

  /** Weight of the voters counted (each once). */
  votedWeight(): number {
    return this.voted;
  }

  hasQuorumFor(hash: string): boolean {
    return this.weightFor(hash) >= quorumWeight(this.total);
  }

  hasQuorumNil(): boolean {
    return this.hasQuorumFor(NIL);
  }

  /** A quorum of voters, whatever they voted for. */
  hasQuorumAny(): boolean {
    return this.voted >= quorumWeight(this.total);
  }

  /** More than a third of the weight voted, whatever for. */
  hasOneThirdAny(): boolean {
    return exceedsOneThird(this.voted, this.total);
  }

  /** The block hash (not nil) that has a quorum, if one has. */
  quorumBlock(): string | null {
    for (const hash of this.byHash.keys()) if (hash !== NIL && this.hasQuorumFor(hash)) return hash;
    return null;
  }

  /** The first vote of `voter`, if any. */
  voteOf(voter: number): { hash: string; payload: T } | undefined {
    return this.first.get(voter);
  }

  /** The voters for `hash` with what was kept of their votes, in committee order. */
  votesFor(hash: string): Array<{ voter: number; payload: T }> {
    return [...(this.byHash.get(hash)?.votes ?? [])]
      .map(([voter, payload]) => ({ voter, payload }))
      .sort((a, b) => a.voter - b.voter);
  }

  /** Every voter counted. */
  voters(): number[] {
    return [...this.first.keys()];
  }
}
