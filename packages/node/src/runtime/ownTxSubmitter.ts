import { bytesToHex, type Ed25519KeyPair } from "@vshard/crypto";
import type { Logger, SubmitResult } from "@vshard/engine";
import { addressFromPublicKey, signTx, type Tx, type TxKind, type TxPayloads } from "@vshard/types";
import type { ChainRuntime } from "./chainRuntime.ts";

/**
 * Sends the node's own transactions (epoch proofs, anchors) to a chain with its validator key, one after another, each
 * with the lowest nonce not in use: from the committed nonce up, the first one no pending tx of the node holds (the
 * mempool keeps a tx until the block holding it is committed). A refused tx frees its nonce for the next one, and so
 * does one dropped when a block was built (e.g. an anchor someone else's anchor beat): its successors would otherwise
 * wait on the hole for ever.
 */
export class OwnTxSubmitter {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly senderHex: string;
  private readonly address: Uint8Array;

  constructor(
    private readonly runtime: ChainRuntime,
    private readonly keys: Ed25519KeyPair,
    private readonly logger: Logger,
  ) {
    this.address = addressFromPublicKey(keys.publicKey);
    this.senderHex = bytesToHex(this.address);
  }

  /** Signs and submits one tx of `kind`; resolves to the admission result, or null when it could not be sent. */
  submit<K extends TxKind>(kind: K, payload: TxPayloads[K], what: string): Promise<SubmitResult | null> {
    const run = this.queue.then(() => this.send(kind, payload, what));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async send<K extends TxKind>(
    kind: K,
    payload: TxPayloads[K],
    what: string,
  ): Promise<SubmitResult | null> {
    const { chain } = this.runtime;
    try {
      const [account] = await chain.getAccounts([this.address]);
      const nonce = firstFreeNonce(
        account.nonce,
        chain.mempool.pendingOf(this.senderHex).map((e) => e.nonce),
      );
      const tx = {
        chainId: chain.opts.chainId,
        shard: chain.opts.shard,
        kind,
        sender: this.keys.publicKey,
        nonce,
        fee: chain.opts.minFee,
        payload,
      } as Tx;
      const [result] = await this.runtime.submitTxs([signTx(tx, this.keys.secretKey)]);
      if (!result.ok)
        this.logger.warn({ what, code: result.error.code, err: result.error.message }, "own tx refused");
      else this.logger.debug({ what, nonce, hash: result.hash }, "own tx submitted");
      return result;
    } catch (err) {
      this.logger.warn({ what, err }, "own tx not submitted");
      return null;
    }
  }
}

/** The lowest nonce ≥ `committed` that none of `pending` holds. */
export function firstFreeNonce(committed: number, pending: readonly number[]): number {
  const held = new Set(pending);
  let nonce = committed;
  while (held.has(nonce)) nonce++;
  return nonce;
}
