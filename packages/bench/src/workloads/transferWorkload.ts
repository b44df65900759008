import { SeededRandom } from "@vshard/crypto";
import { TxKind } from "@vshard/types";
import { createUniformSampler, createZipfSampler, distinctPair, type IndexSampler } from "./indexSampler.ts";
import { BenchAccounts, type Workload, type WorkloadOptions } from "./workload.ts";

/** Options of the transfer workload. */
export interface TransferWorkloadOptions extends WorkloadOptions {
  /** Zipf exponent of the sender/receiver choice: 0 is uniform, ~1 concentrates load on a few hot accounts. */
  zipf: number;
}

/** Balance of each account: 10^12, so that no run of any length runs an account dry with amount 1, fee 1. */
const ACCOUNT_BALANCE = 1_000_000_000_000n;

/** Transfers of 1 unit (fee 1) between accounts drawn uniformly or Zipf-skewed, never to oneself. */
export class TransferWorkload implements Workload {
  readonly name = "transfer";
  readonly signatureChecksPerTx = 1;
  private readonly accounts: BenchAccounts;
  private readonly rng: SeededRandom;
  private readonly sampler: IndexSampler;

  constructor(private readonly opts: TransferWorkloadOptions) {
    this.accounts = new BenchAccounts(opts.accounts, opts.seed);
    this.rng = new SeededRandom(opts.seed);
    this.sampler =
      opts.zipf > 0 ? createZipfSampler(opts.accounts, opts.zipf) : createUniformSampler(opts.accounts);
  }

  genesisAccounts() {
    return this.accounts.genesis(ACCOUNT_BALANCE);
  }

  setupTxs() {
    return [];
  }

  nextTxs(count: number) {
    const out = new Array(count);
    for (let k = 0; k < count; k++) {
      const [from, to] = distinctPair(this.rng, this.sampler);
      out[k] = this.accounts.sign(from, {
        chainId: this.opts.chainId,
        shard: this.opts.shard,
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
