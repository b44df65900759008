/** What the runner reads of finality: when each tx became final, how many are, and progress to wait on. */
export interface FinalitySource {
  /** When `hashHex` became final (`performance.now()` ms), if it has. */
  finalTime(hashHex: string): number | undefined;
  /** How many txs are final so far. */
  finalCount(): number;
  /** Calls `fn` after each finality step; returns the unsubscribe function. */
  onProgress(fn: () => void): () => void;
  /** Resolves once `done()` holds after a finality step, or after `timeoutMs` (resolving false). */
  waitFor(done: () => boolean, timeoutMs: number): Promise<boolean>;
}

/** {@link FinalitySource.waitFor} over a source's `onProgress`. */
export function waitForProgress(
  onProgress: FinalitySource["onProgress"],
  done: () => boolean,
  timeoutMs: number,
): Promise<boolean> {
  if (done()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop();
      resolve(false);
    }, timeoutMs);
    const stop = onProgress(() => {
      if (!done()) return;
      clearTimeout(timer);
      stop();
      resolve(true);
    });
  });
}

/** The event stream of the node's default chain. */
export const DEFAULT_EVENTS_PATH = "/v1/events";

/** The event stream of one chain shard of a network node. */
export function shardEventsPath(chainId: number, shard: number): string {
  return `/v1/chains/${chainId}/shards/${shard}/events`;
}

/**
 * Follows a node's server-sent events (its default chain's, or those of the chain shard `path` names) and records
 * when each transaction became final: a tx is final when the `finalized` height reaches the block that holds it.
 * Times are `performance.now()` milliseconds of this process.
 */
export class FinalityTracker implements FinalitySource {
  private readonly pendingBlocks = new Map<number, string[]>();
  private readonly finalAt = new Map<string, number>();
  /** Hashes of final txs in chain order (block by block, in block order). */
  readonly finalOrder: string[] = [];
  private finalizedHeight = -1;
  private readonly controller = new AbortController();
  private readonly listeners = new Set<() => void>();
  private running: Promise<void> | null = null;

  constructor(
    private readonly url: string,
    private readonly path: string = DEFAULT_EVENTS_PATH,
  ) {}

  /** Opens the event stream; resolves once connected. */
  async start(): Promise<void> {
    const res = await fetch(`${this.url}${this.path}?txs=hashes`, { signal: this.controller.signal });
    if (!res.ok || !res.body)
      throw new Error(
        `event stream ${this.path} refused: HTTP ${res.status} ${await res.text().catch(() => "")}`,
      );
    const reader = res.body.getReader();
    this.running = this.read(reader).catch(() => undefined);
  }

  /** When `hashHex` became final, if it has. */
  finalTime(hashHex: string): number | undefined {
    return this.finalAt.get(hashHex);
  }

  /** How many txs are final so far. */
  finalCount(): number {
    return this.finalAt.size;
  }

  /** Calls `fn` after each finality step (for waiting on conditions without polling). */
  onProgress(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Resolves once `done()` holds after a finality step, or after `timeoutMs` (resolving false). */
  waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
    return waitForProgress((fn) => this.onProgress(fn), done, timeoutMs);
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.running;
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        this.handle(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
      }
    }
  }

  private handle(message: string): void {
    const event = /^event: (\w+)$/m.exec(message)?.[1];
    const data = /^data: (.*)$/m.exec(message)?.[1];
    if (!event || !data) return;
    const parsed = JSON.parse(data) as { height: number; txs?: string[] };
    if (event === "block") this.pendingBlocks.set(parsed.height, parsed.txs ?? []);
    else if (event === "finalized") {
      const now = performance.now();
      this.finalizedHeight = Math.max(this.finalizedHeight, parsed.height);
      const heights = [...this.pendingBlocks.keys()]
        .filter((h) => h <= this.finalizedHeight)
        .sort((a, b) => a - b);
      for (const height of heights) {
        for (const h of this.pendingBlocks.get(height) ?? []) {
          this.finalAt.set(h, now);
          this.finalOrder.push(h);
        }
        this.pendingBlocks.delete(height);
      }
      for (const l of this.listeners) l();
    }
  }
}
