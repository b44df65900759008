import { join } from "node:path";
import type { Clock, Logger } from "@vshard/engine";
import { LedgerDb } from "@vshard/storage";
import type { FastifyInstance } from "fastify";
import { ApiError } from "../api/apiError.ts";
import type { DlfsView, TxProofAnswer } from "../api/dlfsView.ts";
import { defaultApiLimits } from "../api/routeDefinition.ts";
import { dlfsRoutes } from "../api/routes/dlfsRoutes.ts";
import { buildApiApp } from "../api/server.ts";
import { answerOf } from "../dlfs/chainNodeDlfs.ts";
import { DlfsClient, type DlfsStats } from "../dlfs/dlfsClient.ts";
import { DEFAULT_RPC_TIMEOUT_MS, PeerRpc } from "../dlfs/peerRpc.ts";
import type { StorageMembership } from "../dlfs/storageMembership.ts";
import { createLogger } from "../logger.ts";
import { createNodeMetrics, type NodeMetrics } from "../metrics.ts";
import type { Transport } from "../network/transport.ts";
import { type FollowedShard, HeaderFollower } from "./headerFollower.ts";
import { lightRoutes } from "./lightRoutes.ts";
import type { NodeOptions } from "./nodeOptions.ts";
import { VSHARD_VERSION } from "./vshardNode.ts";

/** A light node's options. */
export interface LightNodeOptions {
  /** Its classic-level database (headers only) goes in `dataDir/db`. */
  dataDir: string;
  shards: FollowedShard[];
  /** Chain nodes (full or archive) it asks for headers, in order of preference. */
  fullNodes: string[];
  replicas: number;
  /** How often it asks for new headers (0: only when `syncOnce` is called, e.g. tests). */
  syncIntervalMs: number;
  /** Largest body it unpacks (a manifest describing more is refused before anything is read). */
  maxBodyBytes: number;
  api: { host: string; port: number } | null;
  logLevel: NodeOptions["logLevel"];
}

/**
 * A light node: keeps the headers of its shards only (hash-linked, from full nodes), fetches a block's body from the
 * DLFS when it needs it (verifying it against the header, skipping bad replicas) and serves transaction inclusion
 * proofs. It runs no chain and verifies no signature: it trusts the first header its full nodes give it (the genesis)
 * and checks every later one against it.
 */
export class LightNode implements DlfsView {
  readonly role = "light" as const;
  readonly follower: HeaderFollower;
  readonly dlfs: DlfsClient;
  readonly metrics: NodeMetrics = createNodeMetrics();
  private api: FastifyInstance | null = null;
  private apiUrl = "";
  private cancelTimer: (() => void) | null = null;
  private stopped = false;

  private constructor(
    readonly opts: LightNodeOptions,
    readonly db: LedgerDb,
    private readonly rpc: PeerRpc,
    private readonly modules: { clock: Clock; logger: Logger },
    membership: StorageMembership,
  ) {
    this.follower = new HeaderFollower(opts, { db, rpc, logger: modules.logger });
    this.dlfs = new DlfsClient(
      { replicas: opts.replicas },
      { rpc, membership, logger: modules.logger, metrics: this.metrics },
    );
  }

  static async create(
    opts: LightNodeOptions,
    modules: { transport: Transport; membership: StorageMembership; clock: Clock; logger?: Logger },
  ): Promise<LightNode> {
    const logger = (modules.logger ?? createLogger({ level: opts.logLevel })).child({ module: "light" });
    const db = await LedgerDb.create({ path: join(opts.dataDir, "db") });
    const rpc = new PeerRpc({ timeoutMs: DEFAULT_RPC_TIMEOUT_MS }, { ...modules, logger });
    const node = new LightNode(opts, db, rpc, { clock: modules.clock, logger }, modules.membership);
    await node.follower.load();
    return node;
  }

  /** Starts following (every `syncIntervalMs`) and the API; returns its URL ("" without one). */
  async start(): Promise<string> {
    this.schedule();
    if (!this.opts.api) return "";
    const routes = [...lightRoutes(this), ...dlfsRoutes(this)];
    this.api = buildApiApp(
      routes,
      { metrics: this.metrics, limits: defaultApiLimits },
      this.modules.logger,
      VSHARD_VERSION,
    );
    this.apiUrl = await this.api.listen({ host: this.opts.api.host, port: this.opts.api.port });
    return this.apiUrl;
  }

  /** The API's base URL ("" without an API). */
  url(): string {
    return this.apiUrl;
  }

  /** Asks for new headers once; returns how many were added. */
  syncOnce(): Promise<number> {
    return this.follower.syncOnce();
  }

  async stats(): Promise<DlfsStats & { thisNode: Record<string, unknown> }> {
    return {
      ...(await this.dlfs.stats()),
      thisNode: { role: this.role, bytesStored: await this.db.bytesStored() },
    };
  }

  async txProof(chainId: number, shard: number, height: number, txHash: Uint8Array): Promise<TxProofAnswer> {
    if (!this.follower.follows(chainId, shard))
      throw new ApiError(
        404,
        "API_ERROR_SHARD_NOT_HOSTED",
        `this light node does not follow chain ${chainId} shard ${shard}`,
      );
    const header = await this.db.getHeaderByHeight(chainId, shard, height);
    if (!header)
      throw new ApiError(
        404,
        "API_ERROR_BLOCK_NOT_FOUND",
        `no header of chain ${chainId} shard ${shard} at ${height} yet`,
      );
    const { txs, report } = await this.dlfs.fetchTxs(header, this.opts.maxBodyBytes);
    return answerOf(header, txs, txHash, { from: "dlfs", report });
  }

  /** Stops following and the API, then closes the database. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelTimer?.();
    await this.api?.close();
    this.rpc.close();
    await this.db.close();
  }

  private schedule(): void {
    const every = this.opts.syncIntervalMs;
    if (every <= 0 || this.stopped) return;
    this.cancelTimer = this.modules.clock.setTimer(every, async () => {
      await this.syncOnce().catch((err) => this.modules.logger.warn({ err }, "light: header sync failed"));
      this.schedule();
    });
  }
}
