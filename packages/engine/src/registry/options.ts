/** The main chain's chain id (its only shard is 0); worker chains get ids 1, 2, ... in registration order. */
export const MAIN_CHAIN_ID = 0;

/** The rules that make a chain the main chain: epochs, validator deposits, anchoring. */
export interface MainChainRules {
  /** Main blocks per epoch (even, ≥ 4): epoch e is heights [e·E, (e+1)·E), its first half the seed phase. */
  epochBlocks: number;
  /** Smallest deposit a register-validator tx may lock. */
  minDeposit: bigint;
  /**
   * Main blocks between the block that fixes an epoch's committees and the first main block that may anchor shard
   * headers decided by them: at least the main chain's finality lag (plus the time a node takes to derive the
   * committees), so that every node executing an anchor has committed the data that fixed the committee it checks the
   * certificate against; and well under an epoch, or a shard's blocks would be past their anchoring window before it
   * opens.
   */
  anchorDelayBlocks: number;
}

/**
 * Defaults of the main chain. A main chain also accepts txs up to `MAX_SCHEMA_BYTES` + 1 KiB whatever its
 * `maxTxBytes` says (`maxTxBytesOf`), so that a register-chain tx can carry the largest schema.
 */
export const defaultMainChainRules: MainChainRules = {
  /** 40 blocks: 20 for seed proofs and 20 for sortition proofs, each phase long enough for every validator's tx. */
  epochBlocks: 40,
  /** 1,000: enough that registering many identities costs real value, small for a development network. */
  minDeposit: 1_000n,
  /**
   * 12 blocks: twice the finality lag of a 8-producer dpos main chain (⌊2·8/3⌋+1 = 6 blocks), under a third of an epoch.
   */
  anchorDelayBlocks: 12,
};
