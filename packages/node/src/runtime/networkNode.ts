import {
  EpochTracker,
  type Logger,
  type ReceiptSourceLoader,
  type RegistryReader,
  registryReaderOf,
  type SubmitResult,
  systemClock,
} from "@vshard/engine";
import type { LedgerDb } from "@vshard/storage";
import { type Block, type Header, type SignedTx, TxKind, type WireTx } from "@vshard/types";
import type { FastifyInstance } from "fastify";
import { createApiServer } from "../api/server.ts";
import { trackCrossShardMetrics } from "../crossShard/crossShardMetrics.ts";
import { ChainNodeDlfs } from "../dlfs/chainNodeDlfs.ts";
import { StorageDirectory, type StorageMembership } from "../dlfs/storageMembership.ts";
import { createNodeMetrics, type NodeMetrics } from "../metrics.ts";
import { isP2pView } from "../network/libp2p/p2pView.ts";
import type { Transport } from "../network/transport.ts";
import { trackP2p } from "../p2pMetrics.ts";
import { anchorOwnBlocks, createAnchorVerifier } from "./anchoring.ts";
import { AnchorSweeper } from "./anchorSweeper.ts";
import { trackChainMetrics } from "./chainMetrics.ts";
import { ChainRuntime } from "./chainRuntime.ts";
import { genesisCommittee } from "./committee.ts";
import { EpochParticipant } from "./epochParticipant.ts";
import type { NetworkNodeModules, NetworkNodeOptions } from "./networkNodeOptions.ts";
import { networkViewOf } from "./networkView.ts";
import { type NodeResources, openNodeResources } from "./nodeResources.ts";
import { OwnTxSubmitter } from "./ownTxSubmitter.ts";
import { mainChainReceiptSources } from "./receiptSourceLoader.ts";
import { ShardCommitteeBook, type ShardCommitteeSchedule } from "./shardCommittees.ts";
import { ShardLauncher } from "./shardLauncher.ts";
import { routeTxs } from "./txRouting.ts";
import type { NodeModules } from "./vshardNode.ts";
import { VSHARD_VERSION } from "./vshardNode.ts";
import type { WorkerShardSetup } from "./workerShard.ts";

/** How often (main blocks) a node looks for blocks with receipts that nobody anchored. */
const ANCHOR_SWEEP_EVERY_BLOCKS = 8;

/**
 * A node of a sharded network: one database, one signature pool and one network for the main chain and every worker
 * shard. It runs the main chain, follows its registry and epochs, starts each worker shard when the main chain fixes
 * its committee (live sharding, no restart), takes part in epoch randomness and anchors the shard blocks it proposes.
 * Every node runs every shard; it votes only where its key is in the committee.
 */
export class NetworkNode {
  readonly metrics: NodeMetrics = createNodeMetrics();
  readonly registry: RegistryReader;
  readonly tracker: EpochTracker;
  private readonly workers = new Map<string, ChainRuntime>();
  private readonly unsubscribes: Array<() => void> = [];
  private readonly launcher: ShardLauncher;
  private readonly participant: EpochParticipant;
  private readonly submitter: OwnTxSubmitter;
  /** Anchors blocks with receipts that their proposers did not anchor in time. */
  private readonly sweeper: AnchorSweeper;
  /** What every worker shard's receives read of the main chain (one cache for all). */
  private readonly receiptSources: ReceiptSourceLoader;
  /** Headers for light nodes, bodies to the storage nodes, proofs (null without a network). */
  readonly dlfs: ChainNodeDlfs | null;
  private api: FastifyInstance | null = null;
  private apiUrl: string | null = null;
  private stopped = false;
  private stopping: Promise<void> | null = null;

  private constructor(
    readonly opts: NetworkNodeOptions,
    readonly main: ChainRuntime,
    /** The committee of every worker shard, as the main chain fixed it (the anchor verifier reads it too). */
    readonly book: ShardCommitteeBook,
    readonly logger: Logger,
    private readonly parts: {
      resources: NodeResources;
      transport: Transport | null;
      clock: NonNullable<NodeModules["clock"]>;
      storage: StorageMembership;
    },
  ) {
    const rules = opts.network.main.chain.main;
    this.registry = registryReaderOf(main.chain);
    this.dlfs = parts.transport
      ? new ChainNodeDlfs(
          {
            role: opts.role ?? "archive",
            publicKey: opts.keys.publicKey,
            replicas: opts.network.dlfs.replicas,
          },
          {
            transport: parts.transport,
            membership: parts.storage,
            clock: parts.clock,
            logger,
            lookup: (chainId, shard) => this.runtime(chainId, shard)?.chain,
            metrics: this.metrics,
          },
        )
      : null;
    const committedHeight = () => main.chain.head().height;
    this.tracker = new EpochTracker(
      {
        mainChainId: main.chain.opts.chainId,
        rules,
        witnessesPerCommittee: opts.network.witnessesPerCommittee,
      },
      { registry: this.registry, committedHeight },
    );
    this.submitter = new OwnTxSubmitter(main, opts.keys, logger.child({ module: "own-txs" }));
    this.receiptSources = mainChainReceiptSources(main.chain, parts.resources.db);
    this.sweeper = new AnchorSweeper(
      { everyBlocks: ANCHOR_SWEEP_EVERY_BLOCKS, graceBlocks: 2 * rules.anchorDelayBlocks },
      { main: main.chain, submitter: this.submitter, logger: logger.child({ module: "anchor-sweep" }) },
    );
    this.participant = new EpochParticipant(
      { rules, publicKey: opts.keys.publicKey, vrf: opts.vrf },
      {
        tracker: this.tracker,
        registry: this.registry,
        submitter: this.submitter,
        committedHeight,
        logger: logger.child({ module: "epochs" }),
      },
    );
    this.launcher = new ShardLauncher(
      {
        rules,
        worker: opts.network.worker,
        genesisTime: opts.network.genesis.time,
        mainBlockMs: opts.network.main.chain.blockIntervalMs,
      },
      {
        main: main.chain,
        registry: this.registry,
        tracker: this.tracker,
        book: this.book,
        start: (setup, schedule) => this.startWorker(setup, schedule),
        logger: logger.child({ module: "shards" }),
      },
    );
  }

  static async create(opts: NetworkNodeOptions, modules: NetworkNodeModules = {}): Promise<NetworkNode> {
    const resources = await openNodeResources(opts, modules);
    const { logger, db, verifier } = resources;
    // The main chain's runtime is made before the node, whose anchor preparation it calls.
    let node: NetworkNode | undefined;
    try {
      const book = new ShardCommitteeBook();
      const clock = modules.clock ?? systemClock;
      const { network } = opts;
      const main = await ChainRuntime.create(
        {
          chain: network.main.chain,
          genesis: network.genesis,
          consensus: network.main.consensus,
          committee: genesisCommittee(network.genesis, network.main.consensus.name),
          keys: opts.keys,
          blsKeys: opts.blsKeys,
        },
        {
          db,
          verifier,
          transport: modules.transport ?? null,
          clock,
          logger,
          anchorVerifier: createAnchorVerifier(book, network.main.chain.main),
          prepareBlock: (block) => node?.prepareAnchors(block) ?? Promise.resolve(),
        },
      );
      node = new NetworkNode(opts, main, book, logger, {
        resources,
        transport: modules.transport ?? null,
        clock,
        storage: modules.storage ?? new StorageDirectory([]),
      });
      return node;
    } catch (err) {
      await resources.close();
      throw err;
    }
  }

  /** The node's database (every chain shard it runs). */
  get db(): LedgerDb {
    return this.parts.resources.db;
  }

  /** Whether this node runs a worker shard: an archive node runs all, a full node those it was told to serve. */
  serves(chainId: number, shard: number): boolean {
    if ((this.opts.role ?? "archive") === "archive") return true;
    return (this.opts.serves ?? []).some((s) => s.chainId === chainId && s.shard === shard);
  }

  /** Every hosted worker shard. */
  workerShards(): ChainRuntime[] {
    return [...this.workers.values()];
  }

  /** The hosted runtime of a chain shard (the main chain included), if this node runs it. */
  runtime(chainId: number, shard: number): ChainRuntime | undefined {
    const { chainId: mainId, shard: mainShard } = this.main.chain.opts;
    if (chainId === mainId && shard === mainShard) return this.main;
    return this.workers.get(`${chainId}/${shard}`);
  }

  /** Starts the main chain, the worker shards already fixed, epoch participation and the API. */
  async start(): Promise<string> {
    trackChainMetrics(this.metrics, this.main);
    if (isP2pView(this.parts.transport)) trackP2p(this.metrics, this.parts.transport);
    this.unsubscribes.push(trackCrossShardMetrics(this.metrics, networkViewOf(this), this.main));
    await this.main.start();
    this.dlfs?.watch(this.main.chain);
    this.unsubscribes.push(
      this.main.chain.subscribe((e) => {
        if (e.type !== "block" || this.stopped) return;
        this.launcher.onCommit();
        this.participant.onCommit();
        this.sweeper.onMainCommit(e.height);
      }),
    );
    this.launcher.onCommit();
    await this.launcher.idle();
    this.participant.onCommit();
    const { api } = this.opts;
    if (api) {
      this.api = createApiServer(
        {
          chain: this.main.chain,
          consensus: this.main.consensus,
          committee: this.main.committee,
          submitTxs: (txs) => this.submitTxs(txs),
          network: networkViewOf(this),
          metrics: this.metrics,
          limits: api,
          dlfs: this.dlfs,
          p2p: isP2pView(this.parts.transport) ? this.parts.transport : null,
        },
        this.logger.child({ module: "api" }),
        VSHARD_VERSION,
      );
      this.apiUrl = await this.api.listen({ host: api.host, port: api.port });
    }
    this.logger.info(
      { api: this.apiUrl, height: this.main.chain.head().height, shards: this.workers.size },
      "network node started",
    );
    return this.apiUrl ?? "";
  }

  /** The API base URL once started. */
  url(): string {
    if (!this.apiUrl) throw new Error("the node is not started or has no API");
    return this.apiUrl;
  }

  /** Waits until the launcher and the epoch participant have handled every commit so far (tests). */
  async settled(): Promise<void> {
    await this.launcher.idle();
    await this.participant.idle();
  }

  /** Admits txs, each on the chain shard it names; a tx for a shard this node does not run is refused. */
  submitTxs(txs: Array<SignedTx | WireTx>): Promise<SubmitResult[]> {
    return routeTxs(txs, (chainId, shard) => this.runtime(chainId, shard));
  }

  /** Stops the API, every worker shard, then the main chain; closes the pool and the database. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      await this.api?.close();
      for (const u of this.unsubscribes) u();
      this.dlfs?.stop();
      await this.launcher.idle();
      await this.participant.idle();
      await Promise.all([...this.workers.values()].map((w) => w.stop()));
      await this.main.stop();
      await this.parts.transport?.close();
      await this.parts.resources.close();
      this.logger.info({ height: this.main.chain.head().height }, "network node stopped");
    })();
    return this.stopping;
  }

  /**
   * Before a main block from another node is executed: every committee its anchors are checked against is derived
   * now (the anchor check runs inside pure execution and cannot wait for one), the shards' schedules first if the
   * launcher has not made them yet. A node that has not committed the data fixing a committee still finds none, which
   * the anchor delay rules out for any node no further behind than the main chain's finality lag.
   */
  async prepareAnchors(block: Block): Promise<void> {
    const headers = block.txs.flatMap(({ tx }) => (tx.kind === TxKind.Anchor ? [tx.payload.header] : []));
    if (headers.length === 0) return;
    if (headers.some((h) => !this.book.get(h.chainId, h.shard))) {
      this.launcher.onCommit();
      await this.launcher.idle();
    }
    for (const h of headers) {
      const schedule = this.book.get(h.chainId, h.shard);
      if (schedule) await schedule.committee(schedule.epochOfHeight(h.height));
    }
  }

  private async startWorker(setup: WorkerShardSetup, schedule: ShardCommitteeSchedule): Promise<void> {
    if (this.stopped || !this.serves(setup.chain.chainId, setup.chain.shard)) return;
    const { resources, transport, clock } = this.parts;
    const { db, verifier } = resources;
    const runtime = await ChainRuntime.create(
      {
        chain: setup.chain,
        genesis: setup.genesis,
        consensus: setup.consensus,
        committee: setup.committee,
        keys: this.opts.keys,
        blsKeys: this.opts.blsKeys,
        ...(schedule.rotates ? { schedule } : {}),
      },
      { db, verifier, transport, clock, logger: this.logger, receiptSources: this.receiptSources },
    );
    this.workers.set(runtime.key, runtime);
    this.dlfs?.watch(runtime.chain);
    trackChainMetrics(this.metrics, runtime);
    this.unsubscribes.push(trackCrossShardMetrics(this.metrics, networkViewOf(this), runtime));
    const { anchorDelayBlocks } = this.opts.network.main.chain.main;
    const accepting = (header: Header) =>
      this.main.chain.head().height + 1 >=
      schedule.fixedAtHeight(schedule.epochOfHeight(header.height)) + anchorDelayBlocks;
    // A full node is no validator: it leaves unanchored blocks to the validators (its anchors would pay fees it may lack).
    if ((this.opts.role ?? "archive") === "archive") this.sweeper.add(runtime.chain, accepting);
    this.unsubscribes.push(
      anchorOwnBlocks(
        { publicKey: this.opts.keys.publicKey, accepting },
        {
          shard: runtime.chain,
          main: this.main.chain,
          submitter: this.submitter,
          logger: this.logger.child({ module: "anchoring", chain: runtime.key }),
        },
      ),
    );
    await runtime.start();
    this.logger.info(
      {
        chain: runtime.key,
        plugin: setup.consensus.name,
        epoch: setup.committee.epoch,
        rotates: schedule.rotates,
      },
      "worker shard started",
    );
  }
}
