import { bytesToHex, ed25519KeyPairFromSeed } from "@vshard/crypto";
import { type ConsensusApp, electProducers, nullLogger } from "@vshard/engine";
import { type Account, addressFromPublicKey } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { DposError, defaultDposOptions, dposOptionsFrom } from "../../src/dpos/options.ts";
import {
  decodeSchedule,
  electionHeight,
  encodeSchedule,
  epochOfHeight,
  isElectionHeight,
  producerOfSlot,
  slotOf,
  slotStart,
} from "../../src/dpos/schedule.ts";
import { ScheduleBook } from "../../src/dpos/scheduleBook.ts";

const clock = { genesisTime: 1_000, slotMs: 500 };
const keys = Array.from(
  { length: 5 },
  (_, i) => ed25519KeyPairFromSeed(new Uint8Array(32).fill(i + 1)).publicKey,
);

describe("slot math", () => {
  it("counts slots from the genesis time", () => {
    expect(slotOf(clock, 1_000)).toBe(0);
    expect(slotOf(clock, 1_499)).toBe(0);
    expect(slotOf(clock, 1_500)).toBe(1);
    expect(slotOf(clock, 999)).toBe(-1);
    expect(slotStart(clock, 7)).toBe(4_500);
    expect(slotOf(clock, slotStart(clock, 7))).toBe(7);
    expect(slotOf(clock, slotStart(clock, 8) - 1)).toBe(7);
  });

  it("gives slots round robin in rank order; none for an empty schedule or before genesis", () => {
    const schedule = keys.slice(0, 3);
    expect([0, 1, 2, 3, 4, 5].map((s) => bytesToHex(producerOfSlot(schedule, s)!))).toEqual(
      [0, 1, 2, 0, 1, 2].map((i) => bytesToHex(schedule[i])),
    );
    expect(producerOfSlot([], 3)).toBeUndefined();
    expect(producerOfSlot(schedule, -1)).toBeUndefined();
  });
});

describe("epochs", () => {
  it("epoch e holds heights e·L+1 .. (e+1)·L and is elected at height e·L", () => {
    const L = 10;
    expect(epochOfHeight(0, L)).toBe(0);
    expect(epochOfHeight(1, L)).toBe(0);
    expect(epochOfHeight(10, L)).toBe(0);
    expect(epochOfHeight(11, L)).toBe(1);
    expect(epochOfHeight(20, L)).toBe(1);
    expect(epochOfHeight(21, L)).toBe(2);
    expect(electionHeight(0, L)).toBe(0);
    expect(electionHeight(2, L)).toBe(20);
    expect(isElectionHeight(20, L)).toBe(true);
    expect(isElectionHeight(21, L)).toBe(false);
    // The election block of the epoch of h is always below h.
    for (let h = 1; h <= 40; h++) expect(electionHeight(epochOfHeight(h, L), L)).toBeLessThan(h);
  });
});

describe("election rank order", () => {
  it("the schedule lists the elected by votes received, ties by address", () => {
    const account = (votesReceived: bigint, stake = 1n): Account => ({
      balance: 0n,
      nonce: 0,
      staking: { stake, votes: [], candidate: true, votesReceived },
    });
    const candidates = keys.map((publicKey, i) => ({
      publicKey,
      address: addressFromPublicKey(publicKey),
      account: account([5n, 9n, 5n, 7n, 100n][i], i === 4 ? 0n : 1n),
    }));
    const elected = electProducers(candidates, 3).map((c) => bytesToHex(c.publicKey));
    const tied = [0, 2].sort((a, b) =>
      bytesToHex(candidates[a].address) < bytesToHex(candidates[b].address) ? -1 : 1,
    );
    // Candidate 4 has the most votes but no stake of its own: not eligible.
    expect(elected).toEqual([1, 3, tied[0]].map((i) => bytesToHex(keys[i])));
  });
});

describe("schedule encoding", () => {
  it("round-trips and refuses malformed bytes with a typed error", () => {
    expect(decodeSchedule(encodeSchedule(keys)).map(bytesToHex)).toEqual(keys.map(bytesToHex));
    expect(decodeSchedule(encodeSchedule([]))).toEqual([]);
    expect(() => decodeSchedule(new Uint8Array([0xc1]))).toThrow(DposError);
    expect(() => decodeSchedule(encodeSchedule([new Uint8Array(5)]))).toThrow(/stored dpos schedule/);
  });
});

describe("dposOptionsFrom", () => {
  it("falls back to the defaults", () => {
    expect(dposOptionsFrom({})).toEqual(defaultDposOptions);
    expect(
      dposOptionsFrom({ producers: 4, epochLength: 10, slotMs: 100, faults: { doubleProduce: true } }),
    ).toMatchObject({ producers: 4, epochLength: 10, slotMs: 100, faults: { doubleProduce: true } });
  });

  it("names the parameter at fault", () => {
    const bad = (params: Record<string, unknown>, message: RegExp) => {
      let err: unknown;
      try {
        dposOptionsFrom(params);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DposError);
      expect((err as DposError).code).toBe("DPOS_ERROR_BAD_OPTION");
      expect((err as Error).message).toMatch(message);
    };
    bad({ producers: 0 }, /producers: expected an integer >= 1/);
    bad({ producers: 1.5 }, /producers/);
    bad(
      { producers: 21, epochLength: 15 },
      /epochLength: 15 must be greater than the irreversibility depth 15/,
    );
    bad({ slotMs: 5 }, /slotMs: expected an integer >= 10/);
    bad({ emptyBlocks: "yes" }, /emptyBlocks: expected a boolean/);
    bad(
      { producers: 4, maxForkDepth: 3 },
      /maxForkDepth: 3 must be greater than the irreversibility depth 3/,
    );
    bad({ faults: true }, /faults: expected an object/);
    bad({ faults: { doubleProduce: 1 } }, /faults.doubleProduce: expected a boolean/);
    bad({ faults: { crash: true } }, /faults.crash: unknown/);
    bad({ producer: 4 }, /producer: unknown; dpos takes producers, epochLength/);
  });
});

describe("ScheduleBook", () => {
  const account = (stake: bigint): Account => ({
    balance: 0n,
    nonce: 0,
    staking: { stake, votes: [], candidate: true, votesReceived: stake },
  });
  function fakeApp(headHeight: number) {
    const data = new Map<string, Uint8Array>();
    const app = {
      head: () => ({ height: headHeight, hash: new Uint8Array(32), stateRoot: new Uint8Array(32) }),
      getAccounts: async (addresses: Uint8Array[]) => addresses.map((_, i) => account(BigInt(10 - i))),
      loadConsensusData: async (name: string) => data.get(name) ?? null,
      saveConsensusData: async (name: string, value: Uint8Array) => {
        data.set(name, value);
      },
    } as unknown as ConsensusApp;
    return { app, data };
  }

  it("elects at the committed election block and stores the schedule; refuses an unknown one", async () => {
    const { app, data } = fakeApp(10);
    const book = new ScheduleBook(
      { producers: 3, epochLength: 10 },
      { app, candidates: [...keys, keys[0]], logger: nullLogger },
    );
    // The head is epoch 1's election block: elected from the committed state, duplicates ignored.
    expect((await book.committedSchedule(1)).map(bytesToHex)).toEqual(keys.slice(0, 3).map(bytesToHex));
    expect(decodeSchedule(data.get("schedule/1")!).map(bytesToHex)).toEqual(keys.slice(0, 3).map(bytesToHex));
    const err = await book.committedSchedule(0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DposError);
    expect((err as DposError).code).toBe("DPOS_ERROR_NO_SCHEDULE");
    // Epoch 2's election block (height 20) must be on the branch.
    await expect(book.scheduleFor(2, [])).rejects.toThrow(/election block 20 of epoch 2/);
  });
});
