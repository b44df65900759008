import type { Logger, ShardChain, SubmitResult } from "@vshard/engine";
import { decodeTxSubmission, encodeTxBatch, type SignedTx, type WireTx } from "@vshard/types";
import type { MessageVerdict, Transport } from "../network/transport.ts";

/**
 * A refusal that only a faulty or malicious sender causes: an honest node relays only txs it admitted, and a
 * signature verifies or not the same way everywhere. (Refusals that depend on the schema, e.g. an account's home
 * shard or a record's fields, are not charged: two honest nodes may briefly disagree on a chain's schema version.)
 */
const SENDER_FAULTS: Partial<Record<string, MessageVerdict>> = { TX_ERROR_BAD_SIGNATURE: "bad-signature" };

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

  /** Admits a peer's batch; says what the sender did wrong when a refusal can only be its fault. */
  private async onGossip(from: string, data: Uint8Array): Promise<MessageVerdict | undefined> {
    let txs: WireTx[];
    try {
      txs = decodeTxSubmission(data).txs;
    } catch (err) {
      this.logger.debug({ from, err }, "tx gossip: malformed batch dropped");
      return "malformed";
    }
    // Each topic carries one chain shard's txs: a tx naming another was published where it does not belong.
    const { chainId, shard } = this.chain.opts;
    if (txs.some(({ stx }) => stx.tx.chainId !== chainId || stx.tx.shard !== shard)) return "wrong-topic";
    // Other refusals are normal here (a tx already included, a nonce another node saw first): nothing to report.
    const results = await this.chain.submitTxs(txs);
    for (const r of results) {
      const fault = r.ok ? undefined : SENDER_FAULTS[r.error.code];
      if (fault) return fault;
    }
    return undefined;
  }
}
