import type { ChainHead, LedgerDb } from "@vshard/storage";
import { RecordNamespace } from "@vshard/types";
import { decodeReceiptTotal, ReceiptTotal, receiptTotalRecordId } from "../crossShard/receiptRecords.ts";

/**
 * What a chain shard holds of the supply at one committed height: its genesis supply, Σ balance + Σ stake of its
 * accounts, and its receipt totals. For every shard at every height, balances = supply − sent + consumed: a receipt
 * leaves the balances of its source when sent and joins those of the shard that consumes it.
 */
export interface ShardSupply {
  chainId: number;
  shard: number;
  height: number;
  supply: bigint;
  accounts: number;
  balances: bigint;
  sent: bigint;
  consumed: bigint;
}

/** Reads a shard's supply figures from committed storage; the caller keeps commits out while it runs. */
export async function readShardSupply(
  db: LedgerDb,
  where: { chainId: number; shard: number },
  head: ChainHead,
  supply: bigint,
): Promise<ShardSupply> {
  const { chainId, shard } = where;
  const ref = (t: ReceiptTotal) => ({ namespace: RecordNamespace.ReceiptTotal, id: receiptTotalRecordId(t) });
  const [sums, [sent, consumed]] = await Promise.all([
    db.sumAccounts(chainId, shard),
    db.getRecords(chainId, shard, [ref(ReceiptTotal.Sent), ref(ReceiptTotal.Consumed)]),
  ]);
  return {
    chainId,
    shard,
    height: head.height,
    supply,
    accounts: sums.accounts,
    balances: sums.balance + sums.stake,
    sent: decodeReceiptTotal(sent),
    consumed: decodeReceiptTotal(consumed),
  };
}
