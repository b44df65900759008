import { SeededRandom } from "@vshard/crypto";
import { TxKind } from "@vshard/types";
import { createUniformSampler, type IndexSampler } from "./indexSampler.ts";
import { ShardGroups } from "./shardGroups.ts";
import { BenchAccounts, type Workload, type WorkloadOptions } from "./workload.ts";

/** Balance of each account: fees only, 10^12 covers any run. */
const ACCOUNT_BALANCE = 1_000_000_000_000n;

/**
 * Minimal signed transactions (nonce and fee only): the cost of the pipeline and consensus alone. On a sharded chain
 * each goes to its sender's home shard.
 */
export class NoopWorkload implements Workload {
  readonly name = "noop";
  readonly signatureChecksPerTx = 1;
  private readonly accounts: BenchAccounts;
  private readonly rng: SeededRandom;
  private readonly sampler: IndexSampler;
  private readonly groups: ShardGroups | null;

  constructor(private readonly opts: WorkloadOptions) {
    this.accounts = new BenchAccounts(opts.accounts, opts.seed);
    this.rng = new SeededRandom(opts.seed);
    this.sampler = createUniformSampler(opts.accounts);
    this.groups = opts.shards === undefined ? null : new ShardGroups(this.accounts.addresses, opts.shards, 1);
  }

  genesisAccounts() {
    return this.accounts.genesis(ACCOUNT_BALANCE);
  }

  setupTxs() {
    return [];
  }

  nextTxs(count: number) {
    return Array.from({ length: count }, () => {
      const i = this.sampler.sample(this.rng);
      return this.accounts.sign(i, {
        chainId: this.opts.chainId,
        shard: this.groups ? this.groups.shardOf[i] : this.opts.shard,
        kind: TxKind.Noop,
        sender: this.accounts.publicKey(i),
        nonce: this.accounts.takeNonce(i),
        fee: 1n,
        payload: {},
      });
    });
  }
}
