import { SeededRandom } from "@vshard/crypto";
import { TxKind } from "@vshard/types";
import { createUniformSampler, createZipfSampler, distinctPair, type IndexSampler } from "./indexSampler.ts";
import { ShardGroups } from "./shardGroups.ts";
import { BenchAccounts, type Workload, type WorkloadOptions } from "./workload.ts";

/** Options of the transfer workload. */
export interface TransferWorkloadOptions extends WorkloadOptions {
  /** Zipf exponent of the sender/receiver choice: 0 is uniform, ~1 concentrates load on a few hot accounts. */
  zipf: number;
}

/** Balance of each account: 10^12, so that no run of any length runs an account dry with amount 1, fee 1. */
const ACCOUNT_BALANCE = 1_000_000_000_000n;

/**
 * Transfers of 1 unit (fee 1) between accounts drawn uniformly or Zipf-skewed, never to oneself. On a sharded chain
 * the sender is drawn as on one chain and the recipient among the accounts of the sender's shard (same skew).
 */
export class TransferWorkload implements Workload {
  readonly name = "transfer";
  readonly signatureChecksPerTx = 1;
  private readonly accounts: BenchAccounts;
  private readonly rng: SeededRandom;
  private readonly sampler: IndexSampler;
  private readonly groups: ShardGroups | null;

  constructor(private readonly opts: TransferWorkloadOptions) {
    this.accounts = new BenchAccounts(opts.accounts, opts.seed);
    this.rng = new SeededRandom(opts.seed);
    const samplerOf = (n: number) =>
      opts.zipf > 0 ? createZipfSampler(n, opts.zipf) : createUniformSampler(n);
    this.sampler = samplerOf(opts.accounts);
    this.groups =
      opts.shards === undefined ? null : new ShardGroups(this.accounts.addresses, opts.shards, 2, samplerOf);
  }

  genesisAccounts() {
    return this.accounts.genesis(ACCOUNT_BALANCE);
  }

  setupTxs() {
    return [];
  }

  nextTxs(count: number) {
    const out = new Array(count);
    const { groups } = this;
    for (let k = 0; k < count; k++) {
      let from: number;
      let to: number;
      if (groups) {
        from = this.sampler.sample(this.rng);
        to = groups.partner(this.rng, from);
      } else [from, to] = distinctPair(this.rng, this.sampler);
      out[k] = this.accounts.sign(from, {
        chainId: this.opts.chainId,
        shard: groups ? groups.shardOf[from] : this.opts.shard,
        kind: TxKind.Transfer,
        sender: this.accounts.publicKey(from),
        nonce: this.accounts.takeNonce(from),
        fee: 1n,
        payload: { to: this.accounts.addresses[to], amount: 1n },
      });
    }
    return out;
  }
}
