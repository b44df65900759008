import { describe, expect, it } from "vitest";
import { LAST_SIGNED_KEY, SignGuard, SignStep } from "../../src/bft/signGuard.ts";
import { memoryStore } from "./memoryConsensusData.ts";

/** Stands for the encoded message of a step. */
const msg = (hash: string) => new TextEncoder().encode(`message for ${hash}`);

describe("SignGuard", () => {
  it("allows each step once, in order, and the same message again", async () => {
    const guard = await SignGuard.load(memoryStore());
    expect(await guard.claim(5, 0, SignStep.Prevote, "aa", msg("aa"))).toBe(true);
    expect(await guard.claim(5, 0, SignStep.Prevote, "aa", msg("aa"))).toBe(true);
    expect(await guard.claim(5, 0, SignStep.Prevote, "", msg(""))).toBe(false);
    expect(await guard.claim(5, 0, SignStep.Propose, "aa", msg("aa"))).toBe(false);
    expect(await guard.claim(5, 0, SignStep.Precommit, "", msg(""))).toBe(true);
    expect(await guard.claim(5, 1, SignStep.Propose, "bb", msg("bb"))).toBe(true);
    expect(await guard.claim(4, 9, SignStep.Precommit, "bb", msg("bb"))).toBe(false);
    expect(await guard.claim(6, 0, SignStep.Prevote, "cc", msg("cc"))).toBe(true);
  });

  it("remembers across restarts, and never signs when it cannot store", async () => {
    const store = memoryStore();
    const first = await SignGuard.load(store);
    await first.claim(7, 2, SignStep.Prevote, "aa", msg("aa"));
    expect(store.data.has(LAST_SIGNED_KEY)).toBe(true);
    const restarted = await SignGuard.load(store);
    expect(restarted.lastSigned()).toEqual({
      height: 7,
      round: 2,
      step: SignStep.Prevote,
      hash: "aa",
      data: msg("aa"),
    });
    expect(await restarted.claim(7, 0, SignStep.Prevote, "", msg(""))).toBe(false);
    expect(await restarted.claim(7, 2, SignStep.Prevote, "", msg(""))).toBe(false);
    expect(await restarted.claim(7, 2, SignStep.Prevote, "aa", msg("aa"))).toBe(true);
    expect(await restarted.claim(7, 3, SignStep.Prevote, "", msg(""))).toBe(true);
    store.fail();
    await expect(restarted.claim(8, 0, SignStep.Prevote, "", msg(""))).rejects.toThrowError(/disk full/);
    // The failed step was not recorded: the last signed one still stands.
    expect(await restarted.claim(7, 3, SignStep.Prevote, "", msg(""))).toBe(true);
    expect(await restarted.claim(7, 3, SignStep.Prevote, "aa", msg("aa"))).toBe(false);
  });

  it("refuses to start on unreadable stored bytes", async () => {
    const store = memoryStore();
    store.data.set(LAST_SIGNED_KEY, new Uint8Array([1, 2, 3]));
    await expect(SignGuard.load(store)).rejects.toThrowError(/bft last signed/);
  });
});
