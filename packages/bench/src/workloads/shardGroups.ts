import type { SeededRandom } from "@vshard/crypto";
import { addressHashShard } from "@vshard/types";
import { BenchError } from "../benchError.ts";
import { createUniformSampler, type IndexSampler } from "./indexSampler.ts";

/**
 * The accounts of each shard under the `address-hash` rule (the bench chain's): account i lives in
 * `addressHashShard(address_i, shards)`. Index k of the result lists, in increasing order, the accounts of shard k.
 */
export function partitionByHomeShard(addresses: readonly Uint8Array[], shards: number): number[][] {
  const members: number[][] = Array.from({ length: shards }, () => []);
  for (const [i, a] of addresses.entries()) members[addressHashShard(a, shards)].push(i);
  return members;
}

/**
 * Redraws of a same-shard partner before falling back to a uniform other member: as `distinctPair`'s, 16 tries leave
 * a ~(p₀)¹⁶ chance of needing the fallback even under heavy skew.
 */
const PARTNER_REDRAWS = 16;

/**
 * A workload's accounts split by home shard, for runs on a sharded worker chain: each tx goes to its sender's shard
 * and every second account it names (a transfer's recipient, smallbank's second customer) is drawn among the
 * accounts of that same shard ({@link partner}), or, for a cross-shard transfer, of another shard
 * ({@link otherShardMember}).
 */
export class ShardGroups {
  /** The home shard of each account. */
  readonly shardOf: number[];
  /** The accounts of each shard, in increasing order. */
  readonly members: number[][];
  private readonly samplers: IndexSampler[];

  /**
   * Splits `addresses` over `shards` shards. Throws a {@link BenchError} (field `accounts`) when a shard gets fewer
   * than `minPerShard` accounts; `samplerOf(n)` draws a partner's rank among a shard's n accounts (uniform by default).
   */
  constructor(
    addresses: readonly Uint8Array[],
    readonly shards: number,
    minPerShard: number,
    samplerOf: (n: number) => IndexSampler = createUniformSampler,
  ) {
    this.members = partitionByHomeShard(addresses, shards);
    this.shardOf = new Array(addresses.length);
    this.members.forEach((list, shard) => {
      if (list.length < minPerShard)
        throw new BenchError(
          { code: "BENCH_ERROR_INVALID_INPUT", field: "accounts" },
          `${addresses.length} accounts leave shard ${shard} of ${shards} with ${list.length}; this workload needs ` +
            `at least ${minPerShard} per shard: pass more --accounts`,
        );
      for (const i of list) this.shardOf[i] = shard;
    });
    this.samplers = this.members.map((list) => samplerOf(list.length));
  }

  /** An account of `account`'s shard other than itself (the shard must hold two or more). */
  partner(rng: SeededRandom, account: number): number {
    const list = this.members[this.shardOf[account]];
    const sampler = this.samplers[this.shardOf[account]];
    for (let k = 0; k < PARTNER_REDRAWS; k++) {
      const other = list[sampler.sample(rng)];
      if (other !== account) return other;
    }
    const at = list.indexOf(account);
    return list[(at + 1 + rng.uniformInt(list.length - 1)) % list.length];
  }

  /**
   * An account of a shard other than `account`'s: the shard drawn uniformly among the other `shards − 1`, the account
   * among that shard's members with its sampler (the same skew as {@link partner}). Throws a {@link BenchError}
   * (field `shards`) with fewer than two shards.
   */
  otherShardMember(rng: SeededRandom, account: number): number {
    if (this.shards < 2)
      throw new BenchError(
        { code: "BENCH_ERROR_INVALID_INPUT", field: "shards" },
        `an account of another shard needs 2 or more shards, got ${this.shards}`,
      );
    const shard = (this.shardOf[account] + 1 + rng.uniformInt(this.shards - 1)) % this.shards;
    return this.members[shard][this.samplers[shard].sample(rng)];
  }
}
