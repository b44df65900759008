import { nullLogger } from "@vshard/engine";
import { decodeValue, encodeTuple, LedgerError } from "@vshard/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PeerRpc, RPC_REQUEST_TOPIC, RPC_RESPONSE_TOPIC, RpcError } from "../../src/dlfs/peerRpc.ts";
import { SimNetwork } from "../../src/network/simNetwork.ts";
import { Simulator } from "../../src/network/simulator.ts";
import type { Transport } from "../../src/network/transport.ts";
import { clockOf } from "../../src/runtime/cluster.ts";

const TIMEOUT_MS = 1_000;
const LATENCY_MS = 10;

class TestError extends LedgerError<{ code: "TEST_ERROR_REFUSED" }> {}

/** The outcome of a promise as it stands, without awaiting it (the simulator decides when it settles). */
interface Outcome<T> {
  settled: boolean;
  value?: T;
  error?: unknown;
}

function watch<T>(work: Promise<T>): Outcome<T> {
  const outcome: Outcome<T> = { settled: false };
  work.then(
    (value) => Object.assign(outcome, { settled: true, value }),
    (error: unknown) => Object.assign(outcome, { settled: true, error }),
  );
  return outcome;
}

/** A simulator and a network with fixed 10 ms links (no jitter, no loss) so that times are exact. */
function setup(seed = 1) {
  const sim = new Simulator({ seed, startTime: 0 });
  const net = new SimNetwork(sim, { latencyMs: LATENCY_MS, jitterMs: 0, lossRate: 0 });
  const endpoint = (id: string, timeoutMs = TIMEOUT_MS) =>
    new PeerRpc({ timeoutMs }, { transport: net.join(id), clock: clockOf(sim, id), logger: nullLogger });
  return { sim, net, endpoint };
}

/** A bare transport that logs what arrives on both RPC topics (to forge messages and see answers). */
function rawPeer(net: SimNetwork, id: string) {
  const transport = net.join(id);
  const requests: unknown[] = [];
  const responses: unknown[] = [];
  transport.subscribe(RPC_REQUEST_TOPIC, (_from, data) => {
    requests.push(decodeValue(data, "request"));
  });
  transport.subscribe(RPC_RESPONSE_TOPIC, (_from, data) => {
    responses.push(decodeValue(data, "response"));
  });
  return { transport, requests, responses };
}

function rpcErrorOf(outcome: Outcome<unknown>): RpcError {
  expect(outcome.settled).toBe(true);
  expect(outcome.error).toBeInstanceOf(RpcError);
  return outcome.error as RpcError;
}

describe("PeerRpc", () => {
  it("carries a request to its peer and the answer back, in one round trip of virtual time", async () => {
    const { sim, endpoint } = setup();
    const a = endpoint("a");
    const b = endpoint("b");
    const seen: Array<{ from: string; args: unknown[] }> = [];
    b.handle("echo", async (from, args) => {
      seen.push({ from, args });
      return ["echoed", ...args];
    });
    const answer = watch(a.request("b", "echo", [7, "x", Uint8Array.of(1, 2, 3)]));
    await sim.runFor(2 * LATENCY_MS - 1);
    expect(answer.settled).toBe(false);
    await sim.runFor(1);
    // Bytes come back as bytes (msgpack bin; a Buffer, which is a Uint8Array).
    const [tag, n, text, bytes] = answer.value as unknown[];
    expect([tag, n, text]).toEqual(["echoed", 7, "x"]);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(bytes as Uint8Array)).toEqual([1, 2, 3]);
    expect(seen.map((s) => s.from)).toEqual(["a"]);
    expect(Array.from(seen[0].args[2] as Uint8Array)).toEqual([1, 2, 3]);
    expect(a.peerId).toBe("a");
  });

  it("matches each answer to its request when many cross reordered links", async () => {
    const sim = new Simulator({ seed: 9, startTime: 0 });
    const net = new SimNetwork(sim, { latencyMs: 5, jitterMs: 40, lossRate: 0 });
    const mk = (id: string) =>
      new PeerRpc(
        { timeoutMs: TIMEOUT_MS },
        { transport: net.join(id), clock: clockOf(sim, id), logger: nullLogger },
      );
    const a = mk("a");
    for (const id of ["b", "c"]) mk(id).handle("double", async (_from, [n]) => [id, (n as number) * 2]);
    const answers = Array.from({ length: 40 }, (_, i) => watch(a.request(i % 2 ? "b" : "c", "double", [i])));
    await sim.runFor(200);
    expect(answers.map((answer) => answer.value)).toEqual(answers.map((_, i) => [i % 2 ? "b" : "c", 2 * i]));
  });

  it("returns a handler's typed error as RPC_ERROR_REMOTE with its code and message", async () => {
    const { sim, endpoint } = setup();
    const a = endpoint("a");
    endpoint("b").handle("refuse", async () => {
      throw new TestError({ code: "TEST_ERROR_REFUSED" }, "not today");
    });
    const answer = watch(a.request("b", "refuse", []));
    await sim.runFor(2 * LATENCY_MS);
    const err = rpcErrorOf(answer);
    expect(err.code).toBe("RPC_ERROR_REMOTE");
    expect(err.type).toEqual({
      code: "RPC_ERROR_REMOTE",
      peer: "b",
      op: "refuse",
      remoteCode: "TEST_ERROR_REFUSED",
    });
    expect(err.message).toContain("not today");
  });

  it("answers RPC_ERROR_REMOTE to a handler that throws a plain Error, and keeps serving", async () => {
    const { sim, endpoint } = setup();
    const a = endpoint("a");
    const b = endpoint("b");
    let calls = 0;
    b.handle("flaky", async () => {
      if (++calls === 1) throw new Error("disk on fire");
      return ["fine"];
    });
    const first = watch(a.request("b", "flaky", []));
    await sim.runFor(2 * LATENCY_MS);
    const err = rpcErrorOf(first);
    expect(err.code).toBe("RPC_ERROR_REMOTE");
    expect(err.type.remoteCode).toBe("ERROR");
    expect(err.message).toContain("disk on fire");
    const second = watch(a.request("b", "flaky", []));
    await sim.runFor(2 * LATENCY_MS);
    expect(second.value).toEqual(["fine"]);
    expect(sim.errors()).toEqual([]);
  });

  // Fails as of this writing for null and undefined: `onRequest` reads `(err as Error).message` on the thrown value,
  // which throws a TypeError inside the catch, so no answer goes back and the caller waits for its timeout.
  it.each([
    ["null", null],
    ["undefined", undefined],
    ["a string", "plain text"],
  ])("answers RPC_ERROR_REMOTE to a handler that throws %s (not an Error)", async (_name, thrown) => {
    const { sim, endpoint } = setup();
    const a = endpoint("a");
    endpoint("b").handle("odd", async () => {
      throw thrown;
    });
    const answer = watch(a.request("b", "odd", []));
    await sim.runFor(2 * LATENCY_MS, { tolerateErrors: true });
    const raised = sim.errors().map((e) => e.message);
    expect(raised.join("; ")).toBe("");
    expect(answer.settled).toBe(true);
    expect(rpcErrorOf(answer).code).toBe("RPC_ERROR_REMOTE");
  });

  it("answers RPC_ERROR_UNKNOWN_OP for an op nobody serves, or one whose handler was removed", async () => {
    const { sim, endpoint } = setup();
    const a = endpoint("a");
    const b = endpoint("b");
    const unknown = watch(a.request("b", "nope", []));
    await sim.runFor(2 * LATENCY_MS);
    const err = rpcErrorOf(unknown);
    expect(err.code).toBe("RPC_ERROR_UNKNOWN_OP");
    expect(err.type).toMatchObject({ peer: "b", op: "nope", remoteCode: "RPC_ERROR_UNKNOWN_OP" });

    const unregister = b.handle("ping", async () => ["pong"]);
    // A second registration replaces the first; the first's unregister function then leaves it alone.
    const unregisterSecond = b.handle("ping", async () => ["pong 2"]);
    unregister();
    const replaced = watch(a.request("b", "ping", []));
    await sim.runFor(2 * LATENCY_MS);
    expect(replaced.value).toEqual(["pong 2"]);
    unregisterSecond();
    const removed = watch(a.request("b", "ping", []));
    await sim.runFor(2 * LATENCY_MS);
    expect(rpcErrorOf(removed).code).toBe("RPC_ERROR_UNKNOWN_OP");
  });

  it("times out after exactly the timeout in virtual time when the peer crashed", async () => {
    const { sim, net, endpoint } = setup();
    const a = endpoint("a");
    endpoint("b").handle("ping", async () => ["pong"]);
    net.crash("b");
    const answer = watch(a.request("b", "ping", []));
    await sim.runFor(TIMEOUT_MS - 1);
    expect(answer.settled).toBe(false);
    await sim.runFor(1);
    const err = rpcErrorOf(answer);
    expect(err.code).toBe("RPC_ERROR_TIMEOUT");
    expect(err.type).toEqual({ code: "RPC_ERROR_TIMEOUT", peer: "b", op: "ping" });
  });

  it("times out across a partition, honours a per-request timeout, and serves again once healed", async () => {
    const { sim, net, endpoint } = setup();
    const a = endpoint("a");
    endpoint("b").handle("ping", async () => ["pong"]);
    net.partition([["a"], ["b"]]);
    const answer = watch(a.request("b", "ping", [], 300));
    await sim.runFor(299);
    expect(answer.settled).toBe(false);
    await sim.runFor(1);
    expect(rpcErrorOf(answer).code).toBe("RPC_ERROR_TIMEOUT");
    net.heal();
    const again = watch(a.request("b", "ping", []));
    await sim.runFor(2 * LATENCY_MS);
    expect(again.value).toEqual(["pong"]);
  });

  it("drops an answer that arrives after the timeout, without throwing", async () => {
    const { sim, net, endpoint } = setup();
    const a = endpoint("a");
    const b = endpoint("b");
    let served = 0;
    b.handle("ping", async () => {
      served++;
      return ["pong"];
    });
    net.setLink("a", "b", { latencyMs: 600 });
    const answer = watch(a.request("b", "ping", []));
    await sim.runFor(TIMEOUT_MS);
    expect(rpcErrorOf(answer).code).toBe("RPC_ERROR_TIMEOUT");
    await sim.runFor(1_000); // the answer lands at 1,200 ms
    expect(served).toBe(1);
    expect(net.peerStats("b").delivered).toBe(1);
    expect(sim.errors()).toEqual([]);
  });

  it("close() rejects pending requests with RPC_ERROR_CLOSED at once, and later ones too", async () => {
    const { sim, net, endpoint } = setup();
    const a = endpoint("a");
    endpoint("b");
    net.crash("b");
    const pending = [watch(a.request("b", "one", [])), watch(a.request("b", "two", []))];
    await sim.runFor(10);
    expect(pending.some((p) => p.settled)).toBe(false);
    a.close();
    await Promise.resolve();
    const errs = pending.map(rpcErrorOf);
    expect(errs.map((e) => [e.code, e.type.op])).toEqual([
      ["RPC_ERROR_CLOSED", "one"],
      ["RPC_ERROR_CLOSED", "two"],
    ]);
    // Their timers went with them: nothing is left to fire.
    expect(sim.pending()).toBe(0);
    const after = watch(a.request("b", "three", []));
    await Promise.resolve();
    expect(rpcErrorOf(after).code).toBe("RPC_ERROR_CLOSED");
    a.close(); // idempotent
  });

  it("a closed endpoint serves nothing more: its callers time out", async () => {
    const { sim, endpoint } = setup();
    const a = endpoint("a");
    const b = endpoint("b");
    b.handle("ping", async () => ["pong"]);
    b.close();
    const answer = watch(a.request("b", "ping", []));
    await sim.runFor(TIMEOUT_MS);
    expect(rpcErrorOf(answer).code).toBe("RPC_ERROR_TIMEOUT");
  });

  it("drops requests of the wrong shape without calling a handler or answering", async () => {
    const { sim, net, endpoint } = setup();
    const b = endpoint("b");
    let calls = 0;
    b.handle("echo", async (_from, args) => {
      calls++;
      return args;
    });
    const x = rawPeer(net, "x");
    const malformed: Uint8Array[] = [
      new Uint8Array(0),
      Uint8Array.of(0xc1), // a byte msgpack never uses
      encodeTuple([1, "echo"]),
      encodeTuple([1, "echo", [], "extra"]),
      encodeTuple([1, 2, []]),
      encodeTuple(["1", "echo", []]),
      encodeTuple([1.5, "echo", []]),
      encodeTuple([2 ** 60, "echo", []]),
      encodeTuple([1, "echo", "not a list"]),
      encodeTuple([1, "echo", null]),
      encodeTuple([null, "echo", []]),
      Uint8Array.of(0x81, 0xa1, 0x61, 0x01), // a map {a: 1}
      encodeTuple([1, "echo", []]).subarray(0, 3), // cut short
    ];
    for (const data of malformed) x.transport.send("b", RPC_REQUEST_TOPIC, data);
    await sim.runFor(2 * LATENCY_MS);
    expect(calls).toBe(0);
    expect(x.responses).toEqual([]);
    expect(sim.errors()).toEqual([]);
    // A well-formed request from the same peer is still answered.
    x.transport.send("b", RPC_REQUEST_TOPIC, encodeTuple([5, "echo", ["hi"]]));
    await sim.runFor(2 * LATENCY_MS);
    expect(x.responses).toEqual([[5, true, ["hi"]]]);
    expect(calls).toBe(1);
  });

  it("drops malformed answers, answers to unknown ids and answers from a peer not asked", async () => {
    const { sim, net, endpoint } = setup();
    const a = endpoint("a", 10_000);
    const x = rawPeer(net, "x");
    const y = rawPeer(net, "y");
    const answer = watch(a.request("x", "ask", ["q"]));
    await sim.runFor(LATENCY_MS);
    expect(x.requests).toHaveLength(1);
    const [id, op, args] = x.requests[0] as [number, string, unknown[]];
    expect([op, args]).toEqual(["ask", ["q"]]);
    const forged: Array<[Transport, Uint8Array]> = [
      [x.transport, new Uint8Array(0)],
      [x.transport, Uint8Array.of(0x93, 0x01)],
      [x.transport, encodeTuple([id, true])],
      [x.transport, encodeTuple([id, "true", ["forged"]])],
      [x.transport, encodeTuple([id, 1, ["forged"]])],
      [x.transport, encodeTuple([id, true, "forged"])],
      [x.transport, encodeTuple([String(id), true, ["forged"]])],
      [x.transport, encodeTuple([id + 1, true, ["forged"]])],
      [x.transport, encodeTuple([id + 1, false, ["TEST_ERROR_REFUSED", "forged"]])],
      // The right id and shape, but from a peer that was not asked.
      [y.transport, encodeTuple([id, true, ["forged"]])],
      [y.transport, encodeTuple([id, false, ["TEST_ERROR_REFUSED", "forged"]])],
    ];
    for (const [from, data] of forged) from.send("a", RPC_RESPONSE_TOPIC, data);
    await sim.runFor(2 * LATENCY_MS);
    expect(answer.settled).toBe(false);
    expect(sim.errors()).toEqual([]);
    x.transport.send("a", RPC_RESPONSE_TOPIC, encodeTuple([id, true, ["real"]]));
    await sim.runFor(LATENCY_MS);
    expect(answer.value).toEqual(["real"]);
    // A duplicate of the real answer finds nothing to settle.
    x.transport.send("a", RPC_RESPONSE_TOPIC, encodeTuple([id, false, ["TEST_ERROR_REFUSED", "late"]]));
    await sim.runFor(LATENCY_MS);
    expect(answer.value).toEqual(["real"]);
    expect(sim.errors()).toEqual([]);
  });

  it("property: random bytes on either topic never throw, never settle a request, never stop the endpoint", async () => {
    const { sim, net, endpoint } = setup(3);
    const b = endpoint("b", 1_000_000);
    let calls = 0;
    b.handle("echo", async (_from, args) => {
      calls++;
      return args;
    });
    endpoint("c"); // asked by b and silent: its request stays pending
    net.crash("c");
    const waiting = watch(b.request("c", "echo", ["q"]));
    const x = net.join("x");
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 64 }),
        fc.boolean(),
        async (data, asRequest) => {
          x.send("b", asRequest ? RPC_REQUEST_TOPIC : RPC_RESPONSE_TOPIC, data);
          await sim.runFor(LATENCY_MS);
          expect(sim.errors()).toEqual([]);
          expect(waiting.settled).toBe(false);
        },
      ),
      { numRuns: 300, seed: 42 },
    );
    const a = endpoint("a");
    const answer = watch(a.request("b", "echo", ["still here"]));
    await sim.runFor(2 * LATENCY_MS);
    expect(answer.value).toEqual(["still here"]);
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(waiting.settled).toBe(false);
  });
});
