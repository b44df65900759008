import { type FinalitySource, FinalityTracker, shardEventsPath, waitForProgress } from "./finalityTracker.ts";

/** One shard's event stream and its tracker. */
export interface ShardStream {
  shard: number;
  tracker: FinalityTracker;
}

/**
 * Finality over every shard of a worker chain: one {@link FinalityTracker} per shard on its chain-scoped event stream
 * (`/v1/chains/:chainId/shards/:shard/events`), read as one source: a tx is final when its shard's tracker says so,
 * and the final count is the sum over the shards.
 */
export class ShardFinality implements FinalitySource {
  readonly streams: ShardStream[];

  /** One stream per shard of chain `chainId` (shards 0 … `shards` − 1), all read from the node at `url`. */
  constructor(url: string, chainId: number, shards: number) {
    this.streams = Array.from({ length: shards }, (_, shard) => ({
      shard,
      tracker: new FinalityTracker(url, shardEventsPath(chainId, shard)),
    }));
  }

  /** Opens every stream; resolves once all are connected. */
  async start(): Promise<void> {
    await Promise.all(this.streams.map((s) => s.tracker.start()));
  }

  finalTime(hashHex: string): number | undefined {
    for (const s of this.streams) {
      const t = s.tracker.finalTime(hashHex);
      if (t !== undefined) return t;
    }
    return undefined;
  }

  finalCount(): number {
    return this.streams.reduce((n, s) => n + s.tracker.finalCount(), 0);
  }

  onProgress(fn: () => void): () => void {
    const stops = this.streams.map((s) => s.tracker.onProgress(fn));
    return () => {
      for (const stop of stops) stop();
    };
  }

  waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
    return waitForProgress((fn) => this.onProgress(fn), done, timeoutMs);
  }

  async stop(): Promise<void> {
    await Promise.all(this.streams.map((s) => s.tracker.stop()));
  }
}
