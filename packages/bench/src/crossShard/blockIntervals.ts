import type { ChainsJson } from "@vshard/node";

/** Heights of the main chain and of each shard of one worker chain at one moment. */
export interface HeightSnapshot {
  /** `performance.now()` ms. */
  at: number;
  main: number;
  /** Index k: shard k's height (null while the node does not run it). */
  shards: Array<number | null>;
}

/** What a snapshot reads: `GET /v1/chains` (an `ApiClient`, or a fake in tests). */
export interface ChainsSource {
  chains(): Promise<Pick<ChainsJson, "main" | "chains">>;
}

/** The heights of the main chain and of chain `chainId`'s shards on the node behind `source`, now. */
export async function snapshotHeights(source: ChainsSource, chainId: number): Promise<HeightSnapshot> {
  const at = performance.now();
  const chains = await source.chains();
  const chain = chains.chains.find((c) => c.chainId === chainId);
  return { at, main: chains.main.height, shards: (chain?.shards ?? []).map((s) => s.height) };
}

/**
 * Mean block intervals (ms) between two snapshots: the main chain's, and the mean of the shards' (each shard's
 * elapsed time ÷ blocks it added); null for a chain that added no block in between.
 */
export function blockIntervals(
  from: HeightSnapshot,
  to: HeightSnapshot,
): { main: number | null; shard: number | null } {
  const elapsed = to.at - from.at;
  const interval = (a: number | null | undefined, b: number | null | undefined) =>
    a === null || a === undefined || b === null || b === undefined || b <= a ? null : elapsed / (b - a);
  const perShard = to.shards
    .map((h, k) => interval(from.shards[k], h))
    .filter((v): v is number => v !== null);
  return {
    main: interval(from.main, to.main),
    shard: perShard.length === 0 ? null : perShard.reduce((a, b) => a + b, 0) / perShard.length,
  };
}

/**
 * Heights taken `delayMs` from now (the start of a measured window after its warm-up) and when `end()` is called,
 * turned into mean block intervals; a snapshot that fails (the node busy) leaves the intervals null.
 */
export class BlockIntervalWatch {
  private readonly first: Promise<HeightSnapshot | null>;

  constructor(
    private readonly source: ChainsSource,
    private readonly chainId: number,
    delayMs: number,
  ) {
    this.first = new Promise<void>((r) => setTimeout(r, delayMs)).then(() => this.take());
  }

  /** The intervals from the first snapshot to now. */
  async end(): Promise<{ main: number | null; shard: number | null }> {
    // The second snapshot follows the first, even when the window ended before the first was due.
    const from = await this.first;
    const to = await this.take();
    return from && to ? blockIntervals(from, to) : { main: null, shard: null };
  }

  private take(): Promise<HeightSnapshot | null> {
    return snapshotHeights(this.source, this.chainId).catch(() => null);
  }
}
