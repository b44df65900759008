import { type DlfsLayout, defaultDlfsLayout } from "@vshard/storage";
import { MAX_SCHEMA_BYTES, type WorkerChainSchema } from "@vshard/types";
import { defaultMempoolOptions, type MempoolOptions } from "../mempool/index.ts";
import type { MainChainRules } from "../registry/options.ts";

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
  /** How bodies are packed for the DLFS: it decides each header's body CID, so all nodes of the chain share it. */
  dlfs: DlfsLayout;
  /** Set on the main chain (chain 0): it takes the registry kinds (validators, chains, anchors, epoch proofs). */
  main?: MainChainRules;
  /** Set on a worker chain shard: its schema (record types, fee rule, shard assignment); it takes record txs. */
  schema?: WorkerChainSchema;
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
  dlfs: defaultDlfsLayout,
};

/**
 * Room for a register-chain or update-chain tx's envelope around its schema: chain, shard, kind, 32-byte sender,
 * nonce, fee, the payload's headers and the 64-byte signature take under 200 bytes; 1 KiB leaves a wide margin.
 */
const SCHEMA_TX_ENVELOPE_BYTES = 1024;

/**
 * The largest signed tx the chain accepts: `maxTxBytes`, raised on the main chain to fit a register-chain tx with
 * the largest schema (`MAX_SCHEMA_BYTES`), whatever the configured limit, so that no main chain refuses a valid one.
 */
export function maxTxBytesOf(opts: Pick<ChainOptions, "maxTxBytes" | "main">): number {
  return opts.main ? Math.max(opts.maxTxBytes, MAX_SCHEMA_BYTES + SCHEMA_TX_ENVELOPE_BYTES) : opts.maxTxBytes;
}
