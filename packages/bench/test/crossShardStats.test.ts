import { SeededRandom } from "@vshard/crypto";
import { describe, expect, it } from "vitest";
import {
  BenchError,
  crossShardStageStats,
  type StageMark,
  sampleIndices,
  stageDurations,
  stagePercentiles,
} from "../src/index.ts";

/** A direct transfer's stages at the given times (ms); a stage left undefined is missing. */
function stages(t: {
  debited?: number;
  anchored?: number;
  relayed?: number;
  credited?: number;
  refunded?: number;
}) {
  return (["debited", "anchored", "relayed", "credited", "refunded"] as const).flatMap((stage) =>
    t[stage] === undefined ? [] : [{ stage, at: t[stage] as number }],
  );
}

describe("stageDurations", () => {
  it("splits a credited transfer into anchor, relay, credit and total", () => {
    expect(stageDurations(stages({ debited: 1000, anchored: 1250, relayed: 1400, credited: 1750 }))).toEqual({
      anchor: 250,
      relay: 150,
      credit: 350,
      total: 750,
    });
  });

  it("leaves relay and credit out without a relayed stage, and is null when not credited", () => {
    expect(stageDurations(stages({ debited: 0, anchored: 200, credited: 600 }))).toEqual({
      anchor: 200,
      total: 600,
    });
    expect(stageDurations(stages({ debited: 0, anchored: 200, relayed: 300 }))).toBeNull();
    expect(stageDurations(stages({ debited: 0, anchored: 200, relayed: 300, refunded: 900 }))).toBeNull();
  });

  it("takes the last relayed hop of a routed transfer, and counts a stage that comes out negative as 0", () => {
    const routed: StageMark[] = [
      { stage: "debited", at: 0 },
      { stage: "anchored", at: 250 },
      { stage: "relayed", at: 300 },
      { stage: "routed", at: 500 },
      { stage: "relayed", at: 700 },
      { stage: "credited", at: 1000 },
    ];
    expect(stageDurations(routed)).toEqual({ anchor: 250, relay: 450, credit: 300, total: 1000 });
    // The receive was admitted (node clock) a few ms after the block that credits it was timed.
    expect(stageDurations(stages({ debited: 0, anchored: 250, relayed: 510, credited: 500 }))?.credit).toBe(
      0,
    );
  });
});

describe("stagePercentiles", () => {
  it("takes nearest-rank percentiles: every figure is a measured value", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted
    expect(stagePercentiles(values)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(stagePercentiles([7])).toEqual({ count: 1, p50: 7, p95: 7, p99: 7, max: 7 });
    expect(stagePercentiles([1, 2, 3])).toEqual({ count: 3, p50: 2, p95: 3, p99: 3, max: 3 });
  });

  it("is null for no values and refuses a non-finite one", () => {
    expect(stagePercentiles([])).toBeNull();
    expect(() => stagePercentiles([1, Number.NaN])).toThrow(BenchError);
  });
});

describe("crossShardStageStats", () => {
  it("counts credited, refunded and unsettled, and breaks the credited ones into stages", () => {
    const stats = crossShardStageStats([
      stages({ debited: 0, anchored: 100, relayed: 300, credited: 400 }),
      stages({ debited: 0, anchored: 200, relayed: 500, credited: 800 }),
      stages({ debited: 0, anchored: 300, credited: 900 }),
      stages({ debited: 0, anchored: 100, relayed: 200, refunded: 600 }),
      stages({ debited: 0, anchored: 100 }),
      null,
    ]);
    expect(stats).toMatchObject({ credited: 3, refunded: 1, unsettled: 2 });
    expect(stats.stagesMs.anchor).toEqual({ count: 3, p50: 200, p95: 300, p99: 300, max: 300 });
    expect(stats.stagesMs.relay).toEqual({ count: 2, p50: 200, p95: 300, p99: 300, max: 300 });
    expect(stats.stagesMs.credit).toEqual({ count: 2, p50: 100, p95: 300, p99: 300, max: 300 });
    expect(stats.stagesMs.total).toEqual({ count: 3, p50: 800, p95: 900, p99: 900, max: 900 });
  });

  it("has no stage figures when nothing was credited", () => {
    const stats = crossShardStageStats([null, stages({ debited: 0 })]);
    expect(stats).toEqual({
      credited: 0,
      refunded: 0,
      unsettled: 2,
      stagesMs: { anchor: null, relay: null, credit: null, total: null },
    });
  });
});

describe("sampleIndices", () => {
  const candidates = Array.from({ length: 1000 }, (_, i) => i * 3);

  it("draws a seeded uniform sample of distinct candidates, in increasing order", () => {
    const a = sampleIndices(new SeededRandom(4), candidates, 300);
    expect(a).toHaveLength(300);
    expect(new Set(a).size).toBe(300);
    expect(a.every((i) => i % 3 === 0)).toBe(true);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(sampleIndices(new SeededRandom(4), candidates, 300)).toEqual(a);
    expect(sampleIndices(new SeededRandom(5), candidates, 300)).not.toEqual(a);
    // Uniform: the sample's mean is near the population's (sd of the mean ≈ 1500 / √300 · 0.85 ≈ 74).
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean - 1498.5)).toBeLessThan(400);
  });

  it("takes every candidate when there are fewer than the sample size, none for size 0", () => {
    expect(sampleIndices(new SeededRandom(1), [5, 1, 3], 300)).toEqual([1, 3, 5]);
    expect(sampleIndices(new SeededRandom(1), candidates, 0)).toEqual([]);
  });
});
