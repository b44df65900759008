import { bytesToHex } from "@vshard/crypto";
import { decodeSpentReceiptEntry, MAIN_CHAIN_ID, MAIN_SHARD, spentReceiptRecordId } from "@vshard/engine";
import { RecordNamespace, type ShardRef, type SignedTx, sameShard, TxKind } from "@vshard/types";
import type { HostedShard, NetworkView } from "../api/networkView.ts";
import type { NodeMetrics } from "../metrics.ts";
import { RECEIPT_USE_NAMES } from "./outboxPage.ts";
import { anchoredAtOf } from "./receiptDelivery.ts";
import { receiptKeyOf } from "./receiptKey.ts";
import { transferStages } from "./transferStages.ts";

/** Block times kept by the latency tracker (cleared when full). */
const MAX_CACHED_TIMES = 10_000;

/** Stage times of a credited transfer, ms (relayed absent when no relay handed it to this node). */
interface StageTimes {
  debited: number;
  anchored: number;
  relayed?: number;
  credited: number;
}

/**
 * Observes the cross-shard latency of every receipt a hosted shard credits (`crossShardSeconds` by stage) and counts
 * the receipts it consumes (`receiptsConsumed` by use). Runs after each commit, off the commit path; a failed read
 * only loses one observation. Returns the unsubscribe function.
 */
export function trackCrossShardMetrics(
  metrics: NodeMetrics,
  network: NetworkView,
  hosted: HostedShard,
): () => void {
  const here: ShardRef = { chainId: hosted.chain.opts.chainId, shard: hosted.chain.opts.shard };
  const chain = `${here.chainId}/${here.shard}`;
  /** Block times by chain/shard/height: the receipts of one block, and the anchors of one main block, share them. */
  const times = new Map<string, number>();
  return hosted.chain.subscribe((e) => {
    if (e.type !== "block" || !e.block) return;
    const { time } = e.block.header;
    for (const stx of e.block.txs)
      if (stx.tx.kind === TxKind.Receive)
        void observe(stx, time).catch(() => {
          /* a lost observation; the metric is a sample */
        });
  });

  async function observe(stx: SignedTx, creditedAt: number): Promise<void> {
    if (stx.tx.kind !== TxKind.Receive) return;
    const { receipt, sourceHeight } = stx.tx.payload;
    const [bytes] = await hosted.chain.getRecordValues([
      { namespace: RecordNamespace.SpentReceipt, id: spentReceiptRecordId(receipt.source, receipt.id) },
    ]);
    if (!bytes) return;
    metrics.receiptsConsumed.inc({ chain, use: RECEIPT_USE_NAMES[decodeSpentReceiptEntry(bytes).use] });
    if (!sameShard(receipt.destination, here)) return;
    const relayed = hosted.receives?.relayedAt(receiptKeyOf(receipt));
    const stages =
      receipt.source.chainId === MAIN_CHAIN_ID
        ? await routedTimes(bytesToHex(receipt.id))
        : await directTimes(receipt.source, sourceHeight, creditedAt);
    if (stages) record({ ...stages, ...(relayed === undefined ? {} : { relayed }) });
  }

  async function blockTime(ref: ShardRef, height: number): Promise<number | null> {
    const key = `${ref.chainId}/${ref.shard}/${height}`;
    const known = times.get(key);
    if (known !== undefined) return known;
    const block = await network.shard(ref.chainId, ref.shard)?.chain.getBlock(height);
    if (!block) return null;
    if (times.size >= MAX_CACHED_TIMES) times.clear();
    times.set(key, block.header.time);
    return block.header.time;
  }

  async function directTimes(source: ShardRef, height: number, credited: number): Promise<StageTimes | null> {
    const anchoredAt = await anchoredAtOf(network, source, height);
    if (anchoredAt === null) return null;
    const [debited, anchored] = await Promise.all([
      blockTime(source, height),
      blockTime(MAIN_SHARD, anchoredAt),
    ]);
    if (debited === null || anchored === null) return null;
    return { debited, anchored, credited };
  }

  /** A receipt from the main chain: its transfer's stages (a refund's id is no tx hash: not observed). */
  async function routedTimes(transferHash: string): Promise<StageTimes | null> {
    const view = await transferStages(network, transferHash);
    const at = (stage: string) => view.stages.find((s) => s.stage === stage)?.at;
    const debited = at("debited");
    const anchored = at("anchored") ?? debited;
    const credited = at("credited");
    if (debited === undefined || anchored === undefined || credited === undefined) return null;
    return { debited, anchored, credited };
  }

  function record(t: StageTimes): void {
    const seconds = (ms: number) => Math.max(0, ms) / 1000;
    metrics.crossShardSeconds.observe({ stage: "anchor" }, seconds(t.anchored - t.debited));
    if (t.relayed !== undefined) {
      metrics.crossShardSeconds.observe({ stage: "relay" }, seconds(t.relayed - t.anchored));
      metrics.crossShardSeconds.observe({ stage: "credit" }, seconds(t.credited - t.relayed));
    }
    metrics.crossShardSeconds.observe({ stage: "total" }, seconds(t.credited - t.debited));
  }
}
