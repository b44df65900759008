import type { Ed25519Signer } from "@vshard/crypto";
import { type SignedTx, type Tx, TxKind, txHash } from "@vshard/types";
import type { OutboxBlock, OutboxEntry } from "./interface.ts";

/**
 * The receive of a deliverable outbox entry, signed by the relay's key: for the shard that consumes it, nonce 0 and
 * fee 0 (the receipt is checked, not its relay). Ed25519 is deterministic: the same relay makes the same tx each time.
 * Signed through node:crypto (`createEd25519Signer`): a relay signs one receive per receipt, at the network's
 * cross-shard rate.
 */
export function signedReceive(signer: Ed25519Signer, block: OutboxBlock, entry: OutboxEntry): SignedTx {
  if (entry.deliverTo === null) throw new TypeError("signedReceive: the receipt is not deliverable yet");
  const tx: Tx = {
    chainId: entry.deliverTo.chainId,
    shard: entry.deliverTo.shard,
    kind: TxKind.Receive,
    sender: signer.publicKey,
    nonce: 0,
    fee: 0n,
    payload: { receipt: entry.receipt, sourceHeight: block.height, proof: entry.proof },
  };
  return { tx, signature: signer.sign(txHash(tx)) };
}
