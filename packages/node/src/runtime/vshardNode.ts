import { join } from "node:path";
import { consensusFactory } from "@vshard/consensus";
import {
  defaultVerifyPoolOptions,
  type SignatureVerifier,
  SingleThreadVerifier,
  VerifyPool,
} from "@vshard/crypto";
import { type ConsensusPlugin, type Logger, ShardChain, systemClock } from "@vshard/engine";
import { LedgerDb } from "@vshard/storage";
import type { FastifyInstance } from "fastify";
import { createApiServer } from "../api/server.ts";
import { createLogger } from "../logger.ts";
import { createNodeMetrics, type NodeMetrics } from "../metrics.ts";
import type { NodeOptions } from "./nodeOptions.ts";

/** Version reported by the API and the CLI. */
export const VSHARD_VERSION = "0.1.0";

/**
 * A running node: its database, signature pool, shard chain, consensus plugin and HTTP API. `create` opens everything,
 * `start` begins consensus and listens, `stop` shuts down in reverse order so that no committed block is lost.
 */
export class VshardNode {
  private apiUrl: string | null = null;
  private stopping: Promise<void> | null = null;

  private constructor(
    readonly opts: NodeOptions,
    readonly chain: ShardChain,
    readonly metrics: NodeMetrics,
    readonly logger: Logger,
    private readonly db: LedgerDb,
    private readonly verifier: SignatureVerifier,
    private readonly consensus: ConsensusPlugin,
    private readonly api: FastifyInstance,
  ) {}

  static async create(opts: NodeOptions, modules: { logger?: Logger } = {}): Promise<VshardNode> {
    const logger = modules.logger ?? createLogger({ level: opts.logLevel });
    const db = await LedgerDb.create({ path: join(opts.dataDir, "db") });
    const verifier: SignatureVerifier =
      opts.verifyThreads > 0
        ? await VerifyPool.create({ ...defaultVerifyPoolOptions, threads: opts.verifyThreads })
        : new SingleThreadVerifier();
    try {
      const chain = await ShardChain.create(opts.chain, opts.genesis, { db, verifier });
      const metrics = createNodeMetrics();
      const consensus = consensusFactory(opts.consensus.name)({
        app: chain,
        committee: { epoch: 0, members: [{ publicKey: opts.genesis.authority, weight: 1 }] },
        keys: { ed25519: opts.keys },
        chain: { chainId: opts.chain.chainId, shard: opts.chain.shard },
        channel: null,
        clock: systemClock,
        logger: logger.child({ module: "consensus" }),
        params: opts.consensus.params,
      });
      const api = createApiServer(
        { chain, metrics, limits: opts.api },
        logger.child({ module: "api" }),
        VSHARD_VERSION,
      );
      const node = new VshardNode(opts, chain, metrics, logger, db, verifier, consensus, api);
      node.trackMetrics();
      return node;
    } catch (err) {
      await verifier.close();
      await db.close();
      throw err;
    }
  }

  /** Starts consensus and the API; returns the API's base URL. */
  async start(): Promise<string> {
    await this.consensus.start();
    const address = await this.api.listen({ host: this.opts.api.host, port: this.opts.api.port });
    this.apiUrl = address;
    const head = this.chain.head();
    this.logger.info({ api: address, height: head.height, consensus: this.consensus.name }, "node started");
    return address;
  }

  /** The API base URL once started. */
  url(): string {
    if (!this.apiUrl) throw new Error("the node is not started");
    return this.apiUrl;
  }

  /** Stops accepting requests, finishes the block in flight, closes the pool and the database. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.api.close();
      await this.consensus.stop();
      await this.verifier.close();
      await this.db.close();
      this.logger.info({ height: this.chain.head().height }, "node stopped");
    })();
    return this.stopping;
  }

  private trackMetrics(): void {
    const chainLabel = { chain: `${this.opts.chain.chainId}/${this.opts.chain.shard}` };
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
