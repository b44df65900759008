import type { Clock, ConsensusChannel, Logger } from "@vshard/engine";
import {
  type Block,
  decodeBlock,
  decodeTuple,
  encodeBlock,
  encodeTuple,
  expectArray,
  expectBytes,
  expectUint,
} from "@vshard/types";

/** What a node can serve to peers that are behind: the chain it follows, committed or the plugin's best branch. */
export interface SyncSource {
  /** Height of the highest block this node can serve. */
  height(): number;
  blockAt(height: number): Promise<Block | null>;
}

/** Tuning of block sync. */
export interface BlockSyncOptions {
  /** How often a node tells its peers its height. */
  statusIntervalMs: number;
  /** Most blocks in one response. */
  maxBlocksPerResponse: number;
  /** Most encoded bytes in one response (a response stops before the block that would pass it). */
  maxResponseBytes: number;
  /** A request without an answer after this long is given up, and the next status asks again (maybe another peer). */
  requestTimeoutMs: number;
}

/**
 * Status every second: a lagging node learns within a second that it is behind, and a 4-node shard spends 4 tiny
 * messages a second on it. 64 blocks or 4 MiB per response: catches up a minute of 250 ms blocks in a few round trips
 * without one message holding the link for long.
 */
export const defaultBlockSyncOptions: BlockSyncOptions = {
  statusIntervalMs: 1_000,
  maxBlocksPerResponse: 64,
  maxResponseBytes: 4 * 1024 * 1024,
  requestTimeoutMs: 3_000,
};

/** Sub-topics of the shard's channel used by sync. */
export const SYNC_STATUS = "sync/status";
export const SYNC_REQUEST = "sync/request";
export const SYNC_BLOCKS = "sync/blocks";

/**
 * Block sync between the nodes of one shard: each node publishes its height; one that is behind asks a peer that is
 * ahead for the blocks above its own, and hands them to the plugin (`onBlocks`), which checks certificates or feeds its
 * fork choice. Malformed messages are dropped. Shared by the multi-node plugins.
 */
export class BlockSync {
  private readonly peerHeights = new Map<string, number>();
  private outstanding: { peer: string; at: number } | null = null;
  private cancelTimer: (() => void) | null = null;
  private readonly unsubscribe: Array<() => void> = [];
  private running = false;

  constructor(
    private readonly opts: BlockSyncOptions,
    private readonly modules: {
      channel: ConsensusChannel;
      clock: Clock;
      source: SyncSource;
      /** Applies blocks received from `from`, lowest first; resolves when done (errors are the callee's to log). */
      onBlocks: (from: string, blocks: Block[]) => Promise<void>;
      logger: Logger;
    },
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const { channel } = this.modules;
    this.unsubscribe.push(
      channel.subscribe(SYNC_STATUS, (from, data) => this.onStatus(from, data)),
      channel.subscribe(SYNC_REQUEST, (from, data) => this.onRequest(from, data)),
      channel.subscribe(SYNC_BLOCKS, (from, data) => this.onResponse(from, data)),
    );
    this.tick();
  }

  stop(): void {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = null;
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /** The highest height a peer has announced. */
  bestPeerHeight(): number {
    let best = 0;
    for (const h of this.peerHeights.values()) best = Math.max(best, h);
    return best;
  }

  /** Tells peers this node's height now. */
  announce(): void {
    if (this.running) this.modules.channel.publish(SYNC_STATUS, encodeTuple([this.modules.source.height()]));
  }

  /** Notes that `peer` has a block at `height` (e.g. it just proposed one) and asks for the gap if there is one. */
  observe(peer: string, height: number): void {
    if (height > (this.peerHeights.get(peer) ?? -1)) this.peerHeights.set(peer, height);
    this.maybeRequest(peer);
  }

  private tick(): void {
    if (!this.running) return;
    this.announce();
    const { clock } = this.modules;
    if (this.outstanding && clock.now() - this.outstanding.at > this.opts.requestTimeoutMs)
      this.outstanding = null;
    this.cancelTimer = clock.setTimer(this.opts.statusIntervalMs, () => this.tick());
  }

  private onStatus(from: string, data: Uint8Array): void {
    let height: number;
    try {
      height = expectUint(decodeTuple(data, 1, "sync status")[0], "sync status height");
    } catch {
      return;
    }
    this.observe(from, height);
  }

  private maybeRequest(preferred: string): void {
    if (!this.running || this.outstanding) return;
    const mine = this.modules.source.height();
    let peer = preferred;
    if ((this.peerHeights.get(peer) ?? 0) <= mine) {
      const ahead = [...this.peerHeights].find(([, h]) => h > mine);
      if (!ahead) return;
      peer = ahead[0];
    }
    this.outstanding = { peer, at: this.modules.clock.now() };
    this.modules.channel.send(peer, SYNC_REQUEST, encodeTuple([mine + 1, this.opts.maxBlocksPerResponse]));
  }

  private async onRequest(from: string, data: Uint8Array): Promise<void> {
    let first: number;
    let count: number;
    try {
      const [a, b] = decodeTuple(data, 2, "sync request");
      first = expectUint(a, "sync request from");
      count = Math.min(expectUint(b, "sync request count"), this.opts.maxBlocksPerResponse);
    } catch {
      return;
    }
    const { source } = this.modules;
    const last = Math.min(source.height(), first + count - 1);
    const blocks: Uint8Array[] = [];
    let bytes = 0;
    for (let h = first; h <= last; h++) {
      const block = await source.blockAt(h);
      if (!block) break;
      const encoded = encodeBlock(block);
      if (blocks.length > 0 && bytes + encoded.length > this.opts.maxResponseBytes) break;
      blocks.push(encoded);
      bytes += encoded.length;
    }
    if (blocks.length > 0 && this.running)
      this.modules.channel.send(from, SYNC_BLOCKS, encodeTuple([blocks]));
  }

  private async onResponse(from: string, data: Uint8Array): Promise<void> {
    if (this.outstanding?.peer === from) this.outstanding = null;
    let blocks: Block[];
    try {
      const [list] = decodeTuple(data, 1, "sync blocks");
      blocks = expectArray(list, "sync blocks", (v, what) => decodeBlock(expectBytes(v, what)));
    } catch (err) {
      this.modules.logger.debug({ from, err }, "sync: malformed response dropped");
      return;
    }
    if (blocks.length === 0) return;
    await this.modules.onBlocks(from, blocks);
    this.maybeRequest(from);
  }
}
