import { bytesEqual, bytesToHex, ed25519Verify } from "@vshard/crypto";
import type { AssembledBlock, ConsensusContext, ConsensusPlugin, Evidence, PeerFault } from "@vshard/engine";
import { type Block, decodeBlock, encodeBlock, type Header, headerHash } from "@vshard/types";
import { BlockSync, defaultBlockSyncOptions } from "../sync/blockSync.ts";
import { BlockProducer } from "./blockProducer.ts";
import { placementProblem, treeBlockOf } from "./blockRules.ts";
import { BlockTree } from "./blockTree.ts";
import { DposStats, type DposStatus } from "./dposStats.ts";
import { EvidenceReporter } from "./evidenceReporter.ts";
import { commitIrreversible } from "./finality.ts";
import { DposError, type DposOptions, dposOptionsFrom } from "./options.ts";
import { OrphanPool } from "./orphanPool.ts";
import { epochOfHeight, producerOfSlot, type SlotClock, slotOf, slotStart } from "./schedule.ts";
import { ScheduleBook } from "./scheduleBook.ts";

/** Sub-topic of the shard's channel that carries blocks (each node relays a block it accepts once). */
export const DPOS_BLOCK = "dpos/block";

/** A block waiting for its parent: who sent it and its bytes (relayed as they came once it is accepted). */
interface PendingBlock {
  from: string;
  block: Block;
  bytes: Uint8Array | null;
}

/**
 * Delegated proof of stake: the committee's members are the candidates; every epoch the top N by stake-weighted votes
 * produce blocks in round-robin slots (a missed slot is skipped); fork choice takes the highest branch; a block is
 * irreversible, and committed, once ⌊2N/3⌋+1 distinct producers have built on it; two blocks signed by one producer
 * for one slot or height become evidence and an evidence tx that slashes its stake.
 * Every message handler and timer runs through one queue and returns the promise of its task.
 */
export class DposConsensus implements ConsensusPlugin {
  readonly name = "dpos";
  private readonly opts: DposOptions;
  private readonly me: Uint8Array;
  private readonly schedules: ScheduleBook;
  private readonly orphans: OrphanPool<PendingBlock>;
  private readonly reporter: EvidenceReporter;
  private readonly producer: BlockProducer;
  private readonly stats = new DposStats();
  /** Public keys (hex) of the committee's members: who may sign blocks at all. */
  private readonly candidates: Set<string>;
  private slots: SlotClock = { genesisTime: 0, slotMs: 1 };
  private tree: BlockTree<AssembledBlock> | null = null;
  private sync: BlockSync | null = null;
  private queue: Promise<void> = Promise.resolve();
  private running = false;
  private cancelTimer: (() => void) | null = null;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly ctx: ConsensusContext) {
    this.opts = dposOptionsFrom(ctx.params);
    this.me = ctx.keys.ed25519.publicKey;
    this.schedules = new ScheduleBook(this.opts, {
      app: ctx.app,
      candidates: ctx.committee.members.map((m) => m.publicKey),
      logger: ctx.logger,
    });
    this.orphans = new OrphanPool(this.opts.maxOrphans);
    this.producer = new BlockProducer(
      { emptyBlocks: this.opts.emptyBlocks, doubleProduce: this.opts.faults.doubleProduce },
      { app: ctx.app, keys: ctx.keys.ed25519, logger: ctx.logger },
    );
    this.reporter = new EvidenceReporter({ app: ctx.app, keys: ctx.keys.ed25519, logger: ctx.logger });
    this.candidates = new Set(ctx.committee.members.map((m) => bytesToHex(m.publicKey)));
  }

  async start(): Promise<void> {
    if (this.running) return;
    const { app, channel, clock, logger } = this.ctx;
    const head = app.head();
    // Committed means irreversible: everything committed before a restart is final.
    app.markFinalized(head.height);
    const genesis = await app.getBlock(0);
    if (!genesis)
      throw new DposError({ code: "DPOS_ERROR_NO_GENESIS" }, "dpos: the chain has no genesis block");
    this.slots = { genesisTime: genesis.header.time, slotMs: this.opts.slotMs };
    const root = {
      hash: bytesToHex(head.hash),
      height: head.height,
      slot: slotOf(this.slots, app.headTime()),
    };
    this.tree = new BlockTree(root, { maxDepth: this.opts.maxForkDepth });
    const epoch = epochOfHeight(head.height + 1, this.opts.epochLength);
    this.stats.schedule(epoch, await this.schedules.committedSchedule(epoch));
    this.stats.started(slotOf(this.slots, clock.now()));
    await this.producer.load();
    this.running = true;
    if (channel) {
      this.unsubscribe.push(
        channel.subscribe(DPOS_BLOCK, (from, data) => this.enqueue(() => this.onMessage(from, data))),
      );
      this.sync = new BlockSync(defaultBlockSyncOptions, {
        channel,
        clock,
        logger,
        source: {
          // With orphans waiting, a branch below the best head is missing: ask peers from the root up.
          height: () =>
            this.orphans.size() > 0 ? this.bestTree().root().height : this.bestTree().best().height,
          blockAt: (h) => this.blockAt(h),
        },
        onBlocks: (from, blocks) =>
          this.enqueue(async () => {
            for (const block of blocks) await this.receive({ from, block, bytes: null });
          }),
      });
      this.sync.start();
    }
    this.scheduleNextSlot();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.sync?.stop();
    this.sync = null;
    for (const u of this.unsubscribe.splice(0)) u();
    await this.queue;
  }

  verifyCertificate(header: Header): boolean {
    return ed25519Verify(header.certificate, headerHash(header), header.proposer);
  }

  evidence(): Evidence[] {
    return this.reporter.evidence();
  }

  /** The next height, its producers and the counters (see `DposCounters`). */
  status(): DposStatus {
    const height = (this.tree?.best().height ?? this.ctx.app.head().height) + 1;
    return this.stats.status(height, this.reporter.evidence().length);
  }

  /** The producers of `epoch` in slot order, as the best branch elects them (null when not known yet). */
  async producers(epoch: number): Promise<Uint8Array[] | null> {
    try {
      return await this.schedules.scheduleFor(epoch, this.bestTree().bestPath());
    } catch {
      return null;
    }
  }

  /** Headers of the best branch above the last irreversible (committed) block, oldest first. */
  bestBranch(): Header[] {
    return this.tree ? this.tree.bestPath().map((b) => b.data.block.header) : [];
  }

  /** Runs `task` after every task before it; resolves when it is done (errors are logged, never thrown). */
  /** Runs `task` after every task queued before it; resolves with its result (undefined if it failed or we stopped). */
  private enqueue<T>(task: () => Promise<T>): Promise<T | undefined> {
    const run = this.queue
      .then(() => (this.running ? task() : undefined))
      .catch((err) => {
        this.ctx.logger.error({ err }, "dpos: task failed");
        return undefined;
      });
    this.queue = run.then(() => undefined);
    return run;
  }

  private bestTree(): BlockTree<AssembledBlock> {
    if (!this.tree) throw new Error("dpos: not started");
    return this.tree;
  }

  private async blockAt(height: number): Promise<Block | null> {
    const tree = this.bestTree();
    if (height <= tree.root().height) return this.ctx.app.getBlock(height);
    return tree.bestAt(height)?.data.block ?? null;
  }

  private scheduleNextSlot(): void {
    if (!this.running) return;
    const now = this.ctx.clock.now();
    const next = slotOf(this.slots, now) + 1;
    this.cancelTimer = this.ctx.clock.setTimer(slotStart(this.slots, next) - now, () =>
      this.enqueue(() => this.onSlot()),
    );
  }

  private async onSlot(): Promise<void> {
    this.scheduleNextSlot();
    const tree = this.bestTree();
    const slot = slotOf(this.slots, this.ctx.clock.now());
    this.stats.slotStarted(tree, slot);
    const best = tree.best();
    const height = best.height + 1;
    if (slot <= best.slot || height > tree.root().height + this.opts.maxForkDepth) return;
    const epoch = epochOfHeight(height, this.opts.epochLength);
    const path = tree.bestPath();
    const schedule = await this.schedules.scheduleFor(epoch, path);
    this.stats.schedule(epoch, schedule);
    const producer = producerOfSlot(schedule, slot);
    if (!producer || !bytesEqual(producer, this.me)) return;
    const time = slotStart(this.slots, slot);
    const ancestors = path.map((b) => b.data);
    for (const assembled of await this.producer.produce({ slot, height, epoch, time, ancestors })) {
      const header = assembled.block.header;
      const hex = bytesToHex(headerHash(header));
      await this.reporter.observe({ header, hash: hex, slot });
      if (this.stats.addProduced(tree, treeBlockOf(hex, header, slot, assembled)).added)
        this.ctx.channel?.publish(DPOS_BLOCK, encodeBlock(assembled.block));
    }
    await this.advanceFinality();
  }

  private async onMessage(from: string, data: Uint8Array): Promise<PeerFault | undefined> {
    let block: Block;
    try {
      block = decodeBlock(data);
    } catch (err) {
      this.ctx.logger.debug({ from, err }, "dpos: malformed block dropped");
      this.stats.received(false);
      return "malformed";
    }
    await this.receive({ from, block, bytes: data });
  }

  /** Takes a block from a peer (gossip or sync): validates and adds it, then the orphans waiting for it. */
  private async receive(p: PendingBlock): Promise<void> {
    const tree = this.bestTree();
    const h = p.block.header;
    if (h.chainId !== this.ctx.chain.chainId || h.shard !== this.ctx.chain.shard) return;
    const hash = headerHash(h);
    const hex = bytesToHex(hash);
    if (tree.has(hex) || this.orphans.has(hex)) return;
    const root = tree.root();
    const slot = slotOf(this.slots, h.time);
    if (h.height <= root.height) return this.reporter.observeStale({ header: h, hash: hex, slot }, hash);
    const parent = bytesToHex(h.parentHash);
    if (!tree.has(parent)) {
      // Only a block a candidate signed counts (junk must not fill the pool nor steer sync); at the root's height + 1
      // it is on a branch without the root, and sync fetches what is missing from the root up.
      if (h.height === root.height + 1 || !this.candidates.has(bytesToHex(h.proposer))) return;
      if (!ed25519Verify(h.certificate, hash, h.proposer)) return;
      if (h.height <= root.height + this.opts.maxForkDepth) this.orphans.add(hex, parent, h.height, p);
      this.sync?.observe(p.from, h.height);
      return;
    }
    const waiting = [{ p, hex }];
    for (let next = waiting.pop(); next; next = waiting.pop()) {
      if (!this.stats.received(await this.accept(next.p, next.hex))) continue;
      for (const child of this.orphans.takeChildren(next.hex))
        waiting.push({ p: child, hex: bytesToHex(headerHash(child.block.header)) });
    }
    await this.advanceFinality();
  }

  /** Validates a block whose parent is in the tree; adds and relays it. False when refused. */
  private async accept(p: PendingBlock, hex: string): Promise<boolean> {
    const tree = this.bestTree();
    const h = p.block.header;
    const parentHex = bytesToHex(h.parentHash);
    const parent = tree.get(parentHex) ?? tree.root();
    const path = tree.path(parentHex);
    const epoch = epochOfHeight(parent.height + 1, this.opts.epochLength);
    const problem = placementProblem(h, {
      parent,
      rootHeight: tree.root().height,
      now: this.ctx.clock.now(),
      slots: this.slots,
      opts: this.opts,
      schedule: await this.schedules.scheduleFor(epoch, path),
    });
    if (problem) {
      this.ctx.logger.debug({ from: p.from, height: h.height, problem }, "dpos: block refused");
      return false;
    }
    const slot = slotOf(this.slots, h.time);
    await this.reporter.observe({ header: h, hash: hex, slot });
    let assembled: AssembledBlock;
    try {
      assembled = await this.ctx.app.processProposal(
        p.block,
        path.map((b) => b.data),
      );
    } catch (err) {
      this.ctx.logger.warn({ from: p.from, height: h.height, err }, "dpos: invalid block refused");
      return false;
    }
    if (!this.stats.add(tree, treeBlockOf(hex, h, slot, assembled)).added) return false;
    this.ctx.channel?.publish(DPOS_BLOCK, p.bytes ?? encodeBlock(p.block));
    return true;
  }

  private async advanceFinality(): Promise<void> {
    const { app } = this.ctx;
    const target = await commitIrreversible(this.bestTree(), {
      app,
      schedules: this.schedules,
      epochLength: this.opts.epochLength,
    });
    if (!target) return;
    app.markFinalized(target.height);
    this.orphans.dropUpTo(target.height);
    this.reporter.forgetBelow(target.height - this.opts.maxForkDepth);
  }
}
