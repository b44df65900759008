import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, ed25519KeyPairFromSeed } from "@vshard/crypto";
import { nullLogger } from "@vshard/engine";
import {
  addressFromPublicKey,
  addressToText,
  type SignedTx,
  type TxKind,
  type TxOfKind,
} from "@vshard/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RelayModules } from "../../src/relay/interface.ts";
import { defaultRelayOptions, type RelayOptions } from "../../src/relay/options.ts";
import { Relay } from "../../src/relay/relay.ts";
import { RelayError } from "../../src/relay/relayState.ts";
import { FakeClock, FakeRelayEndpoint, recordingLogger } from "./fakeRelayEndpoint.ts";

const MAIN = { chainId: 0, shard: 0 };
const A = { chainId: 1, shard: 0 };
const B = { chainId: 1, shard: 1 };

let dir: string;
let clock: FakeClock;
let endpoint: FakeRelayEndpoint;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vshard-relay-"));
  clock = new FakeClock();
  endpoint = new FakeRelayEndpoint([MAIN, A, B]);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Every pass a full scan unless a test says otherwise (the fake clock often stands still between passes). */
const options = (name = "state.json", over: Partial<RelayOptions> = {}): RelayOptions => ({
  ...defaultRelayOptions,
  fullScanEveryMs: 0,
  statePath: join(dir, name),
  ...over,
});

function modules(seed = 7, over: Partial<RelayModules> = {}): RelayModules {
  return {
    endpoint,
    keys: ed25519KeyPairFromSeed(new Uint8Array(32).fill(seed)),
    logger: nullLogger,
    now: clock.now,
    // Jitter at its middle: a backoff of b waits 1.125 b.
    random: () => 0.5,
    ...over,
  };
}

const receiptOf = (stx: SignedTx) => (stx.tx as TxOfKind<TxKind.Receive>).payload.receipt;
const relayOf = (opts = options(), mods = modules()) => Relay.create(opts, mods);
const readState = async (name = "state.json") => JSON.parse(await readFile(join(dir, name), "utf8"));

describe("Relay", () => {
  it("delivers each deliverable receipt once, from every source, and saves its cursors", async () => {
    endpoint.addBlock(A, 2, B);
    endpoint.addBlock(A, 0, B);
    endpoint.addBlock(A, 1, MAIN);
    endpoint.addBlock(MAIN, 3, A);
    endpoint.addBlock(B, 1, A);
    const relay = await relayOf();
    const report = await relay.pass();
    expect(report).toMatchObject({ sources: 3, blocks: 5, submitted: 7, accepted: 7, waitingForAnchor: 0 });
    expect(endpoint.consumedCount()).toEqual({ consumed: 7, pending: 0 });
    expect(relay.counters).toEqual({ delivered: 7, duplicates: 0, retries: 0, failures: 0 });
    // Each receive went to the receipt's delivery point, signed by the relay.
    for (const { stx } of endpoint.submissions) {
      const { destination } = receiptOf(stx);
      expect({ chainId: stx.tx.chainId, shard: stx.tx.shard }).toEqual(destination);
      expect(addressToText(addressFromPublicKey(stx.tx.sender))).toBe(relay.address);
    }
    // The cursors stay on receipts not known consumed: the next scan sees them consumed.
    expect(await readState()).toEqual({ version: 1, cursors: { "0/0": 1, "1/0": 1, "1/1": 1 } });

    clock.advance(60_000);
    const again = await relay.pass();
    expect(again.submitted).toBe(0);
    expect(endpoint.submissions).toHaveLength(7);
    expect(await readState()).toEqual({ version: 1, cursors: { "0/0": 2, "1/0": 4, "1/1": 2 } });
    await relay.pass();
    // Nothing below the cursors is read again.
    expect(endpoint.outboxCalls.slice(-3).map((c) => c.from)).toEqual([2, 4, 2]);
  });

  it("between full scans reads only blocks final since the last pass, and rescans from its cursors every fullScanEveryMs", async () => {
    endpoint.addBlock(A, 2, B);
    const relay = await relayOf(options("state.json", { fullScanEveryMs: 1000 }));
    await relay.pass(); // full: from the cursors
    expect(endpoint.outboxCalls.map((c) => c.from)).toEqual([1, 1, 1]);
    endpoint.addBlock(A, 1, B);
    clock.advance(100);
    const partial = await relay.pass(); // partial: from where the last scan ended
    expect(endpoint.outboxCalls.slice(-3).map((c) => c.from)).toEqual([1, 2, 1]);
    expect(partial.submitted).toBe(1);
    expect(relay.cursorsNow().get("1/0")).toBe(1);
    clock.advance(1000);
    await relay.pass(); // full again: sees both blocks consumed and moves the cursor
    expect(endpoint.outboxCalls.slice(-3).map((c) => c.from)).toEqual([1, 1, 1]);
    expect(relay.cursorsNow().get("1/0")).toBe(3);
    expect(endpoint.consumedCount()).toEqual({ consumed: 3, pending: 0 });
  });

  it("between full scans re-reads a block waiting for its anchor, so it goes out as soon as it is anchored", async () => {
    endpoint.addBlock(A, 1, B, false);
    const relay = await relayOf(options("state.json", { fullScanEveryMs: 60_000 }));
    expect((await relay.pass()).waitingForAnchor).toBe(1);
    endpoint.addBlock(A, 1, B);
    endpoint.anchor(A, 1);
    clock.advance(100);
    const partial = await relay.pass(); // partial, yet from block 1: both go out
    expect(partial.submitted).toBe(2);
    expect(endpoint.outboxCalls.at(-2)?.from).toBe(1);
    clock.advance(100);
    await relay.pass(); // nothing waits any more: from the frontier
    expect(endpoint.outboxCalls.at(-2)?.from).toBe(3);
  });

  it("skips receipts already consumed and moves its cursor past them", async () => {
    for (const id of endpoint.addBlock(A, 2, B)) endpoint.consume(id);
    const ids = endpoint.addBlock(A, 3, B);
    endpoint.consume(ids[0]);
    endpoint.consume(ids[2]);
    const relay = await relayOf();
    const report = await relay.pass();
    expect(report.submitted).toBe(1);
    expect(endpoint.submissions.map((s) => s.stx.tx.payload)).toMatchObject([{ sourceHeight: 2 }]);
    expect(relay.cursorsNow().get("1/0")).toBe(2);
    await relay.pass();
    expect(relay.cursorsNow().get("1/0")).toBe(3);
  });

  it("waits on a receipt whose block is not anchored, holds the cursor there, delivers it once anchored", async () => {
    endpoint.addBlock(A, 1, B);
    endpoint.addBlock(A, 2, B, false);
    endpoint.addBlock(A, 1, B);
    const relay = await relayOf();
    const first = await relay.pass();
    expect(first).toMatchObject({ submitted: 2, waitingForAnchor: 2 });
    clock.advance(10);
    expect(await relay.pass()).toMatchObject({ submitted: 0, waitingForAnchor: 2 });
    expect(relay.cursorsNow().get("1/0")).toBe(2);
    expect((await readState()).cursors["1/0"]).toBe(2);

    endpoint.anchor(A, 2);
    clock.advance(10);
    const third = await relay.pass();
    expect(third).toMatchObject({ submitted: 2, accepted: 2, waitingForAnchor: 0 });
    expect(endpoint.consumedCount()).toEqual({ consumed: 4, pending: 0 });
    await relay.pass();
    expect(relay.cursorsNow().get("1/0")).toBe(4);
    expect(relay.counters.delivered).toBe(4);
  });

  it("backs off after `later`: 200 ms doubling, with jitter; no resubmit before it expires", async () => {
    endpoint.addBlock(A, 1, B);
    const later = { kind: "later", code: "TX_ERROR_NODE_BUSY", message: "busy" } as const;
    endpoint.script.push(later, later);
    const relay = await relayOf();
    expect((await relay.pass()).later).toBe(1);
    clock.advance(224); // 200 × 1.125 = 225
    expect(await relay.pass()).toMatchObject({ submitted: 0, backingOff: 1 });
    clock.advance(1);
    expect((await relay.pass()).later).toBe(1);
    clock.advance(449); // 400 × 1.125 = 450
    expect((await relay.pass()).submitted).toBe(0);
    clock.advance(1);
    expect((await relay.pass()).accepted).toBe(1);
    expect(relay.counters).toEqual({ delivered: 1, duplicates: 0, retries: 2, failures: 2 });
  });

  it("logs a refused receive with its code and retries it after the longest backoff", async () => {
    endpoint.addBlock(A, 1, B);
    endpoint.script.push({ kind: "refused", code: "TX_ERROR_RECEIPT_ROUTE", message: "consumed by 0/0" });
    const logger = recordingLogger();
    const relay = await relayOf(options(), modules(7, { logger }));
    expect((await relay.pass()).refused).toBe(1);
    expect(logger.lines.find((l) => l.level === "warn")).toMatchObject({
      message: "relay receive refused",
      context: {
        code: "TX_ERROR_RECEIPT_ROUTE",
        message: "consumed by 0/0",
        source: "1/0",
        deliverTo: "1/1",
      },
    });
    clock.advance(11_249); // 10 s × 1.125
    expect((await relay.pass()).submitted).toBe(0);
    clock.advance(1);
    expect((await relay.pass()).accepted).toBe(1);
    expect(relay.counters.failures).toBe(1);
  });

  it("resubmits an accepted receive that is not consumed after resubmitAfterMs, not before", async () => {
    endpoint.addBlock(A, 1, B);
    endpoint.mode = "hold";
    const relay = await relayOf();
    expect((await relay.pass()).accepted).toBe(1);
    clock.advance(4999);
    expect(await relay.pass()).toMatchObject({ submitted: 0, inFlight: 1 });
    clock.advance(1);
    expect((await relay.pass()).done).toBe(1); // the same tx, still pending: a duplicate
    expect(relay.counters).toEqual({ delivered: 1, duplicates: 1, retries: 1, failures: 0 });
    expect(relay.cursorsNow().get("1/0")).toBe(1);
  });

  it("two relays on one endpoint: each receipt is consumed once, the second receive is a duplicate", async () => {
    for (let i = 0; i < 4; i++) endpoint.addBlock(A, 3, B);
    endpoint.addBlock(MAIN, 2, A);
    const one = await relayOf(options("one.json"), modules(1));
    const two = await relayOf(options("two.json"), modules(2));
    await Promise.all([one.pass(), two.pass()]);
    expect(endpoint.consumedCount()).toEqual({ consumed: 14, pending: 0 });
    const accepted = endpoint.submissions.filter((s) => s.outcome.kind === "accepted");
    expect(accepted).toHaveLength(14);
    expect(new Set(accepted.map((s) => bytesToHex(receiptOf(s.stx).id))).size).toBe(14);
    expect(one.counters.delivered + two.counters.delivered).toBe(14);
    expect(one.counters.duplicates + two.counters.duplicates).toBe(endpoint.submissions.length - 14);
    expect(one.address).not.toBe(two.address);
  });

  it("resumes from its cursors after a crash mid-pass: nothing below them is re-read, every pending one delivered", async () => {
    endpoint.addBlock(A, 1, B);
    endpoint.addBlock(A, 1, B);
    endpoint.addBlock(A, 2, B, false);
    endpoint.addBlock(A, 1, B);
    const first = await relayOf();
    await first.pass();
    clock.advance(10);
    await first.pass();
    expect((await readState()).cursors["1/0"]).toBe(3);

    // The crash: a pass stuck in its first submission, never finished, the object dropped.
    endpoint.anchor(A, 3);
    endpoint.addBlock(A, 2, B);
    let release = () => {};
    endpoint.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    clock.advance(10);
    const stuck = first.pass();
    await expect.poll(() => endpoint.stuck).toBe(1);
    expect((await readState()).cursors["1/0"]).toBe(3);

    const calls = endpoint.outboxCalls.length;
    const second = await relayOf();
    await second.pass();
    clock.advance(10);
    await second.pass();
    const resumed = endpoint.outboxCalls.slice(calls).filter((c) => c.source === "1/0");
    expect(resumed[0].from).toBe(3);
    expect(Math.min(...resumed.map((c) => c.from))).toBe(3);
    expect(endpoint.consumedCount()).toEqual({ consumed: 7, pending: 0 });
    expect((await readState()).cursors["1/0"]).toBe(6);

    release();
    await stuck; // the old relay's receive arrives late: harmless
    expect(endpoint.consumedCount()).toEqual({ consumed: 7, pending: 0 });
  });

  it("reads its outboxes page by page", async () => {
    for (let i = 0; i < 5; i++) endpoint.addBlock(A, 1, B);
    const relay = await relayOf(options("state.json", { pageLimit: 2 }));
    expect((await relay.pass()).accepted).toBe(5);
    expect(endpoint.outboxCalls.filter((c) => c.source === "1/0").map((c) => c.from)).toEqual([1, 3, 5]);
    await relay.pass();
    expect(relay.cursorsNow().get("1/0")).toBe(6);
  });

  it("keeps a source's cursor when its outbox cannot be read, and goes on with the others", async () => {
    endpoint.addBlock(A, 1, B);
    endpoint.addBlock(B, 1, A);
    endpoint.failingSource = "1/0";
    const logger = recordingLogger();
    const relay = await relayOf(options(), modules(7, { logger }));
    const report = await relay.pass();
    expect(report.errors).toEqual([{ source: "1/0", message: "outbox of 1/0 unavailable" }]);
    expect(report.accepted).toBe(1);
    expect(relay.cursorsNow().get("1/0")).toBe(1);
    await relay.pass();
    // Logged once while it lasts.
    expect(logger.lines.filter((l) => l.level === "warn")).toHaveLength(1);
    endpoint.failingSource = null;
    expect((await relay.pass()).accepted).toBe(1);
    await relay.pass();
    expect(relay.cursorsNow().get("1/0")).toBe(2);
  });

  it("logs progress every reportEveryMs", async () => {
    endpoint.addBlock(A, 1, B);
    endpoint.addBlock(A, 1, B, false);
    const logger = recordingLogger();
    const relay = await relayOf(options("state.json", { reportEveryMs: 1000 }), modules(7, { logger }));
    await relay.pass();
    expect(logger.lines.filter((l) => l.message === "relay progress")).toHaveLength(0);
    clock.advance(1000);
    await relay.pass();
    expect(logger.lines.filter((l) => l.message === "relay progress")).toEqual([
      {
        level: "info",
        message: "relay progress",
        context: expect.objectContaining({
          waitingForAnchor: 1,
          inFlight: 0,
          totals: expect.objectContaining({ delivered: 1 }),
        }),
      },
    ]);
  });

  it("starts at height 1 without a state file; a corrupt state file is a clear error naming it", async () => {
    const relay = await relayOf();
    await relay.pass();
    expect(endpoint.outboxCalls.map((c) => c.from)).toEqual([1, 1, 1]);

    const path = join(dir, "bad.json");
    const cases: Array<[string, RegExp]> = [
      ["{ not json", /not JSON/],
      ['{"version":2,"cursors":{}}', /version is 2, expected 1/],
      ['{"version":1,"cursors":{"1-0":3}}', /cursor key "1-0" is not "chainId\/shard"/],
      ['{"version":1,"cursors":{"1/0":-1}}', /cursor 1\/0 is -1/],
      ["[]", /expected a JSON object/],
    ];
    for (const [text, why] of cases) {
      await writeFile(path, text);
      const err = await relayOf(options("bad.json")).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RelayError);
      expect(err).toMatchObject({ code: "RELAY_ERROR_BAD_STATE" });
      expect((err as Error).message).toContain(path);
      expect((err as Error).message).toMatch(why);
    }
  });

  it("runs passes every pollMs from start() until stop(), and saves its state on stop", async () => {
    endpoint.addBlock(A, 2, B);
    const relay = await Relay.create(options("state.json", { pollMs: 5 }), modules(7, { now: Date.now }));
    relay.start();
    await expect.poll(() => endpoint.consumedCount().pending, { timeout: 5000 }).toBe(0);
    endpoint.addBlock(A, 1, B);
    await expect.poll(() => endpoint.consumedCount().pending, { timeout: 5000 }).toBe(0);
    await relay.stop();
    const calls = endpoint.outboxCalls.length;
    expect((await readState()).cursors["1/0"]).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(endpoint.outboxCalls.length).toBe(calls); // stopped: no more passes
  });
});
