import { ED25519_PUBLIC_KEY_LENGTH } from "@vshard/crypto";
import { CodecError, decodeTuple, encodeTuple, expectArray, expectBytes } from "@vshard/types";
import { DposError } from "./options.ts";

/** Slot timing of a dpos chain: slots of `slotMs` counted from the genesis block's time. */
export interface SlotClock {
  genesisTime: number;
  slotMs: number;
}

/** The slot a time falls in (negative before genesis). */
export function slotOf(clock: SlotClock, time: number): number {
  return Math.floor((time - clock.genesisTime) / clock.slotMs);
}

/** The first millisecond of a slot. */
export function slotStart(clock: SlotClock, slot: number): number {
  return clock.genesisTime + slot * clock.slotMs;
}

/** The epoch of a block at height ≥ 1: ⌊(h − 1) / epochLength⌋ (genesis, height 0, counts as epoch 0). */
export function epochOfHeight(height: number, epochLength: number): number {
  return height <= 0 ? 0 : Math.floor((height - 1) / epochLength);
}

/** Height of the block whose state elects epoch `epoch`: the last block of the epoch before (0 for epoch 0). */
export function electionHeight(epoch: number, epochLength: number): number {
  return epoch * epochLength;
}

/** Whether the state after this height elects the next epoch. */
export function isElectionHeight(height: number, epochLength: number): boolean {
  return height % epochLength === 0;
}

/** The producer of a slot: round robin over the schedule (election rank order); undefined for an empty schedule. */
export function producerOfSlot(schedule: readonly Uint8Array[], slot: number): Uint8Array | undefined {
  if (schedule.length === 0 || slot < 0) return undefined;
  return schedule[slot % schedule.length];
}

/** Canonical bytes of a schedule: [[producer public key, ...]] in rank order. */
export function encodeSchedule(schedule: readonly Uint8Array[]): Uint8Array {
  return encodeTuple([[...schedule]]);
}

/** Decodes a stored schedule; malformed bytes throw `DposError` (code DPOS_ERROR_BAD_SCHEDULE). */
export function decodeSchedule(bytes: Uint8Array): Uint8Array[] {
  try {
    const [keys] = decodeTuple(bytes, 1, "dpos schedule");
    return expectArray(keys, "dpos schedule.producers", (v, what) =>
      expectBytes(v, what, ED25519_PUBLIC_KEY_LENGTH),
    );
  } catch (err) {
    if (!(err instanceof CodecError)) throw err;
    throw new DposError({ code: "DPOS_ERROR_BAD_SCHEDULE" }, `stored dpos schedule: ${err.message}`);
  }
}

/** The consensus-data name a committed epoch's schedule is stored under. */
export function scheduleKey(epoch: number): string {
  return `schedule/${epoch}`;
}
