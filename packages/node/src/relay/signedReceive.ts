import type { Ed25519KeyPair } from "@vshard/crypto";
import { type SignedTx, signTx, TxKind } from "@vshard/types";
import type { OutboxBlock, OutboxEntry } from "./interface.ts";

/**
 * The receive of a deliverable outbox entry, signed by the relay's key: for the shard that consumes it, nonce 0 and
 * fee 0 (the receipt is checked, not its relay). Ed25519 is deterministic: the same relay makes the same tx each time.
 */
export function signedReceive(keys: Ed25519KeyPair, block: OutboxBlock, entry: OutboxEntry): SignedTx {
  if (entry.deliverTo === null) throw new TypeError("signedReceive: the receipt is not deliverable yet");
  return signTx(
    {
      chainId: entry.deliverTo.chainId,
      shard: entry.deliverTo.shard,
      kind: TxKind.Receive,
      sender: keys.publicKey,
      nonce: 0,
      fee: 0n,
      payload: { receipt: entry.receipt, sourceHeight: block.height, proof: entry.proof },
    },
    keys.secretKey,
  );
}
