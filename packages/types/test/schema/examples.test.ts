import { describe, expect, it } from "vitest";
import { DEFAULT_BFT_PARAMS, parseWorkerChainSchema } from "../../src/index.ts";
import { loadExample } from "./fixtures.ts";

function deepFrozen(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(deepFrozen);
}

describe("parseWorkerChainSchema: the examples", () => {
  it("parses gpu-rental: 4 shards (2 bft, 2 dpos), defaults filled, deeply frozen", () => {
    const s = parseWorkerChainSchema(loadExample("gpu-rental"));
    expect(s.name).toBe("gpu-rental");
    expect(s.shards.map((x) => x.consensus.plugin)).toEqual(["bft", "bft", "dpos", "dpos"]);
    expect(s.shards[0].consensus.params).toEqual(DEFAULT_BFT_PARAMS);
    expect(s.shards[1].consensus.params).toEqual({ ...DEFAULT_BFT_PARAMS, timeoutProposeMs: 1500 });
    expect(s.shards[2].consensus.params).toEqual({
      producers: 4,
      epochLength: 60,
      maxForkDepth: 180,
      maxOrphans: 64,
      emptyBlocks: true,
    });
    expect(s.fees).toEqual({ minFee: 1n, perByte: 0n });
    expect(s.assignment.rule).toBe("address-hash");
    expect(s.recordTypes.map((t) => [t.name, t.key])).toEqual([
      ["machine", "id"],
      ["rental", "id"],
      ["rentalEnd", "rentalId"],
    ]);
    expect(s.recordTypes[1].fields[3]).toEqual({
      name: "hoursRented",
      optional: false,
      type: "uint",
      min: 1,
      max: 8760,
    });
    expect(deepFrozen(s)).toBe(true);
  });

  it("parses token-ledger: a solo and a bft shard, zstd at the default level, an optional field", () => {
    const s = parseWorkerChainSchema(loadExample("token-ledger"));
    expect(s.shards.map((x) => [x.consensus.plugin, x.committeeSize])).toEqual([
      ["solo", 1],
      ["bft", undefined],
    ]);
    expect(s.compression).toEqual({ codec: "zstd", level: 3 });
    expect(s.fees).toEqual({ minFee: 10n, perByte: 1n });
    expect(s.recordTypes[1].fields[3]).toEqual({
      name: "memo",
      optional: true,
      type: "string",
      minLength: 0,
      maxLength: 140,
    });
  });
});
