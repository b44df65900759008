import { anchoredHeaderRecordId, type Logger, type ShardChain } from "@vshard/engine";
import { type Header, RecordNamespace } from "@vshard/types";
import { anchorHeader } from "./anchoring.ts";
import type { OwnTxSubmitter } from "./ownTxSubmitter.ts";

/** Final blocks with receipts read per shard and sweep. */
const SWEEP_PAGE = 200;

/** One worker shard the sweeper watches. */
interface SweptShard {
  chain: Pick<ShardChain, "listOutboxes" | "finalizedHeight" | "getBlock"> & {
    opts: { chainId: number; shard: number };
  };
  /** Whether a header's anchor window has been open long enough that its proposer should have anchored it. */
  overdue: (header: Header) => boolean;
  /** Heights below are known anchored (every block with receipts under it). */
  cursor: number;
}

/**
 * Anchors the final worker-shard blocks that carry receipts and that nobody anchored in time — their proposer crashed,
 * or restarted and lost the headers it kept waiting — so that no receipt stays undeliverable. Any node may anchor any
 * certified header; a second anchor of a height is refused harmlessly. Runs every `everyBlocks` main blocks, one
 * sweep at a time, from a per-shard cursor (in memory: a restart sweeps again from the first height).
 */
export class AnchorSweeper {
  private readonly shards = new Map<string, SweptShard>();
  private sweeping = false;

  constructor(
    private readonly opts: { everyBlocks: number },
    private readonly modules: {
      main: Pick<ShardChain, "getRecordValues">;
      submitter: Pick<OwnTxSubmitter, "submit">;
      logger: Logger;
    },
  ) {}

  /** Watches a worker shard; `overdue` says when one of its headers is late to be anchored. */
  add(chain: SweptShard["chain"], overdue: SweptShard["overdue"]): void {
    this.shards.set(`${chain.opts.chainId}/${chain.opts.shard}`, { chain, overdue, cursor: 1 });
  }

  /** Called on each main-chain commit: sweeps every `everyBlocks` heights (never two sweeps at once). */
  onMainCommit(height: number): void {
    if (height % this.opts.everyBlocks !== 0 || this.sweeping) return;
    this.sweeping = true;
    void this.sweep()
      .catch((err) => this.modules.logger.warn({ err: (err as Error).message }, "anchor sweep failed"))
      .finally(() => {
        this.sweeping = false;
      });
  }

  /** One pass over every watched shard; resolves to the number of anchors submitted. */
  async sweep(): Promise<number> {
    let submitted = 0;
    for (const shard of this.shards.values()) submitted += await this.sweepShard(shard);
    return submitted;
  }

  private async sweepShard(shard: SweptShard): Promise<number> {
    const { chain } = shard;
    const { chainId, shard: id } = chain.opts;
    const final = chain.finalizedHeight();
    const blocks = (await chain.listOutboxes(shard.cursor, SWEEP_PAGE)).filter((b) => b.height <= final);
    const anchored = await this.modules.main.getRecordValues(
      blocks.map((b) => ({
        namespace: RecordNamespace.AnchoredHeader,
        id: anchoredHeaderRecordId(chainId, id, b.height),
      })),
    );
    let submitted = 0;
    let allAnchoredBelow = true;
    for (const [i, { height }] of blocks.entries()) {
      if (anchored[i] !== null) {
        if (allAnchoredBelow) shard.cursor = height + 1;
        continue;
      }
      allAnchoredBelow = false;
      const header = (await chain.getBlock(height))?.header;
      if (!header || !shard.overdue(header)) continue;
      this.modules.logger.info(
        { chainId, shard: id, height },
        "anchoring a block with receipts nobody anchored",
      );
      const result = await anchorHeader(this.modules.submitter, header);
      if (result?.ok) submitted++;
    }
    if (allAnchoredBelow && blocks.length === 0) shard.cursor = Math.max(shard.cursor, final + 1);
    return submitted;
  }
}
