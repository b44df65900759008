import { sha256 } from "@vshard/crypto";
import { addressFromPublicKey, homeShard, parseWorkerChainSchema } from "@vshard/types";
import { describe, expect, it } from "vitest";
import {
  BENCH_CHAIN_NAME,
  BenchError,
  benchBlockBytes,
  benchChainSchema,
  benchEpochBlocks,
  benchNetworkFile,
  DEFAULT_BENCH_BLOCK_TXS,
  partitionByHomeShard,
} from "../src/index.ts";

describe("benchChainSchema", () => {
  it("is a valid schema: S shards of one plugin, address-hash, fee 1, the bench's block interval and size", () => {
    const json = benchChainSchema({ shards: 3, consensus: "bft", blockIntervalMs: 100 });
    const schema = parseWorkerChainSchema(json);
    expect(schema.name).toBe(BENCH_CHAIN_NAME);
    expect(schema.shards.map((s) => s.consensus.plugin)).toEqual(["bft", "bft", "bft"]);
    expect(schema.shards.every((s) => s.committeeSize === undefined)).toBe(true);
    expect(schema.assignment.rule).toBe("address-hash");
    expect(schema.fees).toEqual({ minFee: 1n, perByte: 0n });
    expect(schema.limits).toEqual({
      maxBlockTxs: DEFAULT_BENCH_BLOCK_TXS,
      maxBlockBytes: 2 * 1024 * 1024,
      targetBlockIntervalMs: 100,
    });
    expect(schema.recordTypes).toEqual([]);
  });

  it("sizes blocks from maxBlockTxs: 2 MiB at least, 400 bytes a tx above that, 64 MiB at most", () => {
    expect(benchBlockBytes(5_000)).toBe(2 * 1024 * 1024);
    expect(benchBlockBytes(20_000)).toBe(8_000_000);
    expect(benchBlockBytes(1_000_000)).toBe(64 * 1024 * 1024);
    const schema = parseWorkerChainSchema(
      benchChainSchema({ shards: 1, consensus: "solo", blockIntervalMs: 250, maxBlockTxs: 20_000 }),
    );
    expect(schema.limits).toMatchObject({ maxBlockTxs: 20_000, maxBlockBytes: 8_000_000 });
  });

  it("refuses what the devnet would refuse, quoting the schema's message", () => {
    let err: unknown;
    try {
      benchChainSchema({ shards: 1, consensus: "solo", blockIntervalMs: 5 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BenchError);
    expect((err as BenchError).type).toEqual({ code: "BENCH_ERROR_INVALID_INPUT", field: "schema" });
    expect((err as BenchError).message).toMatch(
      /^the bench chain's schema is invalid: .*\$\.limits\.targetBlockIntervalMs.*got 5/,
    );
  });
});

describe("benchEpochBlocks", () => {
  it("makes epochs of 10 minutes of blocks, an even count, at least 32", () => {
    expect(benchEpochBlocks(100)).toBe(6_000);
    expect(benchEpochBlocks(250)).toBe(2_400);
    expect(benchEpochBlocks(7)).toBe(85_716);
    expect(benchEpochBlocks(60_000)).toBe(32);
  });
});

describe("benchNetworkFile (network.json)", () => {
  it("holds the validators, seed, epoch length, block interval, the bench chain and the funded accounts", () => {
    const accounts = [{ address: "vs00", balance: "7" }];
    const file = benchNetworkFile({
      config: { shards: 2, validators: 4, consensus: "dpos" },
      seed: 9,
      genesisTime: 1_000,
      blockIntervalMs: 200,
      accounts,
    });
    expect(file).toEqual({
      validators: 4,
      seed: 9,
      genesisTime: 1_000,
      epochBlocks: 3_000,
      blockIntervalMs: 200,
      chains: [benchChainSchema({ shards: 2, consensus: "dpos", blockIntervalMs: 200 })],
      accounts,
    });
  });
});

describe("partitionByHomeShard", () => {
  const addresses = Array.from({ length: 400 }, (_, i) =>
    addressFromPublicKey(sha256(new TextEncoder().encode(`account ${i}`))),
  );

  it("puts every account in the home shard the bench chain's schema gives it, each exactly once, in order", () => {
    for (const shards of [1, 2, 4, 7]) {
      const schema = parseWorkerChainSchema(
        benchChainSchema({ shards, consensus: "solo", blockIntervalMs: 100 }),
      );
      const members = partitionByHomeShard(addresses, shards);
      expect(members).toHaveLength(shards);
      expect(members.flat().sort((a, b) => a - b)).toEqual(addresses.map((_, i) => i));
      members.forEach((list, shard) => {
        expect(list).toEqual([...list].sort((a, b) => a - b));
        for (const i of list) expect(homeShard(schema, addresses[i])).toBe(shard);
      });
    }
  });

  it("spreads accounts about evenly (a hash): every one of 4 shards gets 15–35% of 400", () => {
    for (const list of partitionByHomeShard(addresses, 4)) {
      expect(list.length).toBeGreaterThan(60);
      expect(list.length).toBeLessThan(140);
    }
  });
});
