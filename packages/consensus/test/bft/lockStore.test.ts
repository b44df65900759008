import { type Block, encodeBlock, encodeTuple } from "@vshard/types";
import { beforeAll, describe, expect, it } from "vitest";
import { BftError } from "../../src/bft/bftError.ts";
import {
  decodeStoredLock,
  encodeStoredLock,
  LOCK_KEY,
  LockStore,
  type StoredLock,
} from "../../src/bft/lockStore.ts";
import { createCluster, memberKeys } from "./bftCluster.ts";
import { hashOf } from "./handPlayed.ts";
import { memoryStore } from "./memoryConsensusData.ts";

/** Two different blocks of height 1. */
let a: Block;
let b: Block;

beforeAll(async () => {
  const { nodes } = await createCluster({ members: 4 });
  const build = async (p: number) =>
    (
      await nodes[0].chain.prepareProposal({
        proposer: memberKeys(p).ed25519.publicKey,
        time: 1 + p,
        epoch: 0,
      })
    ).block;
  [a, b] = [await build(1), await build(2)];
});

const none = { lockedRound: -1, locked: null, validRound: -1, valid: null, polka: [] };

describe("stored bft lock", () => {
  it("encodes and decodes every shape of lock; a valid block equal to the locked one is written once", () => {
    const polka = [new Uint8Array([1, 2]), new Uint8Array([3])];
    const same: StoredLock = { height: 1, lockedRound: 2, locked: a, validRound: 2, valid: a, polka };
    const shapes: StoredLock[] = [
      { height: 7, ...none },
      same,
      { height: 1, lockedRound: 0, locked: a, validRound: 3, valid: b, polka },
      { height: 1, lockedRound: -1, locked: null, validRound: 1, valid: b, polka: [] },
    ];
    for (const lock of shapes) {
      const back = decodeStoredLock(encodeStoredLock(lock));
      expect(back).toEqual(lock);
      expect(back.locked && hashOf(back.locked)).toBe(lock.locked && hashOf(lock.locked));
      expect(back.valid && hashOf(back.valid)).toBe(lock.valid && hashOf(lock.valid));
    }
    // An equal block (a copy, not the same object) is written once too; a different one adds its own bytes.
    const once = encodeStoredLock(same).length;
    expect(encodeStoredLock({ ...same, valid: { ...a, header: { ...a.header } } }).length).toBe(once);
    expect(encodeStoredLock({ ...same, valid: b }).length).toBeGreaterThanOrEqual(
      once + encodeBlock(b).length,
    );
  });

  it("refuses malformed and inconsistent records with the field at fault", () => {
    const record = (fields: unknown[]) => () => decodeStoredLock(encodeTuple(fields));
    const block = encodeStoredLock({
      height: 1,
      lockedRound: 0,
      locked: a,
      validRound: 0,
      valid: b,
      polka: [],
    });
    expect(() => decodeStoredLock(new Uint8Array([1, 2, 3]))).toThrowError(/bft lock/);
    expect(() => decodeStoredLock(block.subarray(0, block.length - 3))).toThrowError(/bft lock/);
    const empty = new Uint8Array(0);
    expect(record([1, 1, empty, 1, empty, []])).toThrowError(
      /bft lock.locked: a locked round needs its block/,
    );
    expect(record([1, 0, new Uint8Array([9]), 0, empty, []])).toThrowError(/bft lock.locked/);
    expect(record([1, 0, empty, 1, empty, []])).toThrowError(/bft lock.valid: a valid round without a block/);
    expect(record([1, 0, empty, 0, new Uint8Array([9]), []])).toThrowError(/bft lock.valid/);
    const lockedA = encodeStoredLock({
      height: 1,
      lockedRound: 2,
      locked: a,
      validRound: 2,
      valid: a,
      polka: [],
    });
    const good = decodeStoredLock(lockedA);
    expect(() => decodeStoredLock(encodeStoredLock({ ...good, validRound: 1 }))).toThrowError(
      /bft lock.validRound: 1 is below the locked round/,
    );
    expect(() => decodeStoredLock(encodeStoredLock({ ...good, height: 2 }))).toThrowError(
      /bft lock.locked: a block of height 1, not 2/,
    );
    expect(record([1, 0, empty, 0, empty, "x"])).toThrowError(/bft lock.polka/);
  });

  it("loads what it saved, starts empty, and keeps the last saved lock when storing fails", async () => {
    const store = memoryStore();
    const first = await LockStore.load(store);
    expect(first.stored()).toBeNull();
    const lock: StoredLock = { height: 3, ...none };
    await first.save(lock);
    expect(first.stored()).toEqual(lock);
    expect((await LockStore.load(store)).stored()).toEqual(lock);
    store.fail();
    await expect(first.save({ height: 4, ...none })).rejects.toThrowError(/disk full/);
    expect(first.stored()).toEqual(lock);
  });

  it("refuses to start on unreadable bytes with a BftError naming the record", async () => {
    const store = memoryStore();
    store.data.set(LOCK_KEY, new Uint8Array([0xc1]));
    const err = await LockStore.load(store).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BftError);
    expect(err).toMatchObject({ code: "BFT_ERROR_BAD_STORED_DATA", type: { field: LOCK_KEY } });
    expect((err as Error).message).toMatch(
      /^bft: the stored lock \(consensus data "bft\/lock"\) is unreadable: /,
    );
  });
});
