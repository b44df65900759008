import { bytesToHex, sha256 } from "@vshard/crypto";
import type { ConsensusChannel, ConsensusStatus, Evidence } from "@vshard/engine";
import type { EvidenceLog } from "./evidenceLog.ts";
import { BFT_PROPOSAL, BFT_VOTE } from "./messages.ts";
import type { BftStep, RoundState } from "./roundState.ts";

/**
 * Monotonic totals of a bft node since it was created (a type, not an interface, so that it is a `Record`):
 * - `roundsStarted`: rounds this node entered, per height its last round + 1 once round 0 began (a round reached by
 *   the f+1 skip counts, as the rest of the committee ran the ones skipped);
 * - `viewChanges`: rounds of a height that ended without a decision (timed out or skipped over): a height decided in
 *   round r adds r, the height in progress adds its current round;
 * - `proposalsSent`, `votesSent`: distinct proposals and votes this node signed and published (rebroadcasts of the
 *   same message not counted again);
 * - `evidence`: equivocations recorded (each pair of messages once).
 */
export type BftCounters = {
  roundsStarted: number;
  viewChanges: number;
  proposalsSent: number;
  votesSent: number;
  evidence: number;
};

/** Where a bft node stands, for logs, the API and tests: the common status plus its round, step and locks. */
export interface BftStatus extends ConsensusStatus {
  height: number;
  round: number;
  step: BftStep;
  lockedRound: number;
  validRound: number;
  counters: BftCounters;
}

/** Rounds entered and rounds ended without a decision at one height, as its state machine stands. */
function roundsOf(state: RoundState<unknown>): { started: number; changes: number } {
  const started = state.step === "new-height" ? 0 : state.round + 1;
  return { started, changes: Math.max(state.round, state.decision?.round ?? 0) };
}

/**
 * Keeps the counters of a {@link BftStatus}: the plugin passes each height's state when the height ends, sends through
 * {@link BftStats.counting}'s channel and records evidence through {@link BftStats.recordEvidence}. The height in
 * progress is counted from its live state, so the totals move while a height is stuck.
 */
export class BftStats {
  private roundsDone = 0;
  private changesDone = 0;
  private proposalsSent = 0;
  private votesSent = 0;
  private evidence = 0;
  /** sha256 (hex) of the messages published at the current height: a rebroadcast is not counted twice. */
  private readonly sentAtHeight = new Set<string>();

  /** Adds up a height that ended (committed, or left for a synced height). */
  heightEnded(state: RoundState<unknown>): void {
    const { started, changes } = roundsOf(state);
    this.roundsDone += started;
    this.changesDone += changes;
    this.sentAtHeight.clear();
  }

  /** `channel`, counting each distinct proposal and vote published through it. */
  counting(channel: ConsensusChannel): ConsensusChannel {
    return {
      publish: (kind, data) => {
        this.published(kind, data);
        channel.publish(kind, data);
      },
      send: (peer, kind, data) => channel.send(peer, kind, data),
      subscribe: (kind, handler) => channel.subscribe(kind, handler),
    };
  }

  /** Adds `e` to the log, counting it when the log kept it as new. */
  recordEvidence(log: EvidenceLog, e: Evidence): void {
    log.add(e);
    if (log.all().at(-1) === e) this.evidence++;
  }

  /** The status of a node whose current height is in `state`. */
  status(state: RoundState<unknown>): BftStatus {
    const { height, round, step, lockedRound, validRound } = state;
    const live = roundsOf(state);
    return {
      plugin: "bft",
      height,
      round,
      step,
      lockedRound,
      validRound,
      counters: {
        roundsStarted: this.roundsDone + live.started,
        viewChanges: this.changesDone + live.changes,
        proposalsSent: this.proposalsSent,
        votesSent: this.votesSent,
        evidence: this.evidence,
      },
    };
  }

  private published(kind: string, data: Uint8Array): void {
    if (kind !== BFT_PROPOSAL && kind !== BFT_VOTE) return;
    const key = `${kind}/${bytesToHex(sha256(data))}`;
    if (this.sentAtHeight.has(key)) return;
    this.sentAtHeight.add(key);
    if (kind === BFT_PROPOSAL) this.proposalsSent++;
    else this.votesSent++;
  }
}
