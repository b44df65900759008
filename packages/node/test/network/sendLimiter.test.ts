import { describe, expect, it } from "vitest";
import { SendLimiter } from "../../src/network/libp2p/sendLimiter.ts";

/** A send that finishes when the test says so. */
function gate() {
  let open!: () => void;
  const done = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { done, open };
}

describe("SendLimiter", () => {
  it("keeps at most maxInFlight sends per peer running, starts the queued ones in order, and drops past maxQueued", async () => {
    const limiter = new SendLimiter({ maxInFlight: 2, maxQueued: 2 });
    const started: number[] = [];
    const gates = Array.from({ length: 5 }, gate);
    const results = gates.map((g, i) =>
      limiter.run("p", async () => {
        started.push(i);
        await g.done;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(await results[4]).toBe(false);
    gates[1].open();
    expect(await results[1]).toBe(true);
    expect(started).toEqual([0, 1, 2]);
    gates[0].open();
    gates[2].open();
    gates[3].open();
    expect(await Promise.all(results.slice(0, 4))).toEqual([true, true, true, true]);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it("limits each peer apart, and a failed send frees its slot", async () => {
    const limiter = new SendLimiter({ maxInFlight: 1, maxQueued: 0 });
    const held = gate();
    const a = limiter.run("a", () => held.done);
    expect(await limiter.run("b", async () => {})).toBe(true);
    expect(await limiter.run("a", async () => {})).toBe(false);
    held.open();
    await a;
    await expect(limiter.run("a", () => Promise.reject(new Error("peer gone")))).rejects.toThrow("peer gone");
    expect(await limiter.run("a", async () => {})).toBe(true);
  });
});
