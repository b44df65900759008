import { describe, expect, it } from "vitest";
import { type LoadBenchCliOptions, shardedNetworksOf } from "../src/index.ts";
import { defaultCli, thrown } from "./benchOptionsFixture.ts";

const cli = defaultCli;

describe("shardedNetworksOf (--shards, --validators, --shard-consensus, --sweep-shards)", () => {
  it("asks for no network without --shards or --sweep-shards", () => {
    expect(shardedNetworksOf(cli)).toEqual({ network: null, sweep: null });
  });

  it("launches one network of --shards, solo and the fewest validators by default", () => {
    expect(shardedNetworksOf({ ...cli, shards: 4 })).toEqual({
      network: { shards: 4, validators: 1, consensus: "solo" },
      sweep: null,
    });
    expect(shardedNetworksOf({ ...cli, shards: 2, shardConsensus: "bft" }).network).toEqual({
      shards: 2,
      validators: 4,
      consensus: "bft",
    });
    expect(shardedNetworksOf({ ...cli, shards: 2, validators: 6, rate: "1000" }).network?.validators).toBe(6);
  });

  it("sweeps the shard counts, one network each, the validators fixed or the fewest each count needs", () => {
    expect(shardedNetworksOf({ ...cli, sweepShards: "1,2,4" }).sweep).toEqual([
      { shards: 1, validators: 1, consensus: "solo" },
      { shards: 2, validators: 1, consensus: "solo" },
      { shards: 4, validators: 1, consensus: "solo" },
    ]);
    expect(
      shardedNetworksOf({ ...cli, sweepShards: "1,2", validators: 4, shardConsensus: "dpos" }).sweep,
    ).toEqual([
      { shards: 1, validators: 4, consensus: "dpos" },
      { shards: 2, validators: 4, consensus: "dpos" },
    ]);
  });

  it.each([
    [
      { validators: 4 },
      "validators",
      "--validators and --shard-consensus shape a sharded network: pass --shards or --sweep-shards",
    ],
    [{ shardConsensus: "bft" }, "shardConsensus", "pass --shards or --sweep-shards"],
    [
      { shards: 2, url: "http://127.0.0.1:7700" },
      "shards",
      "--shards launches its own sharded network: not with --url",
    ],
    [
      { shards: 2, consensus: "bft", nodes: 4 },
      "shards",
      "not with --consensus/--nodes (use --shard-consensus and --validators)",
    ],
    [{ shards: 2, sweepConsensus: "bft:4" }, "shards", "not with --sweep-consensus"],
    [
      { shards: 2, sweepShards: "1,2" },
      "sweepShards",
      "--sweep-shards sets the shard count of each run: not with --shards",
    ],
    [{ sweepShards: "1,2", url: "http://127.0.0.1:7700" }, "sweepShards", "not with --url"],
    [
      { sweepShards: "1,2", rate: "500" },
      "sweepShards",
      "--sweep-shards runs each shard count at saturation: not with --rate",
    ],
    [{ sweepShards: "1,2", sweepRates: "50%" }, "sweepShards", "not with --sweep-rates"],
    [{ sweepShards: "1,2", ramp: "10:100" }, "sweepShards", "not with --ramp"],
    [{ sweepShards: "1,x" }, "sweepShards[1]", "'x'"],
    [
      { sweepShards: "1,2", shardConsensus: "dpos", validators: 3 },
      "validators",
      "2 dpos shards need --validators ≥ 2·2 = 4",
    ],
    [
      { shards: 2, shardConsensus: "bft", validators: 3 },
      "validators",
      "2 bft shards need --validators ≥ 2·2 = 4",
    ],
    [{ shards: 2, shardConsensus: "paxos" }, "shardConsensus", "unknown shard consensus 'paxos'"],
    [
      { shards: 2, blockInterval: 5 },
      "schema",
      "the bench chain's schema is invalid: schema $.limits.targetBlockIntervalMs: expected an integer in 10..600000, got 5",
    ],
  ] as Array<[Partial<LoadBenchCliOptions>, string, string]>)(
    "refuses options that do not go together: %o",
    (extra, field, why) => {
      const err = thrown(() => shardedNetworksOf({ ...cli, ...extra }));
      expect(err.type.field).toBe(field);
      expect(err.message).toContain(why);
    },
  );
});
