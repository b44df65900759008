import type { SubmitResult } from "@vshard/engine";
import { type SignedTx, TxKind, type WireTx } from "@vshard/types";
import { receiptKeyOf } from "../crossShard/receiptKey.ts";

/** Most receipts remembered; the oldest are forgotten first (a stage time then falls back to the block's). */
const MAX_REMEMBERED = 200_000;

/**
 * When this node first admitted a receive of each receipt (a relay delivered it): the "relayed" stage of a transfer.
 * In memory only, bounded.
 */
export class ReceiveLog {
  private readonly firstSeen = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Notes the receives among `txs` that admission accepted. */
  note(txs: Array<SignedTx | WireTx>, results: SubmitResult[]): void {
    txs.forEach((t, i) => {
      const { tx } = "stx" in t ? t.stx : t;
      if (tx.kind !== TxKind.Receive || !results[i]?.ok) return;
      const key = receiptKeyOf(tx.payload.receipt);
      if (this.firstSeen.has(key)) return;
      if (this.firstSeen.size >= MAX_REMEMBERED) {
        const oldest = this.firstSeen.keys().next().value;
        if (oldest !== undefined) this.firstSeen.delete(oldest);
      }
      this.firstSeen.set(key, this.now());
    });
  }

  /** When a receive of the receipt with this key was first admitted here, if it was. */
  relayedAt(key: string): number | undefined {
    return this.firstSeen.get(key);
  }
}
