import { bytesEqual } from "@vshard/crypto";
import type { ConsensusApp } from "@vshard/engine";
import {
  type Block,
  CodecError,
  decodeBlock,
  decodeTuple,
  encodeBlock,
  encodeTuple,
  expectArray,
  expectBytes,
  expectUint,
  headerHash,
} from "@vshard/types";
import { BftError } from "./bftError.ts";
import { MAX_ROUND, MAX_VOTER } from "./messages.ts";

/** Name of the consensus data that keeps a member's lock. */
export const LOCK_KEY = "bft/lock";

/**
 * A member's lock and valid value at one height (Tendermint's lockedValue/lockedRound, validValue/validRound; a round
 * of -1: none), with the blocks themselves, so that after a restart they can be executed again, voted for and
 * re-proposed.
 */
export interface StoredLock {
  height: number;
  lockedRound: number;
  locked: Block | null;
  validRound: number;
  valid: Block | null;
  /** The encoded prevotes of `validRound` for the valid block: its proof of lock, sent with a re-proposal. */
  polka: Uint8Array[];
}

const EMPTY = new Uint8Array(0);

function sameBlock(a: Block, b: Block): boolean {
  return a === b || bytesEqual(headerHash(a.header), headerHash(b.header));
}

/**
 * Canonical bytes: [height, lockedRound + 1, locked block or empty, validRound + 1, valid block or empty, [prevotes]].
 * A valid block equal to the locked one (the usual case: both are set by the same polka) is written once, as an empty
 * valid block with a valid round.
 */
export function encodeStoredLock(lock: StoredLock): Uint8Array {
  const { locked, valid } = lock;
  const validBytes = !valid || (locked && sameBlock(locked, valid)) ? EMPTY : encodeBlock(valid);
  return encodeTuple([
    lock.height,
    lock.lockedRound + 1,
    locked ? encodeBlock(locked) : EMPTY,
    lock.validRound + 1,
    validBytes,
    lock.polka,
  ]);
}

function bad(what: string, message: string): never {
  throw new CodecError({ code: "CODEC_ERROR_OUT_OF_RANGE", what }, `${what}: ${message}`);
}

function blockAt(bytes: Uint8Array, height: number, what: string): Block {
  const block = decodeBlock(bytes);
  if (block.header.height !== height) bad(what, `a block of height ${block.header.height}, not ${height}`);
  return block;
}

/** Decodes a stored lock; malformed or inconsistent bytes throw `CodecError`. */
export function decodeStoredLock(bytes: Uint8Array): StoredLock {
  const f = decodeTuple(bytes, 6, "bft lock");
  const height = expectUint(f[0], "bft lock.height");
  const lockedRound = expectUint(f[1], "bft lock.lockedRound", MAX_ROUND) - 1;
  const lockedBytes = expectBytes(f[2], "bft lock.locked");
  const validRound = expectUint(f[3], "bft lock.validRound", MAX_ROUND) - 1;
  const validBytes = expectBytes(f[4], "bft lock.valid");
  const polka = expectArray(f[5], "bft lock.polka", (v, what) => expectBytes(v, what));
  if (polka.length > MAX_VOTER + 1) bad("bft lock.polka", `${polka.length} votes, more than any committee`);
  if (lockedRound >= 0 !== lockedBytes.length > 0)
    bad("bft lock.locked", "a locked round needs its block, and a block its round");
  if (validRound < lockedRound) bad("bft lock.validRound", `${validRound} is below the locked round`);
  if (validRound < 0 && validBytes.length > 0) bad("bft lock.valid", "a valid block without a valid round");
  const locked = lockedRound >= 0 ? blockAt(lockedBytes, height, "bft lock.locked") : null;
  let valid: Block | null = null;
  if (validBytes.length > 0) valid = blockAt(validBytes, height, "bft lock.valid");
  else if (validRound >= 0) valid = locked ?? bad("bft lock.valid", "a valid round without a block");
  return { height, lockedRound, locked, validRound, valid, polka };
}

/**
 * Keeps a member's lock and valid value across restarts, in one consensus-data record (`bft/lock`) that holds those
 * of the last height they were set at: the height's rounds store them before sending anything that follows from them
 * (see `HeightLock`), and a restarted member resuming at that height takes them back.
 */
export class LockStore {
  private constructor(
    private readonly app: Pick<ConsensusApp, "saveConsensusData">,
    private last: StoredLock | null,
  ) {}

  /** Reads the stored lock (none on a first start); unreadable bytes are refused with a `BftError`. */
  static async load(app: Pick<ConsensusApp, "loadConsensusData" | "saveConsensusData">): Promise<LockStore> {
    const bytes = await app.loadConsensusData(LOCK_KEY);
    if (!bytes) return new LockStore(app, null);
    try {
      return new LockStore(app, decodeStoredLock(bytes));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new BftError(
        { code: "BFT_ERROR_BAD_STORED_DATA", field: LOCK_KEY },
        `bft: the stored lock (consensus data "${LOCK_KEY}") is unreadable: ${reason}`,
      );
    }
  }

  /** The lock stored last (loaded at start or saved since), if any. */
  stored(): StoredLock | null {
    return this.last;
  }

  /** Stores `lock` in place of the previous one; storage errors are thrown (and then nothing must be sent). */
  async save(lock: StoredLock): Promise<void> {
    await this.app.saveConsensusData(LOCK_KEY, encodeStoredLock(lock));
    this.last = lock;
  }
}
