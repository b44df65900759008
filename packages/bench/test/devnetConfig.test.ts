import { describe, expect, it } from "vitest";
import {
  DEFAULT_CONSENSUS_SWEEP,
  devnetConfig,
  devnetLabel,
  devnetsOf,
  isSoloDevnet,
  type LoadBenchCliOptions,
  parseDevnetConfigList,
} from "../src/index.ts";
import { defaultCli, thrown } from "./benchOptionsFixture.ts";

describe("parseDevnetConfigList", () => {
  it("reads plugin:nodes entries in the order given, spaces allowed", () => {
    expect(parseDevnetConfigList("solo:1, bft:4,bft:7 ,dpos:4")).toEqual([
      { consensus: "solo", nodes: 1 },
      { consensus: "bft", nodes: 4 },
      { consensus: "bft", nodes: 7 },
      { consensus: "dpos", nodes: 4 },
    ]);
    expect(parseDevnetConfigList(DEFAULT_CONSENSUS_SWEEP).map(devnetLabel)).toEqual(
      DEFAULT_CONSENSUS_SWEEP.split(","),
    );
  });

  it.each([
    ["bft", 0, "expected plugin:nodes"],
    ["solo:1,bft:", 1, "expected plugin:nodes"],
    ["solo:1,,bft:4", 1, "expected plugin:nodes"],
    ["bft:4.5", 0, "expected plugin:nodes"],
    ["bft:-4", 0, "expected plugin:nodes"],
    ["solo:1,raft:4", 1, "unknown consensus plugin 'raft'"],
    ["bft:0", 0, "≥ 1"],
    ["solo:3", 0, "solo consensus runs one node"],
    ["bft:4,dpos:4,bft:04", 2, "listed twice"],
  ])("refuses %s, naming the bad entry", (list, index, why) => {
    const err = thrown(() => parseDevnetConfigList(list));
    const entry = list.split(",")[index].trim();
    expect(err.type).toEqual({ code: "BENCH_ERROR_INVALID_INPUT", field: `sweepConsensus[${index}]` });
    expect(err.message).toContain(`entry ${index + 1} '${entry}'`);
    expect(err.message).toContain(why);
  });
});

describe("devnetConfig", () => {
  it("accepts the known plugins and tells the single solo node apart", () => {
    expect(devnetConfig("solo", 1)).toEqual({ consensus: "solo", nodes: 1 });
    expect(isSoloDevnet(devnetConfig("solo", 1))).toBe(true);
    expect(isSoloDevnet(devnetConfig("bft", 1))).toBe(false);
    expect(devnetLabel(devnetConfig("dpos", 21))).toBe("dpos:21");
  });

  it("refuses an unknown plugin, a bad node count and a solo cluster, naming the field", () => {
    expect(thrown(() => devnetConfig("pow", 4)).type.field).toBe("consensus");
    expect(thrown(() => devnetConfig("bft", 0, "nodes")).type.field).toBe("nodes");
    expect(thrown(() => devnetConfig("bft", 2.5)).message).toContain("whole number");
    expect(thrown(() => devnetConfig("solo", 4)).message).toContain("solo consensus runs one node");
  });
});

describe("devnetsOf (the load command's options)", () => {
  const cli = defaultCli;

  it("launches one devnet of --consensus × --nodes, or sweeps the list (the default list without a value)", () => {
    expect(devnetsOf(cli)).toEqual({ devnet: { consensus: "solo", nodes: 1 }, sweep: null });
    expect(devnetsOf({ ...cli, consensus: "bft", nodes: 4 }).devnet).toEqual({ consensus: "bft", nodes: 4 });
    expect(devnetsOf({ ...cli, sweepConsensus: "bft:4,dpos:7" }).sweep?.map(devnetLabel)).toEqual([
      "bft:4",
      "dpos:7",
    ]);
    expect(devnetsOf({ ...cli, sweepConsensus: true }).sweep?.map(devnetLabel)).toEqual(
      DEFAULT_CONSENSUS_SWEEP.split(","),
    );
    // A node given by URL runs what it runs: the default solo × 1 does not clash with it.
    expect(devnetsOf({ ...cli, url: "http://127.0.0.1:7700" }).sweep).toBeNull();
  });

  it.each([
    [{ consensus: "bft", nodes: 4, url: "http://127.0.0.1:7700" }, "consensus", "not with --url"],
    [{ consensus: "solo", nodes: 2 }, "consensus", "solo consensus runs one node"],
    [{ sweepConsensus: "bft:4", url: "http://127.0.0.1:7700" }, "sweepConsensus", "not with --url"],
    [{ sweepConsensus: "bft:4", sweepRates: "50%" }, "sweepConsensus", "not with --sweep-rates"],
    [{ sweepConsensus: "bft:4", rate: "1000" }, "sweepConsensus", "not with --rate"],
    [{ sweepConsensus: "bft:4", ramp: "10:100" }, "sweepConsensus", "not with --ramp"],
    [
      { sweepConsensus: "bft:4", consensus: "dpos", nodes: 4 },
      "sweepConsensus",
      "not with --consensus/--nodes",
    ],
    [{ sweepConsensus: "bft:4,paxos:3" }, "sweepConsensus[1]", "'paxos:3'"],
  ] as Array<[Partial<LoadBenchCliOptions>, string, string]>)(
    "refuses options that do not go together: %o",
    (extra, field, why) => {
      const err = thrown(() => devnetsOf({ ...cli, ...extra }));
      expect(err.type.field).toBe(field);
      expect(err.message).toContain(why);
    },
  );
});
