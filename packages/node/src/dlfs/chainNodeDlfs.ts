import type { Clock, Logger, ShardChain } from "@vshard/engine";
import { headerHash, txInclusionProof } from "@vshard/types";
import { ApiError } from "../api/apiError.ts";
import type { DlfsView, TxProofAnswer } from "../api/dlfsView.ts";
import type { NodeMetrics } from "../metrics.ts";
import type { Transport } from "../network/transport.ts";
import { BodyPublisher } from "./bodyPublisher.ts";
import { DlfsClient, type DlfsStats } from "./dlfsClient.ts";
import { serveHeaders } from "./headerService.ts";
import { DEFAULT_RPC_TIMEOUT_MS, PeerRpc } from "./peerRpc.ts";
import type { StorageMembership } from "./storageMembership.ts";

/** Which chain shards a node keeps whole: every one (archive) or those it was told to serve (full). */
export type ChainNodeRole = "archive" | "full";

/**
 * The DLFS side of a node that runs chains: it serves its committed headers to light nodes, writes the bodies of the
 * blocks it proposes to the storage nodes, and answers proofs from its own database.
 */
export class ChainNodeDlfs implements DlfsView {
  readonly client: DlfsClient;
  readonly publisher: BodyPublisher;
  readonly rpc: PeerRpc;
  private readonly unsubscribes: Array<() => void> = [];

  constructor(
    readonly opts: { role: ChainNodeRole; publicKey: Uint8Array; replicas: number },
    private readonly modules: {
      transport: Transport;
      membership: StorageMembership;
      clock: Clock;
      logger: Logger;
      lookup: (chainId: number, shard: number) => ShardChain | undefined;
      metrics: NodeMetrics | null;
    },
  ) {
    const logger = modules.logger.child({ module: "dlfs" });
    this.rpc = new PeerRpc({ timeoutMs: DEFAULT_RPC_TIMEOUT_MS }, { ...modules, logger });
    this.client = new DlfsClient(
      { replicas: opts.replicas },
      {
        rpc: this.rpc,
        membership: modules.membership,
        logger,
        metrics: modules.metrics,
      },
    );
    this.publisher = new BodyPublisher(
      { publicKey: opts.publicKey },
      {
        client: this.client,
        membership: modules.membership,
        clock: modules.clock,
        logger,
        metrics: modules.metrics,
      },
    );
    this.unsubscribes.push(serveHeaders(this.rpc, modules.lookup));
  }

  get role(): ChainNodeRole {
    return this.opts.role;
  }

  /** Publishes the bodies of the blocks this node proposes on `chain`. */
  watch(chain: ShardChain): void {
    this.unsubscribes.push(this.publisher.watch(chain));
  }

  async stats(): Promise<DlfsStats & { thisNode: Record<string, unknown> }> {
    return { ...(await this.client.stats()), thisNode: { role: this.role, ...this.publisher.stats() } };
  }

  async txProof(chainId: number, shard: number, height: number, txHash: Uint8Array): Promise<TxProofAnswer> {
    const chain = this.modules.lookup(chainId, shard);
    if (!chain)
      throw new ApiError(
        404,
        "API_ERROR_SHARD_NOT_HOSTED",
        `this node does not run chain ${chainId} shard ${shard}`,
      );
    const block = await chain.getBlock(height);
    if (!block)
      throw new ApiError(
        404,
        "API_ERROR_BLOCK_NOT_FOUND",
        `chain ${chainId} shard ${shard} has no block ${height}`,
      );
    return answerOf(block.header, block.txs, txHash, { from: "local" });
  }

  stop(): void {
    this.publisher.stop();
    for (const u of this.unsubscribes.splice(0)) u();
    this.rpc.close();
  }
}

/** A proof answer for a block's body, or 404 when the body does not hold the tx. */
export function answerOf(
  header: Parameters<typeof txInclusionProof>[0],
  txs: Parameters<typeof txInclusionProof>[1],
  txHash: Uint8Array,
  body: TxProofAnswer["body"],
): TxProofAnswer {
  const proof = txInclusionProof(header, txs, txHash);
  if (!proof)
    throw new ApiError(
      404,
      "API_ERROR_TX_NOT_IN_BLOCK",
      `block ${header.height} does not hold that transaction`,
    );
  return { proof, tx: txs[proof.proof.index], blockHash: headerHash(header), body };
}
