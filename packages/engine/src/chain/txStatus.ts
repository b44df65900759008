import { hexToBytes } from "@vshard/crypto";
import type { LedgerDb } from "@vshard/storage";
import type { SignedTx } from "@vshard/types";
import type { TxOutcome } from "../execution/smallbank.ts";
import type { Mempool } from "../mempool/index.ts";
import { outcomeOfLocation } from "./blockCommit.ts";

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
    };

/** Where a tx stands: in the mempool, or in a committed block (final up to `finalized`), or unknown (null). */
export async function txStatusOf(
  hashHex: string,
  where: { mempool: Mempool; db: LedgerDb; finalized: number },
): Promise<TxStatus | null> {
  const pending = where.mempool.get(hashHex);
  if (pending) return { status: "pending", stx: pending.stx };
  const loc = await where.db.getTxLocation(hexToBytes(hashHex));
  if (!loc) return null;
  const block = await where.db.getBlock(loc.blockHash);
  if (!block) return null;
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
