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
  /** Whether the main chain accepts an anchor of this header now (its epoch's anchor window is open). */
  accepting: (header: Header) => boolean;
  /** Heights below are known anchored (every block with receipts under it). */
  cursor: number;
  /** Main height at which each block with receipts was first seen final, acceptable and unanchored. */
  seenUnanchored: Map<number, number>;
}

/**
 * Anchors the final worker-shard blocks that carry receipts and that nobody anchored in time — their proposer crashed,
 * or restarted and lost the headers it kept waiting — so that no receipt stays undeliverable. "In time": the block
 * stayed acceptable (its anchor window open) and unanchored for `graceBlocks` main blocks, counted from the sweep that
 * first saw it so, not from the window's opening (a long epoch's window opened long before its last blocks). Any node may anchor any
 * certified header; a second anchor of a height is refused harmlessly. Runs every `everyBlocks` main blocks, one
 * sweep at a time, from a per-shard cursor (in memory: a restart sweeps again from the first height).
 */
export class AnchorSweeper {
  private readonly shards = new Map<string, SweptShard>();
  private sweeping = false;

  constructor(
    /**
     * `everyBlocks`: main blocks between sweeps; `graceBlocks`: main blocks a block stays acceptable and unanchored
     * before this node anchors it (its proposer's anchor normally lands well within it).
     */
    private readonly opts: { everyBlocks: number; graceBlocks: number },
    private readonly modules: {
      main: Pick<ShardChain, "getRecordValues" | "head">;
      submitter: Pick<OwnTxSubmitter, "submit">;
      logger: Logger;
    },
  ) {}

  /** Watches a worker shard; `accepting` says when the main chain takes an anchor of one of its headers. */
  add(chain: SweptShard["chain"], accepting: SweptShard["accepting"]): void {
    const key = `${chain.opts.chainId}/${chain.opts.shard}`;
    this.shards.set(key, { chain, accepting, cursor: 1, seenUnanchored: new Map() });
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
    const mainHeight = this.modules.main.head().height;
    for (const [i, { height }] of blocks.entries()) {
      if (anchored[i] !== null) {
        shard.seenUnanchored.delete(height);
        if (allAnchoredBelow) shard.cursor = height + 1;
        continue;
      }
      allAnchoredBelow = false;
      const header = (await chain.getBlock(height))?.header;
      if (!header || !shard.accepting(header)) continue;
      const since = shard.seenUnanchored.get(height);
      if (since === undefined) {
        shard.seenUnanchored.set(height, mainHeight);
        continue;
      }
      if (mainHeight - since < this.opts.graceBlocks) continue;
      this.modules.logger.info(
        { chainId, shard: id, height },
        "anchoring a block with receipts nobody anchored",
      );
      const result = await anchorHeader(this.modules.submitter, header);
      if (result?.ok) submitted++;
      shard.seenUnanchored.set(height, mainHeight); // not again before another grace period
    }
    if (allAnchoredBelow && blocks.length === 0) shard.cursor = Math.max(shard.cursor, final + 1);
    return submitted;
  }
}
