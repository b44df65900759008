import type { Logger, ShardChain, SubmitResult } from "@vshard/engine";
import { decodeTxSubmission, encodeTxBatch, type SignedTx, type WireTx } from "@vshard/types";
import type { Transport } from "../network/transport.ts";

/**
 * Spreads the transactions a node admits to the other nodes of its shard, so that whichever node proposes next has
 * them. Txs a client (or a plugin) submits are admitted locally and, those accepted, published as one batch; txs that
 * arrive from peers are admitted and not published again (the transport's gossip layer relays where it needs to).
 */
export class TxGossip {
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly chain: ShardChain,
    private readonly transport: Transport | null,
    private readonly topic: string,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (!this.transport || this.unsubscribe) return;
    this.unsubscribe = this.transport.subscribe(this.topic, (from, data) => this.onGossip(from, data));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Admits txs from a client or a plugin and publishes the accepted ones; one result per input, in order. */
  async submit(txs: Array<SignedTx | WireTx>): Promise<SubmitResult[]> {
    const results = await this.chain.submitTxs(txs);
    if (this.transport) {
      const accepted = txs.filter((_, i) => results[i].ok).map((t) => ("stx" in t ? t.stx : t));
      if (accepted.length > 0) this.transport.publish(this.topic, encodeTxBatch(accepted));
    }
    return results;
  }

  private async onGossip(from: string, data: Uint8Array): Promise<void> {
    let txs: WireTx[];
    try {
      txs = decodeTxSubmission(data).txs;
    } catch (err) {
      this.logger.debug({ from, err }, "tx gossip: malformed batch dropped");
      return;
    }
    // Refusals are normal here (a tx already included, a nonce another node saw first): nothing to report.
    await this.chain.submitTxs(txs);
  }
}
