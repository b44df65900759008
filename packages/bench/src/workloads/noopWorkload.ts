import { SeededRandom } from "@vshard/crypto";
import { TxKind } from "@vshard/types";
import { createUniformSampler, type IndexSampler } from "./indexSampler.ts";
import { BenchAccounts, type Workload, type WorkloadOptions } from "./workload.ts";

/** Balance of each account: fees only, 10^12 covers any run. */
const ACCOUNT_BALANCE = 1_000_000_000_000n;

/** Minimal signed transactions (nonce and fee only): the cost of the pipeline and consensus alone. */
export class NoopWorkload implements Workload {
  readonly name = "noop";
  readonly signatureChecksPerTx = 1;
  private readonly accounts: BenchAccounts;
  private readonly rng: SeededRandom;
  private readonly sampler: IndexSampler;

  constructor(private readonly opts: WorkloadOptions) {
    this.accounts = new BenchAccounts(opts.accounts, opts.seed);
    this.rng = new SeededRandom(opts.seed);
    this.sampler = createUniformSampler(opts.accounts);
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
        shard: this.opts.shard,
        kind: TxKind.Noop,
        sender: this.accounts.publicKey(i),
        nonce: this.accounts.takeNonce(i),
        fee: 1n,
        payload: {},
      });
    });
  }
}
