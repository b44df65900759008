import type { SignatureVerifier } from "@vshard/crypto";
import {
  type Clock,
  type ConsensusPlugin,
  type Logger,
  type ShardChain,
  type SubmitResult,
  systemClock,
} from "@vshard/engine";
import type { SignedTx, WireTx } from "@vshard/types";
import type { FastifyInstance } from "fastify";
import { createApiServer } from "../api/server.ts";
import { createNodeMetrics, type NodeMetrics } from "../metrics.ts";
import type { Transport } from "../network/transport.ts";
import { trackChainMetrics } from "./chainMetrics.ts";
import { ChainRuntime } from "./chainRuntime.ts";
import { genesisCommittee } from "./committee.ts";
import type { NodeOptions } from "./nodeOptions.ts";
import { type NodeResources, openNodeResources } from "./nodeResources.ts";

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

  readonly chain: ShardChain;
  readonly consensus: ConsensusPlugin;

  private constructor(
    readonly opts: NodeOptions,
    readonly runtime: ChainRuntime,
    readonly metrics: NodeMetrics,
    readonly logger: Logger,
    private readonly parts: {
      resources: NodeResources;
      transport: Transport | null;
      api: FastifyInstance | null;
    },
  ) {
    this.chain = runtime.chain;
    this.consensus = runtime.consensus;
  }

  static async create(opts: NodeOptions, modules: NodeModules = {}): Promise<VshardNode> {
    const resources = await openNodeResources(opts, modules);
    const { logger, db, verifier } = resources;
    try {
      const committee = genesisCommittee(opts.genesis, opts.consensus.name);
      const runtime = await ChainRuntime.create(
        {
          chain: opts.chain,
          genesis: opts.genesis,
          consensus: opts.consensus,
          committee,
          keys: opts.keys,
          ...(opts.blsKeys ? { blsKeys: opts.blsKeys } : {}),
        },
        {
          db,
          verifier,
          transport: modules.transport ?? null,
          clock: modules.clock ?? systemClock,
          logger,
        },
      );
      const metrics = createNodeMetrics();
      const api = opts.api
        ? createApiServer(
            {
              chain: runtime.chain,
              consensus: runtime.consensus,
              committee,
              submitTxs: (txs) => runtime.submitTxs(txs),
              network: null,
              metrics,
              limits: opts.api,
            },
            logger.child({ module: "api" }),
            VSHARD_VERSION,
          )
        : null;
      const node = new VshardNode(opts, runtime, metrics, logger, {
        resources,
        transport: modules.transport ?? null,
        api,
      });
      trackChainMetrics(metrics, runtime);
      return node;
    } catch (err) {
      await resources.close();
      throw err;
    }
  }

  /** Starts gossip, consensus and the API; returns the API's base URL (empty without an API). */
  async start(): Promise<string> {
    await this.runtime.start();
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
    return this.runtime.submitTxs(txs);
  }

  /**
   * Stops accepting requests, finishes the block in flight, leaves the network, closes the pool and the database.
   * Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const { api, transport, resources } = this.parts;
      await api?.close();
      await this.runtime.stop();
      await transport?.close();
      await resources.close();
      this.logger.info({ height: this.chain.head().height }, "node stopped");
    })();
    return this.stopping;
  }
}
