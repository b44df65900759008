import { bytesToHex } from "@vshard/crypto";
import type { Receipt } from "@vshard/types";

/** A receipt's key in logs and maps: source chain/shard and id, the way spent sets key it. */
export function receiptKeyOf(receipt: Pick<Receipt, "source" | "id">): string {
  return `${receipt.source.chainId}/${receipt.source.shard}/${bytesToHex(receipt.id)}`;
}
