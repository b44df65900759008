import { describe, expect, it } from "vitest";
import {
  BlockIntervalWatch,
  blockIntervals,
  type CrossShardResult,
  crossShardOf,
  followCrossShard,
  type ReadyTx,
  type StageMark,
  settleTransfers,
  type TransferSource,
} from "../src/index.ts";
import { defaultCli, thrown } from "./benchOptionsFixture.ts";

const credited: StageMark[] = [
  { stage: "debited", at: 0 },
  { stage: "anchored", at: 250 },
  { stage: "relayed", at: 400 },
  { stage: "credited", at: 750 },
];

/**
 * A node whose transfer `h` is found from its `foundAfter[h]`-th question on and credited from its `creditedAfter[h]`-th
 * (refunded instead when `refund` lists it); it records every question.
 */
function fakeNode(opts: {
  creditedAfter: Record<string, number>;
  foundAfter?: Record<string, number>;
  refund?: string[];
}) {
  const asked: string[] = [];
  const source: TransferSource = {
    async transfer(hash) {
      asked.push(hash);
      const n = asked.filter((h) => h === hash).length;
      if (n < (opts.foundAfter?.[hash] ?? 1)) throw new Error("TRANSFER_NOT_FOUND: not committed yet");
      if (n < (opts.creditedAfter[hash] ?? Number.POSITIVE_INFINITY))
        return { status: "anchored", stages: credited.slice(0, 2) };
      if (opts.refund?.includes(hash))
        return { status: "refunded", stages: [...credited.slice(0, 2), { stage: "refunded", at: 900 }] };
      return { status: "credited", stages: credited };
    },
  };
  return { source, asked };
}

describe("settleTransfers", () => {
  it("asks again for the unsettled ones until all are credited or refunded, with progress lines", async () => {
    const node = fakeNode({ creditedAfter: { a: 1, b: 3, c: 2 }, foundAfter: { c: 2 }, refund: ["b"] });
    const lines: string[] = [];
    const out = await settleTransfers({
      source: node.source,
      hashes: ["a", "b", "c"],
      deadline: performance.now() + 60_000,
      pollMs: 1,
      progressEveryMs: 0,
      log: (l) => lines.push(l),
    });
    expect(out.settledAt).not.toBeNull();
    expect(node.asked.filter((h) => h === "a")).toHaveLength(1);
    expect(node.asked.filter((h) => h === "b")).toHaveLength(3);
    expect(out.stages.get("b")?.at(-1)?.stage).toBe("refunded");
    expect(out.stages.get("c")?.at(-1)?.stage).toBe("credited");
    expect(lines).toEqual([
      "cross-shard: 1/3 credited (1 not committed yet)",
      "cross-shard: 2/3 credited",
      "cross-shard: 2/3 credited (1 refunded)",
    ]);
  });

  it("stops at the deadline, every transfer asked at least once, the unsettled ones reported", async () => {
    const node = fakeNode({ creditedAfter: { a: 1 } });
    const lines: string[] = [];
    const out = await settleTransfers({
      source: node.source,
      hashes: ["a", "b"],
      deadline: performance.now() - 1,
      log: (l) => lines.push(l),
    });
    expect(out.settledAt).toBeNull();
    expect(node.asked.sort()).toEqual(["a", "b"]);
    expect(out.stages.get("b")?.map((s) => s.stage)).toEqual(["debited", "anchored"]);
    expect(lines).toEqual(["cross-shard: 1/2 credited"]);
  });
});

describe("block intervals", () => {
  it("is elapsed ÷ blocks added: the main chain's and the mean of the shards'", () => {
    const from = { at: 1000, main: 10, shards: [5, 7] };
    expect(blockIntervals(from, { at: 6000, main: 30, shards: [25, 17] })).toEqual({ main: 250, shard: 375 });
    // A chain that added no block (or a shard not running) has no interval.
    expect(blockIntervals(from, { at: 6000, main: 10, shards: [null, 17] })).toEqual({
      main: null,
      shard: 500,
    });
  });

  it("a watch snapshots after its delay and at the end; a node that fails leaves the intervals null", async () => {
    let height = 0;
    const watch = new BlockIntervalWatch(
      {
        chains: async () => {
          height += 10;
          return {
            main: { chainId: 0, height, finalizedHeight: height, epoch: 0 },
            chains: [{ chainId: 1, shards: [{ height: height * 2 }] }],
          } as never;
        },
      },
      1,
      0,
    );
    const intervals = await watch.end();
    expect(intervals.main).toBeGreaterThan(0);
    expect(intervals.shard).toBeCloseTo((intervals.main ?? 0) / 2);
    const failing = new BlockIntervalWatch({ chains: () => Promise.reject(new Error("busy")) }, 1, 0);
    expect(await failing.end()).toEqual({ main: null, shard: null });
  });
});

describe("followCrossShard", () => {
  /**
   * 40 txs planned at t = 0, 10, …: even ones cross shards; tx 12 was refused, tx 14 never became final; the window
   * is [100, 300).
   */
  const txs: ReadyTx[] = Array.from({ length: 40 }, (_, i) => ({
    bytes: new Uint8Array(),
    hashHex: `h${i}`,
    shard: 0,
    ...(i % 2 === 0 ? { destinationShard: 1 } : {}),
  }));
  const record = {
    sent: 40,
    plannedAt: Float64Array.from(txs, (_, i) => i * 10),
    accepted: Uint8Array.from(txs, (_, i) => (i === 12 ? 0 : 1)),
  };
  const input = (source: TransferSource, sampleSize: number) => ({
    source,
    txs,
    record,
    isFinal: (hash: string) => hash !== "h14",
    windowStart: 100,
    windowEnd: 300,
    ratio: 0.5,
    blockIntervalMs: { main: 250, shard: 125 },
    relayTotals: () => ({ relays: 1, delivered: 9, duplicates: 0, retries: 0, failures: 0 }),
    log: () => undefined,
    options: { sampleSize, settleMs: 60_000, seed: 3 },
  });

  it("samples the cross transfers accepted in the window and breaks the credited ones into stages", async () => {
    const node = fakeNode({ creditedAfter: Object.fromEntries(txs.map((t) => [t.hashHex, 1])) });
    const r: CrossShardResult = await followCrossShard(input(node.source, 5));
    // Window [100, 300): txs 10 … 29; cross (even) ones: 10, 12 (refused), 14 (never final), 16, …, 28 → 8.
    expect(r).toMatchObject({
      ratio: 0.5,
      sentInWindow: 8,
      sampled: 5,
      credited: 5,
      refunded: 0,
      unsettled: 0,
    });
    const sampled = [...new Set(node.asked)];
    expect(sampled).toHaveLength(5);
    for (const h of sampled) {
      const i = Number(h.slice(1));
      expect(i % 2 === 0 && i >= 10 && i < 30 && i !== 12 && i !== 14).toBe(true);
    }
    expect(r.stagesMs.total).toEqual({ count: 5, p50: 750, p95: 750, p99: 750, max: 750 });
    expect(r.stagesMs.relay?.p50).toBe(150);
    expect(r.totalP50InBlocks).toEqual({ main: 3, shard: 6 });
    expect(r.relayTotals.delivered).toBe(9);
    expect(r.settleTimeoutMs).toBe(60_000);
    // The same seed draws the same sample.
    const again = fakeNode({ creditedAfter: Object.fromEntries(txs.map((t) => [t.hashHex, 1])) });
    await followCrossShard(input(again.source, 5));
    expect([...new Set(again.asked)]).toEqual(sampled);
  });

  it("follows all of them when fewer than the sample size were sent", async () => {
    const node = fakeNode({ creditedAfter: Object.fromEntries(txs.map((t) => [t.hashHex, 1])) });
    const r = await followCrossShard(input(node.source, 300));
    expect(r.sampled).toBe(8);
    expect(r.credited).toBe(8);
  });
});

describe("crossShardOf (--cross-shard)", () => {
  it("is 0 by default and the ratio on a transfer run of 2 or more shards", () => {
    expect(crossShardOf(defaultCli)).toBe(0);
    expect(crossShardOf({ ...defaultCli, crossShard: 0 })).toBe(0);
    expect(crossShardOf({ ...defaultCli, shards: 2, crossShard: 0.5 })).toBe(0.5);
    expect(crossShardOf({ ...defaultCli, sweepShards: "2,4", crossShard: 1 })).toBe(1);
  });

  it.each([
    [{ shards: 2, crossShard: 1.5 }, "--cross-shard expects a ratio in 0..1 (e.g. 0.5), got 1.5"],
    [
      { shards: 2, crossShard: 0.5, workload: "smallbank" },
      "--cross-shard applies to the transfer workload, not smallbank",
    ],
    [{ crossShard: 0.5 }, "--cross-shard needs a sharded run: pass --shards 2 (or more) or --sweep-shards"],
    [
      { shards: 1, crossShard: 0.5 },
      "needs 2 or more shards (a cross-shard transfer goes to another shard); got --shards 1",
    ],
    [{ sweepShards: "1,2", crossShard: 0.5 }, "--sweep-shards lists 1"],
  ])("refuses %o", (extra, why) => {
    const err = thrown(() => crossShardOf({ ...defaultCli, ...extra }));
    expect(err.type).toEqual({ code: "BENCH_ERROR_INVALID_INPUT", field: "crossShard" });
    expect(err.message).toContain(why);
  });
});
