import { afterEach, describe, expect, it } from "vitest";
import { NetworkError, type RealTimeScheduler, realTimeScheduler, SimNetwork } from "../../src/index.ts";

describe("realTimeScheduler", () => {
  let scheduler: RealTimeScheduler | undefined;
  afterEach(() => scheduler?.cancelAll());

  it("delivers simulated-network messages in real time", async () => {
    scheduler = realTimeScheduler(1);
    const net = new SimNetwork(scheduler, { latencyMs: 1, jitterMs: 2 });
    const a = net.join("a");
    const b = net.join("b");
    const received = new Promise<string>((resolve) => {
      b.subscribe("t", (from, data) => resolve(`${from} ${data.join(",")}`));
    });
    a.publish("t", Uint8Array.of(1, 2));
    expect(await received).toBe("a 1,2");
    expect(net.stats()).toEqual({ sent: 1, delivered: 1, dropped: 0 });
  });

  it("cancels one timer and an owner's timers; later timers still run", async () => {
    const s = realTimeScheduler(1);
    scheduler = s;
    const ran: string[] = [];
    const cancel = s.schedule(1, () => void ran.push("cancelled"));
    s.schedule(1, () => void ran.push("x"), "x");
    s.schedule(2, () => void ran.push("y"), "y");
    cancel();
    s.cancelOwner("x");
    // Node runs timers in order of expiry: once the 5 ms sentinel fires, the earlier ones have had their turn.
    await new Promise<void>((resolve) => s.schedule(5, resolve));
    expect(ran).toEqual(["y"]);
    expect(() => s.schedule(-1, () => {})).toThrow(NetworkError);
  });

  it("reports a failing event as a process warning, not an unhandled rejection", async () => {
    const s = realTimeScheduler(1);
    scheduler = s;
    const warned = new Promise<string>((resolve) => {
      const listener = (warning: Error) => {
        if (!warning.message.includes("boom")) return;
        process.off("warning", listener);
        resolve(warning.message);
      };
      process.on("warning", listener);
    });
    s.schedule(0, () => Promise.reject(new Error("boom")), "n1");
    expect(await warned).toBe("scheduled event of n1 failed: boom");
  });
});
