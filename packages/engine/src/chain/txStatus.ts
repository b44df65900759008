import { hexToBytes } from "@vshard/crypto";
import type { LedgerDb } from "@vshard/storage";
import type { SignedTx } from "@vshard/types";
import type { TxOutcome } from "../execution/smallbank.ts";
import type { Mempool } from "../mempool/index.ts";
import { outcomeOfLocation } from "./blockCommit.ts";
import type { RejectedTx, RejectedTxs } from "./rejectedTxs.ts";

/** Where a transaction stands. */
export type TxStatus =
  | { status: "pending"; stx: SignedTx }
  | {
      status: "included" | "final";
      stx: SignedTx;
      height: number;
      index: number;
      blockHash: Uint8Array;
      fee: bigint;
      /** `aborted`: included and charged, but its operation changed nothing. */
      outcome: TxOutcome;
    }
  /** Dropped while this node built a block: execution refused it (`code`, `message`), so it will not be included. */
  | ({ status: "rejected" } & RejectedTx);

/**
 * Where a tx stands: in the mempool, or in a committed block (final up to `finalized`), or else dropped by this node's
 * block building (`rejected`), or unknown (null). A rejected tx sent again is pending (or included) again.
 */
export async function txStatusOf(
  hashHex: string,
  where: { mempool: Mempool; db: LedgerDb; finalized: number; rejected: RejectedTxs },
): Promise<TxStatus | null> {
  const pending = where.mempool.get(hashHex);
  if (pending) return { status: "pending", stx: pending.stx };
  const loc = await where.db.getTxLocation(hexToBytes(hashHex));
  const block = loc ? await where.db.getBlock(loc.blockHash) : null;
  if (!loc || !block) {
    const rejected = where.rejected.get(hashHex);
    return rejected ? { status: "rejected", ...rejected } : null;
  }
  const stx = block.txs[loc.index];
  return {
    status: loc.height <= where.finalized ? "final" : "included",
    stx,
    height: loc.height,
    index: loc.index,
    blockHash: loc.blockHash,
    fee: stx.tx.fee,
    outcome: outcomeOfLocation(loc),
  };
}
