import { sha256 } from "@vshard/crypto";
import type { WorkerChainSchema } from "./schemaTypes.ts";

/** The multiplier of the jump consistent hash's 64-bit linear congruential generator (Lamping & Veach, 2014). */
const JUMP_MULTIPLIER = 2862933555777941757n;
const TWO_POW_31 = 2 ** 31;

/**
 * Jump consistent hash (Lamping & Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm", 2014) of a uint64 key
 * onto `buckets` buckets. Growing from n to n + 1 buckets moves only the keys that land in the new bucket (about
 * 1/(n+1) of them), never a key from one old bucket to another. Doubles are IEEE-754, so every platform agrees.
 */
export function jumpConsistentHash(key: bigint, buckets: number): number {
  if (!Number.isSafeInteger(buckets) || buckets < 1)
    throw new RangeError(`buckets must be ≥ 1, got ${buckets}`);
  let state = BigInt.asUintN(64, key);
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    state = BigInt.asUintN(64, state * JUMP_MULTIPLIER + 1n);
    j = Math.floor((b + 1) * (TWO_POW_31 / Number((state >> 33n) + 1n)));
  }
  return b;
}

/**
 * The `address-hash` rule: the home shard of a main address among `shardCount` shards is the jump consistent hash of
 * the first 8 bytes of sha256(address), read as a big-endian uint64. A consistent hash rather than a plain modulo, so
 * that an update appending shards moves only the accounts that now belong to a new shard.
 */
export function addressHashShard(address: Uint8Array, shardCount: number): number {
  const digest = sha256(address);
  const key = new DataView(digest.buffer, digest.byteOffset, 8).getBigUint64(0, false);
  return jumpConsistentHash(key, shardCount);
}

/** The only shard an address may hold a sub-account in under `address-hash`; null under `explicit-suffix` (any). */
export function homeShard(schema: WorkerChainSchema, address: Uint8Array): number | null {
  return schema.assignment.rule === "address-hash" ? addressHashShard(address, schema.shards.length) : null;
}

/**
 * Whether sub-account `address@shard` exists under the chain's rule: the shard must be one of the chain's and, under
 * `address-hash`, the address's home shard.
 */
export function isShardAllowed(schema: WorkerChainSchema, address: Uint8Array, shard: number): boolean {
  if (!Number.isSafeInteger(shard) || shard < 0 || shard >= schema.shards.length) return false;
  const home = homeShard(schema, address);
  return home === null || home === shard;
}
