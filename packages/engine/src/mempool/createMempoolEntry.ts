import { bytesToHex } from "@vshard/crypto";
import { addressFromPublicKey, encodeSignedTx, type SignedTx, TxKind, txHash } from "@vshard/types";
import type { MempoolEntry } from "./interface.ts";

/** What a tx takes from its sender's balance if executed: its fee, plus the amount a transfer moves. */
export function txCost(stx: SignedTx): bigint {
  const tx = stx.tx;
  return tx.kind === TxKind.Transfer ? tx.fee + tx.payload.amount : tx.fee;
}

/**
 * The mempool entry of a signed tx: hash, sender address (hex is the key the pool groups senders by), cost and
 * encoded size. Pass `size` when the encoded bytes are already known, to skip re-encoding.
 */
export function createMempoolEntry(stx: SignedTx, size?: number): MempoolEntry {
  const hash = txHash(stx.tx);
  const senderAddress = addressFromPublicKey(stx.tx.sender);
  return {
    hash,
    hashHex: bytesToHex(hash),
    stx,
    senderAddress,
    senderHex: bytesToHex(senderAddress),
    nonce: stx.tx.nonce,
    fee: stx.tx.fee,
    cost: txCost(stx),
    size: size ?? encodeSignedTx(stx).length,
  };
}
