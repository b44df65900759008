import { describe, expect, it } from "vitest";
import { DEFAULT_SIM_START_TIME, MAX_EVENTS_PER_INSTANT, NetworkError, Simulator } from "../../src/index.ts";

describe("Simulator", () => {
  it("runs events in (time, insertion) order, a zero delay after what is already due", async () => {
    const sim = new Simulator({ seed: 1 });
    expect(sim.now()).toBe(DEFAULT_SIM_START_TIME);
    const log: string[] = [];
    sim.schedule(10, () => {
      log.push("b@10");
      sim.schedule(0, () => {
        log.push("d@10");
      });
    });
    sim.schedule(5, () => {
      log.push("a@5");
    });
    sim.schedule(10, () => {
      log.push("c@10");
    });
    sim.schedule(20, () => {
      log.push(`e@${sim.now() - DEFAULT_SIM_START_TIME}`);
    });
    expect(sim.pending()).toBe(4);
    await sim.runFor(15);
    expect(log).toEqual(["a@5", "b@10", "c@10", "d@10"]);
    expect(sim.now()).toBe(DEFAULT_SIM_START_TIME + 15);
    expect(sim.pending()).toBe(1);
    await sim.runFor(100);
    expect(log.at(-1)).toBe("e@20");
    // An empty queue: time jumps to the target.
    expect(sim.now()).toBe(DEFAULT_SIM_START_TIME + 115);
    expect(sim.pending()).toBe(0);
  });

  it("awaits each event's promise before running the next one", async () => {
    const sim = new Simulator({ seed: 1, startTime: 0 });
    const log: string[] = [];
    sim.schedule(1, async () => {
      log.push("first start");
      await new Promise<void>((resolve) => setImmediate(resolve));
      await Promise.resolve();
      log.push("first end");
    });
    sim.schedule(1, () => {
      log.push("second");
    });
    await sim.runUntil(1);
    expect(log).toEqual(["first start", "first end", "second"]);
  });

  it("cancels one event, and all events of an owner, through the owner's clock", async () => {
    const sim = new Simulator({ seed: 1, startTime: 0 });
    const clock = sim.clock("n1");
    const log: string[] = [];
    const cancel = clock.setTimer(5, () => {
      log.push("n1 cancelled");
    });
    clock.setTimer(6, () => {
      log.push("n1 timer");
    });
    sim.schedule(7, () => {
      log.push("unowned");
    });
    sim.clock("n2").setTimer(8, () => {
      log.push(`n2 at ${clock.now()}`);
    });
    cancel();
    cancel(); // idempotent
    expect(sim.pending()).toBe(3);
    sim.cancelOwner("n1");
    expect(sim.pending()).toBe(2);
    await sim.runFor(10);
    expect(log).toEqual(["unowned", "n2 at 8"]);
  });

  it("records errors of events, keeps running, and rethrows the first one unless told to tolerate them", async () => {
    const sim = new Simulator({ seed: 1, startTime: 0 });
    const ran: number[] = [];
    sim.schedule(1, () => {
      throw new Error("sync failure");
    });
    sim.schedule(2, async () => {
      await Promise.resolve();
      throw new Error("async failure");
    });
    sim.schedule(3, () => {
      ran.push(3);
    });
    await expect(sim.runFor(5)).rejects.toThrow("sync failure");
    expect(ran).toEqual([3]);
    expect(sim.errors().map((e) => e.message)).toEqual(["sync failure", "async failure"]);

    // Errors of earlier runs are not rethrown again; tolerated ones are only recorded.
    await sim.runFor(5);
    sim.schedule(1, () => Promise.reject("not an Error"));
    await sim.runFor(5, { tolerateErrors: true });
    expect(sim.errors().map((e) => e.message)).toEqual(["sync failure", "async failure", "not an Error"]);
  });

  it("runUntilCondition stops at the event that makes the predicate true, or returns false at the deadline", async () => {
    const sim = new Simulator({ seed: 1, startTime: 0 });
    let count = 0;
    for (let t = 10; t <= 100; t += 10) {
      sim.schedule(t, () => {
        count++;
      });
    }
    expect(await sim.runUntilCondition(() => count === 3, 1000)).toBe(true);
    expect(sim.now()).toBe(30);
    expect(await sim.runUntilCondition(() => count === 3, 1000)).toBe(true); // already true: nothing runs
    expect(sim.now()).toBe(30);
    expect(await sim.runUntilCondition(() => count === 100, 45)).toBe(false);
    expect(sim.now()).toBe(75);
    expect(count).toBe(7);
    expect(await sim.runUntilCondition(() => count === 100, 1000)).toBe(false); // queue runs dry
    expect(sim.now()).toBe(1075);
  });

  it("refuses bad delays, a run inside a run, and a zero-delay livelock", async () => {
    const sim = new Simulator({ seed: 1, startTime: 0 });
    expect(() => sim.schedule(-1, () => {})).toThrow(NetworkError);
    expect(() => sim.schedule(Number.NaN, () => {})).toThrow(NetworkError);
    await expect(sim.runUntil(-5)).rejects.toMatchObject({ code: "NETWORK_ERROR_BAD_OPTION" });
    expect(() => sim.fork(0)).toThrow(NetworkError);

    sim.schedule(1, () => sim.runFor(1));
    await expect(sim.runFor(2)).rejects.toMatchObject({ code: "NETWORK_ERROR_REENTRANT_RUN" });

    let spins = 0;
    const spin = () => {
      spins++;
      sim.schedule(0, spin);
    };
    sim.schedule(1, spin);
    await expect(sim.runFor(10)).rejects.toMatchObject({ code: "NETWORK_ERROR_LIVELOCK" });
    expect(spins).toBe(MAX_EVENTS_PER_INSTANT);
  });

  it("gives the same random streams for the same seed, and independent forks", () => {
    const draw = (seed: number, stream?: number) => {
      const sim = new Simulator({ seed });
      const rng = stream === undefined ? sim.random : sim.fork(stream);
      return Array.from({ length: 8 }, () => rng.nextUint32());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(7, 1)).toEqual(draw(7, 1));
    expect(draw(7, 1)).not.toEqual(draw(7));
    expect(draw(7, 1)).not.toEqual(draw(7, 2));
  });
});
