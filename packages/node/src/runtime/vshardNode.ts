import { join } from "node:path";
import { consensusFactory } from "@vshard/consensus";
import {
  defaultVerifyPoolOptions,
  type SignatureVerifier,
  SingleThreadVerifier,
  VerifyPool,
} from "@vshard/crypto";
import {
  type Clock,
  type ConsensusPlugin,
  type Logger,
  ShardChain,
  type SubmitResult,
  systemClock,
} from "@vshard/engine";
import { LedgerDb } from "@vshard/storage";
import type { SignedTx, WireTx } from "@vshard/types";
import type { FastifyInstance } from "fastify";
import { createApiServer } from "../api/server.ts";
import { createLogger } from "../logger.ts";
import { createNodeMetrics, type NodeMetrics } from "../metrics.ts";
import { consensusChannelOf } from "../network/index.ts";
import type { Transport } from "../network/transport.ts";
import { consensusAppOf, genesisCommittee } from "./committee.ts";
import { type NodeOptions, shardTopic } from "./nodeOptions.ts";
import { TxGossip } from "./txGossip.ts";

/** Version reported by the API and the CLI. */
export const VSHARD_VERSION = "0.1.0";

/** What a node may be given instead of making its own: a network, a clock, a shared verifier, a logger. */
export interface NodeModules {
  logger?: Logger;
  /** The node's network; none for a single-node chain. */
  transport?: Transport;
  /** Consensus time; the system clock by default, a simulator's in simulated clusters. */
  clock?: Clock;
  /** A signature verifier shared by several in-process nodes; the node does not close it. */
  verifier?: SignatureVerifier;
}

/**
 * A running node: its database, signature pool, shard chain, consensus plugin, tx gossip and HTTP API. `create` opens
 * everything, `start` begins consensus and listens, `stop` shuts down in reverse order so that no committed block is
 * lost.
 */
export class VshardNode {
  private apiUrl: string | null = null;
  private stopping: Promise<void> | null = null;

  private constructor(
    readonly opts: NodeOptions,
    readonly chain: ShardChain,
    readonly consensus: ConsensusPlugin,
    readonly metrics: NodeMetrics,
    readonly logger: Logger,
    private readonly parts: {
      db: LedgerDb;
      verifier: SignatureVerifier;
      ownsVerifier: boolean;
      gossip: TxGossip;
      transport: Transport | null;
      api: FastifyInstance | null;
    },
  ) {}

  static async create(opts: NodeOptions, modules: NodeModules = {}): Promise<VshardNode> {
    const logger = modules.logger ?? createLogger({ level: opts.logLevel });
    const db = await LedgerDb.create({ path: join(opts.dataDir, "db") });
    const ownsVerifier = !modules.verifier;
    const verifier: SignatureVerifier =
      modules.verifier ??
      (opts.verifyThreads > 0
        ? await VerifyPool.create({ ...defaultVerifyPoolOptions, threads: opts.verifyThreads })
        : new SingleThreadVerifier());
    try {
      const chain = await ShardChain.create(opts.chain, opts.genesis, { db, verifier });
      const metrics = createNodeMetrics();
      const transport = modules.transport ?? null;
      const topic = shardTopic(opts.chain.chainId, opts.chain.shard);
      const gossip = new TxGossip(chain, transport, `${topic}/txs`, logger.child({ module: "gossip" }));
      const committee = genesisCommittee(opts.genesis, opts.consensus.name);
      const consensus = consensusFactory(opts.consensus.name)({
        app: consensusAppOf(chain, gossip),
        chain: { chainId: opts.chain.chainId, shard: opts.chain.shard },
        committee,
        keys: { ed25519: opts.keys, ...(opts.blsKeys ? { bls: opts.blsKeys } : {}) },
        channel: transport ? consensusChannelOf(transport, `${topic}/consensus`) : null,
        clock: modules.clock ?? systemClock,
        logger: logger.child({ module: "consensus" }),
        params: opts.consensus.params,
      });
      const api = opts.api
        ? createApiServer(
            {
              chain,
              consensus,
              committee,
              submitTxs: (txs) => gossip.submit(txs),
              metrics,
              limits: opts.api,
            },
            logger.child({ module: "api" }),
            VSHARD_VERSION,
          )
        : null;
      const node = new VshardNode(opts, chain, consensus, metrics, logger, {
        db,
        verifier,
        ownsVerifier,
        gossip,
        transport,
        api,
      });
      node.trackMetrics();
      return node;
    } catch (err) {
      if (ownsVerifier) await verifier.close();
      await db.close();
      throw err;
    }
  }

  /** Starts gossip, consensus and the API; returns the API's base URL (empty without an API). */
  async start(): Promise<string> {
    this.parts.gossip.start();
    await this.consensus.start();
    const { api } = this.parts;
    if (api && this.opts.api)
      this.apiUrl = await api.listen({ host: this.opts.api.host, port: this.opts.api.port });
    const head = this.chain.head();
    this.logger.info(
      { api: this.apiUrl, height: head.height, consensus: this.consensus.name },
      "node started",
    );
    return this.apiUrl ?? "";
  }

  /** The API base URL once started. */
  url(): string {
    if (!this.apiUrl) throw new Error("the node is not started or has no API");
    return this.apiUrl;
  }

  /** Admits txs as a client would (gossiped to the shard's other nodes). */
  submitTxs(txs: Array<SignedTx | WireTx>): Promise<SubmitResult[]> {
    return this.parts.gossip.submit(txs);
  }

  /**
   * Stops accepting requests, finishes the block in flight, leaves the network, closes the pool and the database.
   * Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const { api, gossip, transport, verifier, ownsVerifier, db } = this.parts;
      await api?.close();
      gossip.stop();
      await this.consensus.stop();
      transport?.close();
      if (ownsVerifier) await verifier.close();
      await db.close();
      this.logger.info({ height: this.chain.head().height }, "node stopped");
    })();
    return this.stopping;
  }

  private trackMetrics(): void {
    const chainLabel = { chain: `${this.opts.chain.chainId}/${this.opts.chain.shard}` };
    this.metrics.trackConsensus(chainLabel.chain, () => this.consensus.status());
    let lastBlockAt = 0;
    this.chain.subscribe((e) => {
      if (e.type === "block") {
        const now = performance.now();
        if (lastBlockAt > 0) this.metrics.blockCommitSeconds.observe(chainLabel, (now - lastBlockAt) / 1000);
        lastBlockAt = now;
        this.metrics.blocksCommitted.inc(chainLabel);
        this.metrics.txsCommitted.inc(chainLabel, e.block?.txs.length ?? 0);
        this.metrics.headHeight.set(chainLabel, e.height);
        this.metrics.mempoolTxs.set(chainLabel, this.chain.mempool.size());
      } else this.metrics.finalizedHeight.set(chainLabel, e.height);
    });
  }
}
