import { bytesEqual, bytesToHex } from "@vshard/crypto";
import type { BodyStats, ChainHead, LedgerDb, RecordListOptions } from "@vshard/storage";
import {
  type Account,
  addressFromPublicKey,
  type Block,
  EMPTY_ACCOUNT,
  type Header,
  headerHash,
  type Receipt,
  type RecordNamespace,
  type RecordRef,
  type SignedTx,
  type WireTx,
} from "@vshard/types";
import type { ConsensusApp, ProposalContext } from "../consensus/interface.ts";
import { BlockError } from "../errors.ts";
import { Mempool } from "../mempool/index.ts";
import type { ChainRoles } from "../registry/interface.ts";
import { SparseMerkleTree } from "../state/index.ts";
import { type AssembledBlock, assembleBlock } from "./assembleBlock.ts";
import { blockCommitOf } from "./blockCommit.ts";
import { chainRolesOf, type ShardChainModules } from "./chainModules.ts";
import type { ChainOptions } from "./chainOptions.ts";
import { checkExecutedRoots, checkProposal } from "./checkProposal.ts";
import { type Genesis, genesisSupply } from "./genesis.ts";
import { commitGenesis } from "./genesisBlock.ts";
import { RejectedTxs } from "./rejectedTxs.ts";
import { readShardSupply, type ShardSupply } from "./shardSupply.ts";
import { type SpeculativeState, speculativeLoaders, speculativeStateOf } from "./speculativeState.ts";
import {
  MAX_PENDING_STATE_NODES,
  PendingStateNodes,
  recoverStateTree,
  STATE_CHECKPOINT_INTERVAL,
} from "./stateCheckpoints.ts";
import { type CachedStateLoaders, createStateLoaders } from "./stateLoaders.ts";
import {
  type AccountWithProof,
  type ListedRecord,
  type RecordWithProof,
  type SmallbankWithProof,
  StateReader,
} from "./stateReader.ts";
import { type SubmitResult, TxAdmission } from "./txAdmission.ts";
import { type TxStatus, txStatusOf } from "./txStatus.ts";

/** Emitted after each block commit (and again when finality advances). */
export interface ChainEvent {
  type: "block" | "finalized";
  height: number;
  hash: Uint8Array;
  block?: Block;
  /** Hashes (hex) of the block's txs in order, computed once during execution. */
  txHashes?: string[];
}

/**
 * One shard chain on one node: committed state in the LedgerDb, the mempool, and the ABCI-like lifecycle that a
 * consensus plugin drives — `prepareProposal`, `processProposal`, `commitBlock`, `markFinalized`.
 * Block assembly and commit run one at a time; reads that must see one consistent state take the same lock.
 */
export class ShardChain implements ConsensusApp {
  readonly opts: ChainOptions;
  readonly genesis: Genesis;
  readonly supply: bigint;
  readonly mempool: Mempool;
  private readonly db: LedgerDb;
  private readonly tree: SparseMerkleTree;
  private readonly loaders: CachedStateLoaders;
  private readonly state: StateReader;
  /** State-tree nodes not stored yet: the tree is stored at checkpoints, accounts with every block. */
  private readonly pending: PendingStateNodes;
  private readonly admission: TxAdmission;
  /** Txs dropped while building blocks, with why (what `getTx` reports as rejected). */
  private readonly rejected = new RejectedTxs();
  private readonly roles: ChainRoles;
  private currentHead: ChainHead;
  private headBlockTime: number;
  private finalized = 0;
  private lock: Promise<unknown> = Promise.resolve();
  /** Tree nodes of the uncommitted branch being built on, while a speculative assembly runs (under the lock). */
  private branchNodes: Map<string, Uint8Array> | null = null;
  private readonly listeners = new Set<(e: ChainEvent) => void>();

  private constructor(
    opts: ChainOptions,
    genesis: Genesis,
    head: { head: ChainHead; time: number },
    modules: ShardChainModules & {
      tree: SparseMerkleTree;
      pending: PendingStateNodes;
      loaders: CachedStateLoaders;
    },
  ) {
    this.opts = opts;
    this.genesis = genesis;
    this.supply = genesisSupply(genesis);
    this.db = modules.db;
    this.currentHead = head.head;
    this.headBlockTime = head.time;
    this.mempool = new Mempool(opts.mempool);
    this.tree = modules.tree;
    this.pending = modules.pending;
    this.loaders = modules.loaders;
    this.roles = chainRolesOf(opts, modules);
    this.state = new StateReader(opts, modules);
    this.admission = new TxAdmission(opts, {
      mempool: this.mempool,
      verifier: modules.verifier,
      loadAccounts: (hexes) => this.loaders.loadAccounts(hexes),
      loadRecords: (touched) => this.loaders.loadRecords(touched),
      txLocation: (hash) => this.db.getTxLocation(hash),
      headHeight: () => this.currentHead.height,
      ...(modules.receiptSources ? { receiptSources: modules.receiptSources } : {}),
    });
  }

  /** Opens the chain in `db`, committing the genesis block on first start; refuses a data folder of another genesis. */
  static async create(opts: ChainOptions, genesis: Genesis, modules: ShardChainModules): Promise<ShardChain> {
    const { db } = modules;
    // The tree's node reader consults the chain's branch nodes once the chain exists.
    let chain: ShardChain | null = null;
    const pending = new PendingStateNodes();
    const tree = new SparseMerkleTree({
      get: async (hash) =>
        pending.get(hash) ??
        chain?.branchNodes?.get(bytesToHex(hash)) ??
        db.getStateNode(opts.chainId, opts.shard, hash),
    });
    const loaders = createStateLoaders(db, opts);
    // Building genesis through the chain's own tree leaves its nodes in the tree's cache.
    const head = await commitGenesis(opts, genesis, db, tree);
    const checkpoint = await db.getStateCheckpoint(opts.chainId, opts.shard);
    if (checkpoint && checkpoint.height < head.head.height)
      await recoverStateTree(opts, head.head, checkpoint, { db, tree, loaders });
    chain = new ShardChain(opts, genesis, head, { ...modules, tree, pending, loaders });
    return chain;
  }

  /** The last committed block. */
  head(): ChainHead {
    return this.currentHead;
  }

  /** Time stamped on the last committed block. */
  headTime(): number {
    return this.headBlockTime;
  }

  /** Height of the last final block. */
  finalizedHeight(): number {
    return this.finalized;
  }

  /** Body bytes before and after compression, over every block this database holds. */
  storageStats(): Promise<BodyStats> {
    return this.db.stats();
  }

  /** Subscribes to block and finality events; returns the unsubscribe function. */
  subscribe(listener: (e: ChainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Admits signed transactions to the mempool: one result per input, in order. */
  submitTxs(stxs: Array<SignedTx | WireTx>): Promise<SubmitResult[]> {
    return this.admission.submit(stxs);
  }

  /** Whether the node can take more transactions now (signature pool and mempool have room). */
  canAcceptTxs(): boolean {
    return this.admission.canAcceptWork();
  }

  /** Builds the next block from the mempool (invalid txs are skipped and dropped), without a certificate. */
  prepareProposal(ctx: ProposalContext): Promise<AssembledBlock> {
    return this.withBranch(ctx.ancestors, async (branch) => {
      const nonces = (hex: string) => branch?.accounts.get(hex)?.nonce ?? this.admission.committedNonce(hex);
      const selected = this.mempool.selectForBlock(
        { maxTxs: this.opts.maxBlockTxs, maxBytes: this.opts.maxBlockBytes },
        nonces,
      );
      const assembled = await assembleBlock(
        this.nextContext(ctx, branch),
        selected,
        this.assemblyModules(branch),
        { skipInvalid: true },
      );
      // A failed tx is dropped, except a nonce mismatch on a branch: the branch may just not have reached its nonce.
      for (const { tx, error } of assembled.execution.rejected)
        if (!branch || error.code !== "TX_ERROR_NONCE_MISMATCH") {
          this.mempool.remove(tx.hashHex);
          this.rejected.add(tx.hashHex, error);
        }
      return assembled;
    });
  }

  /**
   * Validates a block proposed by another node, on the committed head or on the last of `ancestors`: limits, roots,
   * signatures (on the pool) and re-execution.
   */
  processProposal(block: Block, ancestors?: AssembledBlock[]): Promise<AssembledBlock> {
    return this.withBranch(ancestors, async (branch) => {
      const parent = branch?.parent ?? { ...this.currentHead, time: this.headBlockTime };
      const txs = await checkProposal(block, parent, this.opts, this.admission);
      const h = block.header;
      const ctx = this.nextContext({ proposer: h.proposer, time: h.time, epoch: h.epoch }, branch);
      const assembled = await assembleBlock(ctx, txs, this.assemblyModules(branch), {
        skipInvalid: false,
      }).catch((err) => {
        throw new BlockError(
          { code: "BLOCK_ERROR_INVALID_TX", height: h.height },
          `block ${h.height}: ${(err as Error).message}`,
        );
      });
      checkExecutedRoots(h, assembled.block.header);
      assembled.block.header = h;
      return assembled;
    });
  }

  loadConsensusData(name: string): Promise<Uint8Array | null> {
    return this.db.getConsensusData(this.opts.chainId, this.opts.shard, name);
  }

  saveConsensusData(name: string, value: Uint8Array): Promise<void> {
    return this.db.putConsensusData(this.opts.chainId, this.opts.shard, name, value);
  }

  /** Accounts as of the committed head, or after `ancestors` (absent ones empty), in the order asked. */
  getAccounts(addresses: Uint8Array[], ancestors?: AssembledBlock[]): Promise<Account[]> {
    return this.withBranch(ancestors, async (branch) => {
      const hexes = addresses.map(bytesToHex);
      const loaders = branch ? speculativeLoaders(this.loaders, branch) : this.loaders;
      const found = await loaders.loadAccounts(hexes);
      return hexes.map((h) => found.get(h) ?? { ...EMPTY_ACCOUNT });
    });
  }

  /** Commits an assembled block (its header now carrying the certificate) in one atomic batch. */
  commitBlock(assembled: AssembledBlock): Promise<ChainHead> {
    return this.withLock(async () => {
      const { block, execution } = assembled;
      if (block.header.height !== this.currentHead.height + 1)
        throw new BlockError(
          { code: "BLOCK_ERROR_WRONG_HEIGHT", height: block.header.height },
          `expected height ${this.currentHead.height + 1}`,
        );
      const hash = headerHash(block.header);
      const { height, stateRoot } = block.header;
      this.pending.add(assembled.stateNodes);
      const checkpoint =
        height % STATE_CHECKPOINT_INTERVAL === 0 || this.pending.size > MAX_PENDING_STATE_NODES;
      await this.db.commitBlock({
        ...blockCommitOf(this.opts, assembled, hash),
        stateNodes: checkpoint ? this.pending.reachableFrom(stateRoot) : [],
        ...(checkpoint ? { stateCheckpoint: { height, root: stateRoot } } : {}),
      });
      if (checkpoint) this.pending.clear();
      this.currentHead = { height: block.header.height, hash, stateRoot: block.header.stateRoot };
      this.headBlockTime = block.header.time;
      this.loaders.onCommitted(execution.changed);
      this.admission.onBlockCommitted(execution);
      const txHashes = execution.applied.map((t) => t.hashHex);
      this.emit({ type: "block", height: block.header.height, hash, block, txHashes });
      return this.currentHead;
    });
  }

  /** Marks every block up to `height` final (the plugin decides when). */
  markFinalized(height: number): void {
    if (height <= this.finalized) return;
    this.finalized = Math.min(height, this.currentHead.height);
    this.emit({ type: "finalized", height: this.finalized, hash: this.currentHead.hash });
  }

  /** An account's committed state (empty when never written) with its proof against the head's state root. */
  getAccountWithProof(address: Uint8Array): Promise<AccountWithProof> {
    return this.withLock(() => this.state.account(this.currentHead, address));
  }

  /** A record's committed value (null: never written) with its inclusion or absence proof against the head. */
  getRecord(namespace: RecordNamespace, id: Uint8Array): Promise<RecordWithProof> {
    return this.withLock(() => this.state.record(this.currentHead, namespace, id));
  }

  /** Committed record values (null: never written), without proofs: cheap reads for status and audits. */
  getRecordValues(refs: RecordRef[]): Promise<(Uint8Array | null)[]> {
    return this.db.getRecords(this.opts.chainId, this.opts.shard, refs);
  }

  /** The outbox of the committed block at `height` (empty: none, or no such block). */
  getOutbox(height: number): Promise<Receipt[]> {
    return this.db.getOutbox(this.opts.chainId, this.opts.shard, height);
  }

  /** The committed outboxes from `fromHeight` on, whole blocks, about `limit` receipts (`LedgerDb.listOutboxes`). */
  listOutboxes(fromHeight: number, limit: number): Promise<Array<{ height: number; receipts: Receipt[] }>> {
    return this.db.listOutboxes(this.opts.chainId, this.opts.shard, fromHeight, limit);
  }

  /** This shard's supply figures at the committed head, read with no commit in between (`ShardSupply`). */
  supplySnapshot(): Promise<ShardSupply> {
    return this.withLock(() => readShardSupply(this.db, this.opts, this.currentHead, this.supply));
  }

  /** A Smallbank customer's committed record (zeros when never written) with its proof against the head. */
  getSmallbankWithProof(address: Uint8Array): Promise<SmallbankWithProof> {
    return this.withLock(() => this.state.smallbank(this.currentHead, address));
  }

  /** Committed records of a namespace in id byte order, after the id `after`, at most `limit` of them. */
  listRecords(namespace: RecordNamespace, opts: RecordListOptions): Promise<ListedRecord[]> {
    return this.state.list(namespace, opts);
  }

  /** Pending, included or final (where, and what it did), or rejected when this node's block building dropped it. */
  getTx(hashHex: string): Promise<TxStatus | null> {
    const { mempool, db, finalized, rejected } = this;
    return txStatusOf(hashHex, { mempool, db, finalized, rejected });
  }

  /** A committed block by height or hash. */
  async getBlock(id: number | Uint8Array): Promise<Block | null> {
    if (typeof id === "number") return this.db.getBlockByHeight(this.opts.chainId, this.opts.shard, id);
    return this.db.getBlock(id);
  }

  /** A committed header by height (no body read). */
  getHeader(height: number): Promise<Header | null> {
    return this.db.getHeaderByHeight(this.opts.chainId, this.opts.shard, height);
  }

  private nextContext(
    ctx: { proposer: Uint8Array; time: number; epoch: number },
    branch: SpeculativeState | null,
  ) {
    const parent = branch?.parent ?? { ...this.currentHead, time: this.headBlockTime };
    return {
      chainId: this.opts.chainId,
      shard: this.opts.shard,
      height: parent.height + 1,
      parentHash: parent.hash,
      parentStateRoot: parent.stateRoot,
      proposer: ctx.proposer,
      proposerHex: bytesToHex(addressFromPublicKey(ctx.proposer)),
      // Block times strictly increase, even if the wall clock steps back.
      time: Math.max(ctx.time, parent.time + 1),
      epoch: ctx.epoch,
    };
  }

  private assemblyModules(branch: SpeculativeState | null) {
    const loaders = branch ? speculativeLoaders(this.loaders, branch) : this.loaders;
    return { tree: this.tree, roles: this.roles, layout: this.opts.dlfs, ...loaders };
  }

  /**
   * Runs `fn` under the lock with the state after `ancestors` (null: the committed head). Ancestors must start right
   * above the committed head; their tree nodes are readable while `fn` runs.
   */
  private withBranch<T>(
    ancestors: AssembledBlock[] | undefined,
    fn: (branch: SpeculativeState | null) => Promise<T>,
  ): Promise<T> {
    return this.withLock(async () => {
      if (!ancestors || ancestors.length === 0) return fn(null);
      const first = ancestors[0].block.header;
      if (
        first.height !== this.currentHead.height + 1 ||
        !bytesEqual(first.parentHash, this.currentHead.hash)
      )
        throw new BlockError(
          { code: "BLOCK_ERROR_WRONG_PARENT", height: first.height },
          `branch starts at ${first.height}, which does not extend the committed head ${this.currentHead.height}`,
        );
      const branch = speculativeStateOf(ancestors);
      this.branchNodes = branch.nodes;
      try {
        return await fn(branch);
      } finally {
        this.branchNodes = null;
      }
    });
  }

  private withLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private emit(e: ChainEvent): void {
    for (const l of this.listeners) l(e);
  }
}
