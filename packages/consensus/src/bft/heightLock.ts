import { bytesToHex } from "@vshard/crypto";
import type { Logger } from "@vshard/engine";
import { type Block, headerHash } from "@vshard/types";
import type { LockStore } from "./lockStore.ts";
import { type BftVote, encodeVote, VoteType } from "./messages.ts";
import type { RoundState } from "./roundState.ts";

/** What a {@link HeightLock} is given by its height. */
export interface HeightLockModules {
  store: LockStore;
  state: RoundState<BftVote>;
  logger: Logger;
  /** A block of this height found valid, by hash (hex). */
  blockOf(hash: string): Block | undefined;
  /** Executes a block on the committed head (once per hash): whether it is valid. */
  validate(block: Block, hash: string): Promise<boolean>;
  /** Checks and counts a prevote of a proof of lock (`polka`: its round and block). */
  feedPolkaVote(from: string, data: Uint8Array, polka: { round: number; hash: string }): Promise<void>;
}

type LockFields = Pick<RoundState<BftVote>, "lockedRound" | "lockedHash" | "validRound" | "validHash">;

function keyOf(l: LockFields): string {
  return `${l.lockedRound}/${l.lockedHash}/${l.validRound}/${l.validHash}`;
}

const NO_LOCK: LockFields = { lockedRound: -1, lockedHash: null, validRound: -1, validHash: null };

/**
 * One height's link between its round state and the {@link LockStore}. The lock and valid value are stored whenever
 * they change, before anything signed after the change is sent (first of all the precommit that locking leads to);
 * a member restarted at the height of the stored lock takes it back before its rounds start. A member that forgot its
 * lock could prevote a block conflicting with one it precommitted (amnesia), which counts as Byzantine: with the lock
 * kept, a crash and restart is harmless.
 */
export class HeightLock {
  /** The lock and valid value as last stored (or restored). */
  private saved = keyOf(NO_LOCK);
  private restored = false;

  constructor(
    readonly height: number,
    private readonly m: HeightLockModules,
  ) {}

  /**
   * Takes back the stored lock if it is this height's (once, before the rounds start); a lock of another height is
   * ignored. Its blocks are executed again: one that is no longer valid is logged as an error and left out.
   */
  async restore(): Promise<void> {
    if (this.restored) return;
    this.restored = true;
    const lock = this.m.store.stored();
    if (!lock || lock.height !== this.height) return;
    const locked = lock.locked && (await this.revalidate(lock.locked, "locked"));
    let valid = locked;
    if (lock.valid !== lock.locked) valid = lock.valid && (await this.revalidate(lock.valid, "valid"));
    const fields = {
      lockedRound: locked ? lock.lockedRound : -1,
      lockedHash: locked,
      validRound: valid ? lock.validRound : -1,
      validHash: valid,
    };
    this.m.state.restoreLock(fields);
    this.saved = keyOf(this.m.state);
    this.m.logger.info({ height: this.height, ...fields }, "bft: lock restored after a restart");
    // Its proof of lock, for a re-proposal of the valid block by this node.
    if (valid)
      for (const vote of lock.polka)
        await this.m.feedPolkaVote("self", vote, { round: lock.validRound, hash: valid });
  }

  /**
   * Stores the lock and valid value if they changed since they were last stored; false when that failed: then this
   * node must sign nothing (it tries again before its next message).
   */
  async persist(): Promise<boolean> {
    const { state, store, logger } = this.m;
    const { lockedRound, lockedHash, validRound, validHash } = state;
    const key = keyOf(state);
    if (key === this.saved) return true;
    // The state locks only on blocks found valid, which its height keeps.
    const locked = lockedHash === null ? null : this.m.blockOf(lockedHash);
    const valid = validHash === null ? null : this.m.blockOf(validHash);
    const votes =
      validHash === null ? [] : (state.votesAt(validRound, VoteType.Prevote)?.votesFor(validHash) ?? []);
    try {
      if (locked === undefined || valid === undefined) throw new Error("the block of the lock is not kept");
      const polka = votes.map((v) => encodeVote(v.payload));
      await store.save({ height: this.height, lockedRound, locked, validRound, valid, polka });
    } catch (err) {
      logger.error(
        { err, height: this.height, lockedRound, validRound },
        "bft: could not store the lock; not signing",
      );
      return false;
    }
    this.saved = key;
    return true;
  }

  /** The hash of a stored block if it is still valid; otherwise null, with an error logged. */
  private async revalidate(block: Block, what: string): Promise<string | null> {
    const hash = bytesToHex(headerHash(block.header));
    if (await this.m.validate(block, hash)) return hash;
    this.m.logger.error(
      { height: this.height, hash },
      `bft: the stored ${what} block is no longer valid; starting without it`,
    );
    return null;
  }
}
