import type { ConsensusApp } from "@vshard/engine";
import { decodeTuple, encodeTuple, expectBytes, expectString, expectUint } from "@vshard/types";

/** The steps a member signs in, in the order it signs them within a round. */
export const SignStep = { Propose: 1, Prevote: 2, Precommit: 3 } as const;
export type SignStep = (typeof SignStep)[keyof typeof SignStep];

/** Name of the consensus data that keeps the last signed step. */
export const LAST_SIGNED_KEY = "bft/last-signed";

/** The last message a member signed: its step, block hash (hex, "" for nil) and encoded bytes. */
export interface LastSigned {
  height: number;
  round: number;
  step: SignStep;
  hash: string;
  data: Uint8Array;
}

function compare(a: LastSigned, b: Omit<LastSigned, "hash" | "data">): number {
  return a.height - b.height || a.round - b.round || a.step - b.step;
}

/**
 * Keeps a member from sending two different messages for one (height, round, step), across restarts too: the last
 * signed message is stored (through the app's consensus data) before it is sent, and a step at or below it is refused
 * unless it is the very same block. What a restarted member would sign again differently is what honest nodes would
 * record as equivocation evidence against it; the stored message lets it take its earlier vote back into account.
 */
export class SignGuard {
  private constructor(
    private readonly app: Pick<ConsensusApp, "saveConsensusData">,
    private last: LastSigned | null,
  ) {}

  /** Reads the last signed step (none on a first start; unreadable bytes are refused with an error). */
  static async load(app: Pick<ConsensusApp, "loadConsensusData" | "saveConsensusData">): Promise<SignGuard> {
    const bytes = await app.loadConsensusData(LAST_SIGNED_KEY);
    if (!bytes) return new SignGuard(app, null);
    const [height, round, step, hash, data] = decodeTuple(bytes, 5, "bft last signed");
    const s = expectUint(step, "bft last signed.step", SignStep.Precommit) as SignStep;
    const last = {
      height: expectUint(height, "bft last signed.height"),
      round: expectUint(round, "bft last signed.round"),
      step: s,
      hash: expectString(hash, "bft last signed.hash", 64),
      data: expectBytes(data, "bft last signed.data"),
    };
    return new SignGuard(app, last);
  }

  /** The last message this member signed, if any. */
  lastSigned(): LastSigned | null {
    return this.last;
  }

  /**
   * Whether this member may send `data`, its message for `hash` at (height, round, step); if so, it is stored first.
   * Storage errors are thrown (and nothing must be sent).
   */
  async claim(
    height: number,
    round: number,
    step: SignStep,
    hash: string,
    data: Uint8Array,
  ): Promise<boolean> {
    const next = { height, round, step, hash, data };
    const order = this.last ? compare(this.last, next) : -1;
    if (order > 0) return false;
    if (order === 0) return this.last?.hash === hash;
    await this.app.saveConsensusData(LAST_SIGNED_KEY, encodeTuple([height, round, step, hash, data]));
    this.last = next;
    return true;
  }
}
