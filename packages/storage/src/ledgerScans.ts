import type { Account, Receipt } from "@vshard/types";
import { CHAIN_SHARD_KEY_LENGTH, chainShardKey } from "./buckets.ts";
import type { Repository } from "./repository.ts";

/** Keys of the outbox repository: a receipt's chain shard, block height and index in the block. */
type OutboxKey = { chainId: number; shard: number; height: number; index: number };

/**
 * The outboxes of a chain shard's blocks from `fromHeight` on, whole (a proof needs every receipt of a block), until
 * at least `limit` receipts are read; blocks without receipts are left out.
 */
export async function scanOutboxes(
  outbox: Repository<OutboxKey, Receipt>,
  at: { chainId: number; shard: number; fromHeight: number; limit: number },
): Promise<Array<{ height: number; receipts: Receipt[] }>> {
  const out: Array<{ height: number; receipts: Receipt[] }> = [];
  let count = 0;
  const gte = { chainId: at.chainId, shard: at.shard, height: at.fromHeight, index: 0 };
  for await (const [key, receipt] of outbox.range({ prefix: chainShardKey(at.chainId, at.shard), gte })) {
    const height = Number(
      new DataView(key.buffer, key.byteOffset + CHAIN_SHARD_KEY_LENGTH, 8).getBigUint64(0),
    );
    const last = out[out.length - 1];
    if (last?.height === height) last.receipts.push(receipt);
    else {
      if (count >= at.limit) break;
      out.push({ height, receipts: [receipt] });
    }
    count++;
  }
  return out;
}

/** Σ balance and Σ stake over every stored account of a chain shard, and their count. */
export async function sumShardAccounts(
  accounts: Repository<{ chainId: number; shard: number; address: Uint8Array }, Account>,
  chainId: number,
  shard: number,
): Promise<{ accounts: number; balance: bigint; stake: bigint }> {
  let count = 0;
  let balance = 0n;
  let stake = 0n;
  for await (const [, account] of accounts.range({ prefix: chainShardKey(chainId, shard) })) {
    count++;
    balance += account.balance;
    stake += account.staking?.stake ?? 0n;
  }
  return { accounts: count, balance, stake };
}
