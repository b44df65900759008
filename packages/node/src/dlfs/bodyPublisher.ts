import { bytesEqual } from "@vshard/crypto";
import type { Clock, Logger, ShardChain } from "@vshard/engine";
import { cidToString, packBody } from "@vshard/storage";
import { type Block, encodeBody } from "@vshard/types";
import type { NodeMetrics } from "../metrics.ts";
import type { DlfsClient } from "./dlfsClient.ts";
import type { StorageMembership } from "./storageMembership.ts";

/**
 * 2 s between attempts, 30 attempts: a body whose storage nodes are all unreachable (restarting, partitioned) is
 * retried for a minute; after that the error is logged and the block's body stays only with the chain's full nodes.
 */
const RETRY_MS = 2_000;
const MAX_ATTEMPTS = 30;

/** What a publisher has done since it started. */
export interface PublisherStats {
  published: number;
  failed: number;
  /** Bodies queued or being written. */
  pending: number;
  /** Σ raw and packed lengths of the bodies published: their ratio is this node's compression ratio. */
  bodyBytes: number;
  packedBytes: number;
}

/**
 * Writes to the DLFS the bodies of the blocks this node proposed, once committed: each body is packed with its
 * chain's layout (the manifest's CID must be the header's body CID), its manifest and chunks put on their rendezvous
 * nodes. One body at a time, in commit order; a failed write is retried.
 */
export class BodyPublisher {
  private queue: Promise<void> = Promise.resolve();
  private readonly counts: PublisherStats = {
    published: 0,
    failed: 0,
    pending: 0,
    bodyBytes: 0,
    packedBytes: 0,
  };
  private stopped = false;

  constructor(
    private readonly opts: { publicKey: Uint8Array },
    private readonly modules: {
      client: DlfsClient;
      membership: StorageMembership;
      clock: Clock;
      logger: Logger;
      metrics: NodeMetrics | null;
    },
  ) {}

  /** Publishes the bodies `chain` commits with this node as proposer; returns the unsubscribe function. */
  watch(chain: ShardChain): () => void {
    return chain.subscribe((e) => {
      const block = e.type === "block" ? e.block : undefined;
      if (!block || this.stopped || !bytesEqual(block.header.proposer, this.opts.publicKey)) return;
      // A network without storage nodes keeps bodies only with its chain nodes.
      if (this.modules.membership.members().length === 0) return;
      this.enqueue(chain, block).catch((err) =>
        this.modules.logger.error({ err }, "dlfs: body not published"),
      );
    });
  }

  /** Queues one block's body (also for backfills and tests). */
  enqueue(chain: ShardChain, block: Block): Promise<void> {
    this.counts.pending++;
    const run = this.queue.then(() => this.publish(chain, block));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every queued body has been written or given up. */
  idle(): Promise<void> {
    return this.queue;
  }

  stats(): PublisherStats {
    return { ...this.counts };
  }

  stop(): void {
    this.stopped = true;
  }

  private async publish(chain: ShardChain, block: Block): Promise<void> {
    const { header } = block;
    const where = { chain: `${header.chainId}/${header.shard}`, height: header.height };
    try {
      const packed = packBody(encodeBody(block.txs), chain.opts.dlfs);
      if (!bytesEqual(packed.manifestObject.cid, header.bodyCid)) {
        this.modules.logger.error(
          { ...where },
          "dlfs: the body packs to another CID than its header's; not published",
        );
        this.counts.failed++;
        this.modules.metrics?.dlfsBodies.inc({ result: "failed" });
        return;
      }
      for (let attempt = 1; !this.stopped; attempt++) {
        try {
          const report = await this.modules.client.publish(packed);
          if (report.failed.length > 0)
            this.modules.logger.debug(
              { ...where, failed: report.failed.length },
              "dlfs: some copies left to repair",
            );
          this.counts.published++;
          this.counts.bodyBytes += packed.manifest.bodyLength;
          this.counts.packedBytes += packed.manifest.packedLength;
          const { metrics } = this.modules;
          metrics?.dlfsBodies.inc({ result: "published" });
          metrics?.dlfsBodyBytes.inc({ form: "raw" }, packed.manifest.bodyLength);
          metrics?.dlfsBodyBytes.inc({ form: "packed" }, packed.manifest.packedLength);
          return;
        } catch (err) {
          if (attempt >= MAX_ATTEMPTS) {
            this.counts.failed++;
            this.modules.metrics?.dlfsBodies.inc({ result: "failed" });
            this.modules.logger.error(
              { ...where, err, cid: cidToString(header.bodyCid) },
              "dlfs: body not published after every attempt",
            );
            return;
          }
          await new Promise<void>((resolve) => this.modules.clock.setTimer(RETRY_MS, resolve));
        }
      }
    } finally {
      this.counts.pending--;
    }
  }
}
