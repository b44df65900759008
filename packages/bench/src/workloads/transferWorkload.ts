import { SeededRandom } from "@vshard/crypto";
import { TxKind } from "@vshard/types";
import { BenchError } from "../benchError.ts";
import type { ReadyTx } from "../runner/loadDriver.ts";
import { createUniformSampler, createZipfSampler, distinctPair, type IndexSampler } from "./indexSampler.ts";
import { ShardGroups } from "./shardGroups.ts";
import { BenchAccounts, type Workload, type WorkloadOptions } from "./workload.ts";

/** Options of the transfer workload. */
export interface TransferWorkloadOptions extends WorkloadOptions {
  /** Zipf exponent of the sender/receiver choice: 0 is uniform, ~1 concentrates load on a few hot accounts. */
  zipf: number;
  /**
   * Share (0..1) of cross-shard transfers on a sharded chain (`shards` ≥ 2 when > 0): the recipient lives in another
   * shard and the tx is a cross transfer to it. 0 (default): every transfer stays in its sender's shard.
   */
  crossShard?: number;
}

/** Balance of each account: 10^12, so that no run of any length runs an account dry with amount 1, fee 1. */
const ACCOUNT_BALANCE = 1_000_000_000_000n;

/** Checks `--cross-shard`: a ratio in 0..1, and above 0 only on a chain of two or more shards. */
function crossShardRatio(opts: TransferWorkloadOptions): number {
  const ratio = opts.crossShard ?? 0;
  const refuse = (why: string): never => {
    throw new BenchError({ code: "BENCH_ERROR_INVALID_INPUT", field: "crossShard" }, why);
  };
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1)
    refuse(`the cross-shard ratio must be in 0..1, got ${ratio}`);
  if (ratio > 0 && (opts.shards ?? 1) < 2)
    refuse(`cross-shard transfers need a chain of 2 or more shards, got ${opts.shards ?? 1}`);
  return ratio;
}

/**
 * Transfers of 1 unit (fee 1) between accounts drawn uniformly or Zipf-skewed, never to oneself. On a sharded chain
 * the sender is drawn as on one chain and the recipient among the accounts of the sender's shard (same skew); with a
 * cross-shard ratio r, each transfer is with probability r a cross transfer from the sender's home shard to an
 * account of another shard (drawn as {@link ShardGroups.otherShardMember}), credited there once relayed.
 */
export class TransferWorkload implements Workload {
  readonly name = "transfer";
  /**
   * One check for the transfer itself, and for the share that crosses shards one more: the receive a relay signs,
   * which the destination shard checks too.
   */
  readonly signatureChecksPerTx: number;
  readonly crossShardRatio: number;
  private readonly accounts: BenchAccounts;
  private readonly rng: SeededRandom;
  private readonly sampler: IndexSampler;
  private readonly groups: ShardGroups | null;

  constructor(private readonly opts: TransferWorkloadOptions) {
    this.crossShardRatio = crossShardRatio(opts);
    this.signatureChecksPerTx = 1 + this.crossShardRatio;
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

  nextTxs(count: number): ReadyTx[] {
    const out = new Array<ReadyTx>(count);
    const { groups } = this;
    for (let k = 0; k < count; k++) {
      if (!groups) {
        const [from, to] = distinctPair(this.rng, this.sampler);
        out[k] = this.transfer(from, to, this.opts.shard);
        continue;
      }
      const from = this.sampler.sample(this.rng);
      // No extra draw at ratio 0: a run without cross-shard transfers draws exactly what it drew before them.
      const cross = this.crossShardRatio > 0 && this.rng.next() < this.crossShardRatio;
      if (!cross) {
        out[k] = this.transfer(from, groups.partner(this.rng, from), groups.shardOf[from]);
        continue;
      }
      const to = groups.otherShardMember(this.rng, from);
      const destination = { chainId: this.opts.chainId, shard: groups.shardOf[to] };
      out[k] = {
        ...this.accounts.sign(from, {
          chainId: this.opts.chainId,
          shard: groups.shardOf[from],
          kind: TxKind.CrossTransfer,
          sender: this.accounts.publicKey(from),
          nonce: this.accounts.takeNonce(from),
          fee: 1n,
          payload: { to: this.accounts.addresses[to], destination, amount: 1n },
        }),
        destinationShard: destination.shard,
      };
    }
    return out;
  }

  private transfer(from: number, to: number, shard: number): ReadyTx {
    return this.accounts.sign(from, {
      chainId: this.opts.chainId,
      shard,
      kind: TxKind.Transfer,
      sender: this.accounts.publicKey(from),
      nonce: this.accounts.takeNonce(from),
      fee: 1n,
      payload: { to: this.accounts.addresses[to], amount: 1n },
    });
  }
}
