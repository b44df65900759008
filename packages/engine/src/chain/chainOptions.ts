import { defaultMempoolOptions, type MempoolOptions } from "../mempool/index.ts";

/** The rules and limits of one shard chain. */
export interface ChainOptions {
  chainId: number;
  shard: number;
  /** Most transactions in one block. */
  maxBlockTxs: number;
  /** Most encoded body bytes in one block. */
  maxBlockBytes: number;
  /** Largest encoded signed transaction accepted. */
  maxTxBytes: number;
  /** Smallest fee a transaction may pay. */
  minFee: bigint;
  /** Target time between blocks. */
  blockIntervalMs: number;
  mempool: MempoolOptions;
}

/** Defaults for a development chain. */
export const defaultChainOptions: ChainOptions = {
  chainId: 1,
  shard: 0,
  /** 5,000 txs: with ~8k ed25519 verifies/s per core, a 2-core machine checks a full block in well under a second. */
  maxBlockTxs: 5_000,
  /** 2 MiB: ~140-byte transfers fill 5,000 slots in ~0.7 MiB; the rest is headroom for record transactions. */
  maxBlockBytes: 2 * 1024 * 1024,
  /** 16 KiB: a transfer is ~140 bytes; schema records may be larger but never need more. */
  maxTxBytes: 16 * 1024,
  minFee: 1n,
  /** 250 ms: short enough for sub-second finality, long enough that empty blocks cost little. */
  blockIntervalMs: 250,
  mempool: defaultMempoolOptions,
};
