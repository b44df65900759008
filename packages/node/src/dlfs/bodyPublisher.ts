import { bytesEqual } from "@vshard/crypto";
import type { Clock, Logger, ShardChain } from "@vshard/engine";
import { cidToString, packBody } from "@vshard/storage";
import { type Block, decodeTuple, encodeBody, encodeTuple, expectUint } from "@vshard/types";
import type { NodeMetrics } from "../metrics.ts";
import type { DlfsClient } from "./dlfsClient.ts";
import type { StorageMembership } from "./storageMembership.ts";

/**
 * 2 s between attempts, 30 attempts: a body whose storage nodes are all unreachable (restarting, partitioned) is
 * retried for a minute; after that the error is logged and the block's body stays only with the chain's full nodes.
 */
const RETRY_MS = 2_000;
const MAX_ATTEMPTS = 30;
/** Where the highest height published is kept (the chain's per-shard consensus data). */
const PUBLISHED_KEY = "dlfs/published";
/** Most blocks looked at again after a restart: ~4 minutes of 250 ms blocks; older ones are left to the full nodes. */
const MAX_BACKFILL = 1_000;

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
 * nodes. One body at a time, in commit order; a failed write is retried. The highest height published is kept in the
 * chain's database, so after a restart the bodies this node proposed since then (committed while it was down to the
 * storage nodes, or queued when it stopped) are published first.
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
  /** Highest height published per chain shard, as saved. */
  private readonly cursors = new Map<string, number>();

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

  /**
   * Publishes the bodies `chain` commits with this node as proposer, starting with those it missed since the last
   * height it published; returns the unsubscribe function.
   */
  watch(chain: ShardChain): () => void {
    if (this.modules.membership.members().length > 0) this.backfill(chain);
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

  /** Queues (first in line) the bodies of this node's blocks above the last height published, at most `MAX_BACKFILL`. */
  private backfill(chain: ShardChain): void {
    // The backfill counts as one pending body until it has looked at every block (so `idle` waits for it).
    this.counts.pending++;
    const run = this.queue.then(async () => {
      const saved = await chain.loadConsensusData(PUBLISHED_KEY);
      const last = saved === null ? 0 : expectUint(decodeTuple(saved, 1, "dlfs published")[0], "height");
      const head = chain.head().height;
      for (let h = Math.max(last + 1, head - MAX_BACKFILL + 1, 1); h <= head && !this.stopped; h++) {
        const block = await chain.getBlock(h);
        if (block && bytesEqual(block.header.proposer, this.opts.publicKey))
          await this.publishCounted(chain, block);
      }
    });
    this.queue = run
      .catch((err) => this.modules.logger.error({ err }, "dlfs: backfill failed"))
      .finally(() => {
        this.counts.pending--;
      });
  }

  private publishCounted(chain: ShardChain, block: Block): Promise<void> {
    this.counts.pending++;
    return this.publish(chain, block);
  }

  /** Records that the body at `height` is published, unless a higher one already is. */
  private async saveCursor(chain: ShardChain, height: number): Promise<void> {
    const key = `${chain.opts.chainId}/${chain.opts.shard}`;
    if ((this.cursors.get(key) ?? 0) >= height) return;
    this.cursors.set(key, height);
    await chain.saveConsensusData(PUBLISHED_KEY, encodeTuple([height]));
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
          await this.saveCursor(chain, header.height);
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
