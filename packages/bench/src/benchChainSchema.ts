import { parseWorkerChainSchema, SchemaError } from "@vshard/types";
import { BenchError } from "./benchError.ts";
import type { ShardedNetworkConfig } from "./shardedNetwork.ts";

/** The name of the worker chain a sharded bench run registers at genesis. */
export const BENCH_CHAIN_NAME = "bench";

/** Its chain id: worker chain ids start at 1 and the bench chain is the only one registered at genesis. */
export const BENCH_CHAIN_ID = 1;

/** Txs per block of the bench chain's shards: 5,000, the single-chain devnet's default (`defaultChainOptions`). */
export const DEFAULT_BENCH_BLOCK_TXS = 5_000;

/**
 * Bytes per block: 2 MiB as the single-chain devnet, or 400 bytes per tx when more txs are allowed (a signed
 * transfer or smallbank op encodes in under 200 bytes: a full block never hits the byte limit first), at most 64 MiB
 * (the schema's ceiling).
 */
export function benchBlockBytes(maxBlockTxs: number): number {
  return Math.min(64 * 1024 * 1024, Math.max(2 * 1024 * 1024, maxBlockTxs * 400));
}

/**
 * How long a bench network's epochs last: 10 minutes, longer than any usual run (warm-up, window and drain), so that no
 * committee re-draw happens while one is measured. Measured 2026-11-22 (2 cores, 100 ms blocks, 2 solo shards): with
 * the devnet's 32-block epochs (3.2 s) a shard stalled for 4–5 s around an epoch change, on every node or on a
 * follower, which a throughput run would report as latency of the shard rather than of the workload.
 */
export const BENCH_EPOCH_MS = 600_000;

/** Main-chain blocks per epoch: {@link BENCH_EPOCH_MS} of blocks, an even count (the devnet's rule), at least 32. */
export function benchEpochBlocks(blockIntervalMs: number): number {
  return Math.max(32, 2 * Math.ceil(BENCH_EPOCH_MS / blockIntervalMs / 2));
}

/** Options of {@link benchChainSchema}. */
export interface BenchChainSchemaOptions {
  shards: number;
  consensus: ShardedNetworkConfig["consensus"];
  /** The bench's block interval: every shard's `targetBlockIntervalMs`. */
  blockIntervalMs: number;
  /** Txs per block; {@link DEFAULT_BENCH_BLOCK_TXS} by default. */
  maxBlockTxs?: number;
}

/**
 * The schema (JSON, as in examples/) of the bench chain: `shards` shards of one plugin with its default parameters,
 * `address-hash` assignment (every account lives in one home shard), fee 1 per tx, no record types (the workloads
 * send native transfers, smallbank ops and noops), blocks as the bench's block interval and block size say. Checked
 * as the devnet will read it: a value out of the schema's ranges (e.g. a block interval under 10 ms) throws a
 * {@link BenchError} (field `schema`) quoting the schema's own message.
 */
export function benchChainSchema(opts: BenchChainSchemaOptions): Record<string, unknown> {
  const maxBlockTxs = opts.maxBlockTxs ?? DEFAULT_BENCH_BLOCK_TXS;
  const schema = {
    name: BENCH_CHAIN_NAME,
    version: 1,
    shards: Array.from({ length: opts.shards }, () => ({
      consensus: { plugin: opts.consensus, params: {} },
    })),
    limits: {
      maxBlockTxs,
      maxBlockBytes: benchBlockBytes(maxBlockTxs),
      targetBlockIntervalMs: opts.blockIntervalMs,
    },
    fees: { minFee: "1", perByte: "0" },
    assignment: { rule: "address-hash" },
  };
  try {
    parseWorkerChainSchema(schema);
  } catch (err) {
    if (!(err instanceof SchemaError)) throw err;
    throw new BenchError(
      { code: "BENCH_ERROR_INVALID_INPUT", field: "schema" },
      `the bench chain's schema is invalid: ${err.message}`,
    );
  }
  return schema;
}

/**
 * `network.json` of a network devnet folder prepared beforehand (the devnet uses it as is): its validators and key
 * seed, genesis time, epoch length, main-chain block interval, genesis worker chains and the accounts funded on the
 * main chain and on every worker chain (in their home shard).
 */
export interface BenchNetworkFile {
  validators: number;
  seed: number;
  genesisTime: number;
  epochBlocks: number;
  blockIntervalMs: number;
  chains: unknown[];
  accounts: Array<{ address: string; balance: string }>;
}

/** The `network.json` of a bench run: one bench chain of `config`'s shards, `accounts` funded at genesis. */
export function benchNetworkFile(opts: {
  config: ShardedNetworkConfig;
  /** Derives the validators' keys (the launcher maps committee members to nodes with it). */
  seed: number;
  genesisTime: number;
  blockIntervalMs: number;
  maxBlockTxs?: number;
  accounts: Array<{ address: string; balance: string }>;
}): BenchNetworkFile {
  const { config } = opts;
  return {
    validators: config.validators,
    seed: opts.seed,
    genesisTime: opts.genesisTime,
    epochBlocks: benchEpochBlocks(opts.blockIntervalMs),
    blockIntervalMs: opts.blockIntervalMs,
    chains: [
      benchChainSchema({
        shards: config.shards,
        consensus: config.consensus,
        blockIntervalMs: opts.blockIntervalMs,
        ...(opts.maxBlockTxs !== undefined ? { maxBlockTxs: opts.maxBlockTxs } : {}),
      }),
    ],
    accounts: opts.accounts,
  };
}
