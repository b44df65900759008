import { describe, expect, it } from "vitest";
import {
  MAX_BENCH_SHARDS,
  minValidators,
  parseShardCountList,
  shardedNetworkConfig,
  shardedNetworkLabel,
  shardSweepLabel,
} from "../src/index.ts";
import { thrown } from "./benchOptionsFixture.ts";

describe("shardedNetworkConfig (--shards, --validators, --shard-consensus)", () => {
  it("defaults the validators to the fewest the committees need: one for solo shards, two per bft or dpos shard", () => {
    expect(minValidators(4, "solo")).toBe(1);
    expect(minValidators(4, "bft")).toBe(8);
    expect(shardedNetworkConfig(2, undefined, "solo")).toEqual({
      shards: 2,
      validators: 1,
      consensus: "solo",
    });
    expect(shardedNetworkConfig(3, undefined, "dpos")).toEqual({
      shards: 3,
      validators: 6,
      consensus: "dpos",
    });
    expect(shardedNetworkConfig(1, 5, "bft")).toEqual({ shards: 1, validators: 5, consensus: "bft" });
  });

  it("refuses bft or dpos with fewer than 2 validators per shard, saying why", () => {
    const err = thrown(() => shardedNetworkConfig(2, 3, "bft"));
    expect(err.type).toEqual({ code: "BENCH_ERROR_INVALID_INPUT", field: "validators" });
    expect(err.message).toBe(
      "2 bft shards need --validators ≥ 2·2 = 4: committees are dealt from the validators, one seat each, and a " +
        "bft committee needs 2 or more members; got 3",
    );
    expect(thrown(() => shardedNetworkConfig(1, 1, "dpos")).message).toContain("2 or more members; got 1");
  });

  it("lets one validator run every solo shard (it is dealt a seat in each)", () => {
    expect(shardedNetworkConfig(4, 1, "solo")).toEqual({ shards: 4, validators: 1, consensus: "solo" });
  });

  it.each([
    [0, undefined, "solo", "shards", "whole number in 1..64, got 0"],
    [2.5, undefined, "solo", "shards", "got 2.5"],
    [MAX_BENCH_SHARDS + 1, undefined, "solo", "shards", `got ${MAX_BENCH_SHARDS + 1}`],
    [2, undefined, "raft", "shardConsensus", "unknown shard consensus 'raft' (expected solo, bft, dpos)"],
    [1, 0, "solo", "validators", "--validators must be a whole number ≥ 1, got 0"],
  ] as const)(
    "refuses shards %s, validators %s, plugin %s (field %s)",
    (shards, validators, plugin, field, why) => {
      const err = thrown(() => shardedNetworkConfig(shards, validators, plugin));
      expect(err.type.field).toBe(field);
      expect(err.message).toContain(why);
    },
  );

  it("labels a network for tables and progress lines", () => {
    expect(shardedNetworkLabel({ shards: 1, validators: 1, consensus: "solo" })).toBe(
      "1 shard × solo, 1 validator",
    );
    expect(shardedNetworkLabel({ shards: 4, validators: 8, consensus: "bft" })).toBe(
      "4 shards × bft, 8 validators",
    );
    expect(shardSweepLabel({ shards: 2, validators: 2, consensus: "solo" })).toBe("2 (solo, 2 validators)");
  });
});

describe("parseShardCountList (--sweep-shards)", () => {
  it("reads whole shard counts in the order given, spaces allowed", () => {
    expect(parseShardCountList("1, 2,4 ")).toEqual([1, 2, 4]);
    expect(parseShardCountList("8")).toEqual([8]);
  });

  it.each([
    ["1,,2", 1, "expected a whole number of shards"],
    ["x", 0, "expected a whole number of shards"],
    ["1,2.5", 1, "expected a whole number of shards"],
    ["0,1", 0, "expected 1..64 shards"],
    ["1,65", 1, "expected 1..64 shards"],
    ["1,2,1", 2, "listed twice"],
  ])("refuses %s, naming the bad entry", (list, index, why) => {
    const err = thrown(() => parseShardCountList(list));
    expect(err.type).toEqual({ code: "BENCH_ERROR_INVALID_INPUT", field: `sweepShards[${index}]` });
    expect(err.message).toBe(
      `--sweep-shards entry ${index + 1} '${list.split(",")[index].trim()}': ${why}${why.startsWith("expected a whole") ? ", e.g. 1,2,4" : ""}`,
    );
  });
});
