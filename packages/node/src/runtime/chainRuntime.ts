import {
  type CommitteeSchedule,
  certificateVerifiers,
  consensusFactory,
  EpochedConsensus,
} from "@vshard/consensus";
import type { BlsKeyPair, Ed25519KeyPair, SignatureVerifier } from "@vshard/crypto";
import {
  type AnchorVerifier,
  type ChainOptions,
  type Clock,
  type Committee,
  type ConsensusApp,
  type ConsensusPlugin,
  type Genesis,
  type Logger,
  type ReceiptSourceLoader,
  ShardChain,
  type SubmitResult,
} from "@vshard/engine";
import type { LedgerDb } from "@vshard/storage";
import type { Block, SignedTx, WireTx } from "@vshard/types";
import { type ImportResult, importBlocks } from "../dlfs/importBlocks.ts";
import { ImportError } from "../dlfs/importError.ts";
import { consensusChannelOf } from "../network/index.ts";
import type { Transport } from "../network/transport.ts";
import { consensusAppOf } from "./committee.ts";
import { shardTopic } from "./nodeOptions.ts";
import { ReceiveLog } from "./receiveLog.ts";
import { TxGossip } from "./txGossip.ts";

/** What one hosted chain shard runs with. */
export interface ChainRuntimeOptions {
  chain: ChainOptions;
  genesis: Genesis;
  consensus: { name: string; params: Record<string, unknown> };
  /** The validators that decide the shard's blocks (this node follows only when it is not among them). */
  committee: Committee;
  keys: Ed25519KeyPair;
  blsKeys?: BlsKeyPair;
  /** Committees that change every epoch (a rotating worker shard); the plugin then runs under `EpochedConsensus`. */
  schedule?: CommitteeSchedule;
}

/** The node's shared parts a chain shard runs on. */
export interface ChainRuntimeModules {
  /** The node's database: every chain shard keeps its keys under its own (chainId, shard) prefix. */
  db: LedgerDb;
  verifier: SignatureVerifier;
  transport: Transport | null;
  clock: Clock;
  logger: Logger;
  /** Checks anchored shard certificates (the main chain only). */
  anchorVerifier?: AnchorVerifier;
  /** A worker shard's view of the main chain for receives (absent: receives are refused). */
  receiptSources?: ReceiptSourceLoader;
  /**
   * Work to finish before a block proposed by another node is executed (the main chain: derive the committees its
   * anchors are checked against, which execution itself must find at hand).
   */
  prepareBlock?: (block: Block) => Promise<void>;
}

/**
 * One chain shard hosted by a node: its chain (state, mempool, blocks), its consensus plugin and its tx gossip on the
 * shard's topics. A node runs one (a single-chain node) or many (a network node: the main chain and every worker
 * shard).
 */
export class ChainRuntime {
  private stopping: Promise<void> | null = null;
  /** Block imports run one at a time. */
  private importing: Promise<unknown> = Promise.resolve();
  /** When receives of each receipt were first admitted here (a transfer's "relayed" stage). */
  readonly receives = new ReceiveLog();

  private constructor(
    readonly chain: ShardChain,
    readonly consensus: ConsensusPlugin,
    readonly committee: Committee,
    private readonly gossip: TxGossip,
    /** The chain as the plugin drives it (with the `prepareBlock` hook): imports take the same path. */
    private readonly app: ConsensusApp,
    private readonly transport: Transport | null,
  ) {}

  static async create(opts: ChainRuntimeOptions, modules: ChainRuntimeModules): Promise<ChainRuntime> {
    const { chainId, shard } = opts.chain;
    const chain = await ShardChain.create(opts.chain, opts.genesis, {
      db: modules.db,
      verifier: modules.verifier,
      ...(modules.anchorVerifier ? { anchorVerifier: modules.anchorVerifier } : {}),
      ...(modules.receiptSources ? { receiptSources: modules.receiptSources } : {}),
    });
    const topic = shardTopic(chainId, shard);
    const logger = modules.logger.child({ chain: `${chainId}/${shard}` });
    const gossip = new TxGossip(chain, modules.transport, `${topic}/txs`, logger.child({ module: "gossip" }));
    const factory = consensusFactory(opts.consensus.name);
    const { schedule } = opts;
    const verifier = Object.hasOwn(certificateVerifiers, opts.consensus.name)
      ? certificateVerifiers[opts.consensus.name]
      : undefined;
    const build: typeof factory =
      schedule && verifier
        ? (ctx) => new EpochedConsensus(ctx, { name: opts.consensus.name, factory, verifier }, schedule)
        : factory;
    const app = consensusAppOf(chain, gossip);
    const { prepareBlock } = modules;
    const driven: ConsensusApp = prepareBlock
      ? {
          ...app,
          processProposal: async (block, ancestors) => {
            await prepareBlock(block);
            return app.processProposal(block, ancestors);
          },
        }
      : app;
    const consensus = build({
      app: driven,
      chain: { chainId, shard },
      committee: opts.committee,
      keys: { ed25519: opts.keys, ...(opts.blsKeys ? { bls: opts.blsKeys } : {}) },
      channel: modules.transport ? consensusChannelOf(modules.transport, `${topic}/consensus`) : null,
      clock: modules.clock,
      logger: logger.child({ module: "consensus" }),
      params: opts.consensus.params,
    });
    return new ChainRuntime(chain, consensus, opts.committee, gossip, driven, modules.transport);
  }

  /** `chainId/shard`, the key of this runtime in a node. */
  get key(): string {
    return `${this.chain.opts.chainId}/${this.chain.opts.shard}`;
  }

  /** Starts gossip and consensus. */
  async start(): Promise<void> {
    this.gossip.start();
    await this.consensus.start();
  }

  /** Admits txs as a client would (gossiped to the shard's other nodes). */
  async submitTxs(txs: Array<SignedTx | WireTx>): Promise<SubmitResult[]> {
    const results = await this.gossip.submit(txs);
    this.receives.note(txs, results);
    return results;
  }

  /**
   * Commits blocks verified elsewhere (a CAR import), in height order, as block sync would (`importBlocks`): known
   * blocks must equal the committed ones, new ones must extend the head, carry a certificate the plugin accepts and
   * re-execute to their headers. Throws `ImportError`. Imports run one at a time.
   */
  importBlocks(blocks: Block[]): Promise<ImportResult> {
    const { chainId, shard } = this.chain.opts;
    // A plugin following the network tracks the blocks it decides or syncs; commits made behind its back would leave
    // it out of step with its own chain. Such a node catches up by block sync instead.
    const peers = this.transport?.peers().length ?? 0;
    if (peers > 0)
      return Promise.reject(
        new ImportError(
          { code: "IMPORT_ERROR_NODE_ONLINE", height: blocks[0]?.header.height ?? 0, applied: 0 },
          `this node follows chain ${chainId} shard ${shard} with ${peers} peers (block sync keeps it up to date): ` +
            "import into a node that is not connected to the network",
        ),
      );
    const run = this.importing.then(() =>
      importBlocks(blocks, {
        chainId,
        shard,
        app: this.app,
        verifyCertificate: (header) => this.consensus.verifyCertificate(header),
      }),
    );
    this.importing = run.catch(() => undefined);
    return run;
  }

  /** Leaves gossip and stops consensus (the block in flight finishes); the database stays open. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.gossip.stop();
      await this.consensus.stop();
    })();
    return this.stopping;
  }
}
