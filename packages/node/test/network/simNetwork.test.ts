import { describe, expect, it } from "vitest";
import { NetworkError, SimNetwork, Simulator, type Transport } from "../../src/index.ts";

const T0 = 0;
const bytes = (...values: number[]) => Uint8Array.from(values);

/** A simulator and a network of `ids`, each subscribed to `topic`, logging what it receives. */
function cluster(seed: number, ids: string[], opts: ConstructorParameters<typeof SimNetwork>[1] = {}) {
  const sim = new Simulator({ seed, startTime: T0 });
  const net = new SimNetwork(sim, opts);
  const log: string[] = [];
  const nodes = new Map<string, Transport>();
  const attach = (id: string) => {
    const t = net.join(id);
    t.subscribe("t", (from, data) => {
      log.push(`${sim.now()} ${from}->${id} ${data.join(",")}`);
    });
    nodes.set(id, t);
    return t;
  };
  for (const id of ids) attach(id);
  return { sim, net, log, nodes, attach, node: (id: string) => nodes.get(id) as Transport };
}

/** A seeded gossip scenario with jitter and loss; returns its delivery log. */
async function gossipRun(seed: number): Promise<string[]> {
  const ids = ["a", "b", "c", "d", "e"];
  const { sim, log, node } = cluster(seed, ids, { latencyMs: 15, jitterMs: 20, lossRate: 0.2 });
  for (let i = 0; i < 40; i++) {
    const id = ids[i % ids.length];
    sim.schedule(i * 3, () => node(id).publish("t", bytes(i)));
  }
  await sim.runFor(1000);
  return log;
}

describe("SimNetwork", () => {
  it("replays the same delivery log from the same seed, and a different one from another seed", async () => {
    const first = await gossipRun(11);
    expect(first.length).toBeGreaterThan(80);
    expect(first.length).toBeLessThan(160); // 160 sends, ~20% lost
    expect(await gossipRun(11)).toEqual(first);
    expect(await gossipRun(12)).not.toEqual(first);
  });

  it("delays each message by the latency plus a jitter in [0, jitter]", async () => {
    const { sim, net, node } = cluster(3, ["a"], { latencyMs: 20, jitterMs: 10 });
    const b = net.join("b");
    const delays: number[] = [];
    b.subscribe("t", (_from, data) => {
      delays.push(sim.now() - new DataView(data.buffer, data.byteOffset).getFloat64(0));
    });
    for (let i = 0; i < 2000; i++) {
      sim.schedule(i, () => {
        const data = new Uint8Array(8);
        new DataView(data.buffer).setFloat64(0, sim.now());
        node("a").send("b", "t", data);
      });
    }
    await sim.runFor(5000);
    expect(delays).toHaveLength(2000);
    expect(Math.min(...delays)).toBe(20);
    expect(Math.max(...delays)).toBe(30);
    expect(delays.every((d) => Number.isInteger(d))).toBe(true);
    expect(net.stats()).toEqual({ sent: 2000, delivered: 2000, dropped: 0 });
  });

  it("loses messages at about the configured rate, and its counts add up", async () => {
    const { sim, net, node } = cluster(5, ["a", "b"], { lossRate: 0.2 });
    for (let i = 0; i < 10_000; i++) node("a").send("b", "t", bytes(1));
    await sim.runFor(1000);
    const { sent, delivered, dropped } = net.stats();
    expect(sent).toBe(10_000);
    expect(delivered + dropped).toBe(sent);
    expect(Math.abs(dropped / sent - 0.2)).toBeLessThan(0.02); // σ = 0.004
    expect(net.peerStats("a")).toEqual({ sent, delivered, dropped, received: 0 });
    expect(net.peerStats("b")).toEqual({ sent: 0, delivered: 0, dropped: 0, received: delivered });
  });

  it("applies per-link settings in both directions", async () => {
    const { sim, net, log, node } = cluster(1, ["a", "b", "c"], { latencyMs: 10, jitterMs: 0 });
    net.setLink("b", "a", { latencyMs: 100, lossRate: 0 });
    expect(net.linkOf("a", "b")).toEqual({ latencyMs: 100, jitterMs: 0, lossRate: 0 });
    node("a").publish("t", bytes(1));
    node("b").send("a", "t", bytes(2));
    await sim.runFor(200);
    expect(log).toEqual(["10 a->c 1", "100 a->b 1", "100 b->a 2"]);
    net.setLink("a", "b", {});
    expect(net.linkOf("b", "a").latencyMs).toBe(10);
    expect(() => net.setLink("a", "b", { lossRate: 1.5 })).toThrow(NetworkError);
    expect(() => net.setLink("a", "b", { latencyMs: 2.5 })).toThrow(NetworkError);
    expect(() => new SimNetwork(sim, { jitterMs: -1 })).toThrow(NetworkError);
  });

  it("drops messages across a partition (unlisted peers form a group), and heal restores delivery", async () => {
    const { sim, net, log, node } = cluster(1, ["a", "b", "c", "d", "e"], { jitterMs: 0 });
    net.partition([["a", "b"], ["c"]]);
    expect(node("a").peers()).toEqual(["b"]);
    expect(node("d").peers()).toEqual(["e"]);
    node("a").publish("t", bytes(1));
    node("d").publish("t", bytes(2));
    await sim.runFor(100);
    expect(log).toEqual(["20 a->b 1", "20 d->e 2"]);
    expect(net.peerStats("a")).toMatchObject({ sent: 4, delivered: 1, dropped: 3 });

    net.heal();
    expect(node("a").peers()).toEqual(["b", "c", "d", "e"]);
    node("c").send("a", "t", bytes(3));
    await sim.runFor(100);
    expect(log.at(-1)).toBe("120 c->a 3");
    expect(() => net.partition([["a"], ["b", "a"]])).toThrow(NetworkError);
  });

  it("checks reachability again at delivery time", async () => {
    const { sim, net, log, node } = cluster(1, ["a", "b"], { jitterMs: 0 });
    node("a").send("b", "t", bytes(1));
    sim.schedule(5, () => net.partition([["a"], ["b"]]));
    await sim.runFor(100);
    expect(log).toEqual([]);
    expect(net.stats()).toEqual({ sent: 1, delivered: 0, dropped: 1 });
  });

  it("crash stops delivery to the peer, cancels its timers and deliveries; what it sent before still arrives", async () => {
    const { sim, net, log, node } = cluster(1, ["a", "b", "c"], { jitterMs: 0 });
    const fired: string[] = [];
    sim.clock("c").setTimer(50, () => {
      fired.push("c");
    });
    sim.clock("b").setTimer(50, () => {
      fired.push("b");
    });
    node("a").send("c", "t", bytes(1));
    node("c").send("b", "t", bytes(2));
    sim.schedule(10, () => net.crash("c"));
    await sim.runFor(100);
    expect(log).toEqual(["20 c->b 2"]);
    expect(fired).toEqual(["b"]);
    expect(sim.pending()).toBe(0);
    expect(net.peerStats("a")).toMatchObject({ sent: 1, dropped: 1 });
    expect(net.livePeers()).toEqual(["a", "b"]);

    // The dead transport neither sends nor receives, nor sees peers.
    const dead = node("c");
    dead.publish("t", bytes(3));
    dead.send("a", "t", bytes(3));
    node("a").send("c", "t", bytes(4));
    await sim.runFor(100);
    expect(log).toHaveLength(1);
    expect(dead.peers()).toEqual([]);
    expect(net.stats()).toEqual({ sent: 3, delivered: 1, dropped: 2 });
    expect(() => net.crash("nobody")).toThrow(NetworkError);
  });

  it("restarts a crashed peer under the same id; joining a live id throws", async () => {
    const { sim, net, log, node, attach } = cluster(1, ["a", "b"], { jitterMs: 0 });
    expect(() => net.join("b")).toThrow(expect.objectContaining({ code: "NETWORK_ERROR_PEER_LIVE" }));
    const old = node("b");
    net.crash("b");
    attach("b");
    node("a").publish("t", bytes(7));
    old.close(); // closing the dead instance does not affect the new one
    await sim.runFor(100);
    expect(log).toEqual(["20 a->b 7"]);
    expect(node("a").peers()).toEqual(["b"]);
  });

  it("drops sends to an unknown peer or a peer with no handler for the topic, and counts them", async () => {
    const { sim, net, node } = cluster(1, ["a", "b"]);
    node("a").send("ghost", "t", bytes(1));
    node("a").send("b", "other", bytes(1));
    await sim.runFor(100);
    expect(net.stats()).toEqual({ sent: 2, delivered: 0, dropped: 2 });
    expect(net.peerStats("ghost").received).toBe(0);
  });

  it("calls a topic's handlers in subscription order, awaiting each; a failing one is reported, the rest run", async () => {
    const { sim, net, node } = cluster(1, ["a"]);
    const b = net.join("b");
    const calls: string[] = [];
    b.subscribe("t", async () => {
      calls.push("h1 start");
      await new Promise<void>((resolve) => setImmediate(resolve));
      calls.push("h1 end");
    });
    b.subscribe("t", () => {
      throw new Error("h2 failed");
    });
    const unsubscribe = b.subscribe("t", () => {
      calls.push("h3");
    });
    node("a").send("b", "t", bytes(1));
    await expect(sim.runFor(100)).rejects.toThrow("h2 failed");
    expect(calls).toEqual(["h1 start", "h1 end", "h3"]);

    unsubscribe();
    unsubscribe();
    node("a").send("b", "t", bytes(1));
    await sim.runFor(100, { tolerateErrors: true });
    expect(calls.slice(3)).toEqual(["h1 start", "h1 end"]);
    expect(sim.errors()).toHaveLength(2);
  });

  it("gives each receiver its own copy of the bytes, taken when sent", async () => {
    const { sim, net, node } = cluster(1, ["a"]);
    const got: Uint8Array[] = [];
    for (const id of ["b", "c"]) net.join(id).subscribe("t", (_from, data) => void got.push(data));
    const buffer = bytes(1, 2, 3);
    node("a").publish("t", buffer);
    buffer[0] = 9;
    await sim.runFor(100);
    expect(got.map((d) => [...d])).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(got[0]).not.toBe(got[1]);
  });

  it("close leaves the network: nothing more is sent or delivered, and the id can join again", async () => {
    const { sim, net, log, node, attach } = cluster(1, ["a", "b"], { jitterMs: 0 });
    node("a").send("b", "t", bytes(1));
    node("b").close();
    node("b").send("a", "t", bytes(2));
    await sim.runFor(100);
    expect(log).toEqual([]);
    expect(net.stats()).toEqual({ sent: 1, delivered: 0, dropped: 1 }); // the closed transport sent nothing
    expect(node("a").peers()).toEqual([]);
    attach("b");
    node("a").send("b", "t", bytes(3));
    await sim.runFor(100);
    expect(log).toEqual(["120 a->b 3"]);
  });
});
