import { concatBytes, HASH_LENGTH } from "@vshard/crypto";
import {
  type Account,
  type Block,
  encodeBody,
  type Header,
  type Receipt,
  type RecordEntry,
  type RecordNamespace,
  type RecordRef,
  txHash,
} from "@vshard/types";
import { Bucket, chainShardHeightKey, chainShardKey } from "./buckets.ts";
import { StorageError } from "./errors.ts";
import { type KvOp, type KvStore, putOp } from "./kvStore.ts";
import {
  type BodyStats,
  type ChainHead,
  compressBody,
  MAX_ABORT_REASON_LENGTH,
  type StateCheckpoint,
  type TxLocation,
  type TxOutcomeRecord,
} from "./ledgerRecords.ts";
import { createLedgerRepositories, type LedgerRepositories } from "./ledgerRepositories.ts";
import { scanOutboxes, sumShardAccounts } from "./ledgerScans.ts";
import { LevelKvStore } from "./levelKvStore.ts";
import { defaultLedgerDbOptions, type LedgerDbOptions } from "./options.ts";
import { listRecordRange, type RecordListOptions } from "./recordListing.ts";
import type { WriteSet } from "./writeSet.ts";

/** Everything one block changes, written by `LedgerDb.commitBlock` in one atomic batch. */
export interface BlockCommit {
  chainId: number;
  shard: number;
  /** The block; its header includes its certificate. */
  block: Block;
  /** `headerHash(block.header)`, computed by the caller. */
  blockHash: Uint8Array;
  /** Accounts changed by the block, with their new state. */
  accounts: Array<{ address: Uint8Array; account: Account }>;
  /** Records the block wrote (namespace, id), with their new value bytes; none when absent. */
  records?: RecordEntry[];
  /** State-tree nodes to store, opaque bytes (with a checkpoint: every node its tree needs that is not stored yet). */
  stateNodes: Array<[key: Uint8Array, value: Uint8Array]>;
  /** When set, the state tree of this block is complete in storage after this batch. */
  stateCheckpoint?: StateCheckpoint;
  /** The block's outbox, in order (may be empty); each receipt's source is this chain shard. */
  receipts: Receipt[];
  /** `txHash` of each tx, in body order, when the caller already has them (saves re-hashing). */
  txHashes?: Uint8Array[];
  /** `encodeBody(block.txs)` when the caller already has it (block assembly makes it for the body CID). */
  bodyBytes?: Uint8Array;
  /** What each tx did, in body order; every tx ok when absent. */
  outcomes?: TxOutcomeRecord[];
}

const OK: TxOutcomeRecord = { status: 0 };

/** Where the ledger lives: a folder (opened with `LevelKvStore`) or a store given by the caller. */
export type LedgerDbLocation = { path: string } | { store: KvStore };

function badCommit(message: string): StorageError {
  return new StorageError({ code: "STORAGE_ERROR_BAD_COMMIT" }, `cannot commit block: ${message}`);
}

/**
 * The ledger of one node: headers, compressed bodies, height index, tx locations (with outcomes),
 * accounts, records, state-tree nodes, outboxes and chain heads, over one `KvStore`. Each block is committed in one
 * atomic batch, so after a crash the store holds every record of the head block or none of it.
 */
export class LedgerDb {
  /** Typed access to each bucket, for readers this class does not cover (e.g. range scans). */
  readonly repositories: LedgerRepositories;
  private readonly store: KvStore;
  private readonly opts: LedgerDbOptions;
  private totals: BodyStats;
  /** Commits run one after another: each reads and extends the running totals. */
  private commitQueue: Promise<void> = Promise.resolve();

  private constructor(store: KvStore, opts: LedgerDbOptions, totals: BodyStats, repos: LedgerRepositories) {
    this.store = store;
    this.opts = opts;
    this.totals = totals;
    this.repositories = repos;
  }

  /**
   * Opens the ledger in `path` (creating it when missing) or over a given store. The ledger owns the
   * store from then on: `close()` closes it.
   */
  static async create(opts: LedgerDbLocation & Partial<LedgerDbOptions>): Promise<LedgerDb> {
    const options: LedgerDbOptions = {
      compressionLevel: opts.compressionLevel ?? defaultLedgerDbOptions.compressionLevel,
    };
    const store = "store" in opts ? opts.store : await LevelKvStore.create({ path: opts.path });
    const repos = createLedgerRepositories(store, options.compressionLevel);
    let totals: BodyStats;
    try {
      totals = (await repos.bodyStats.get(null)) ?? { bodyBytesRaw: 0, bodyBytesStored: 0 };
    } catch (err) {
      if (!("store" in opts)) await store.close();
      throw err;
    }
    return new LedgerDb(store, options, totals, repos);
  }

  /** Writes a block and everything it changed in ONE atomic batch, then moves the chain head to it. */
  commitBlock(c: BlockCommit): Promise<void> {
    const run = this.commitQueue.then(() => this.writeCommit(c));
    this.commitQueue = run.catch(() => undefined);
    return run;
  }

  private async writeCommit(c: BlockCommit): Promise<void> {
    const { header, txs } = c.block;
    const { chainId, shard, blockHash } = c;
    if (header.chainId !== chainId || header.shard !== shard)
      throw badCommit(
        `header is for chain ${header.chainId} shard ${header.shard}, commit names chain ${chainId} shard ${shard}`,
      );
    if (!(blockHash instanceof Uint8Array) || blockHash.length !== HASH_LENGTH)
      throw badCommit(`blockHash must be ${HASH_LENGTH} bytes`);
    if (c.txHashes !== undefined && c.txHashes.length !== txs.length)
      throw badCommit(`${c.txHashes.length} tx hashes given for ${txs.length} txs`);
    if (c.outcomes !== undefined && c.outcomes.length !== txs.length)
      throw badCommit(`${c.outcomes.length} outcomes given for ${txs.length} txs`);
    for (const o of c.outcomes ?? [])
      if ((o.status === 0) !== (o.reason === undefined) || (o.reason?.length ?? 0) > MAX_ABORT_REASON_LENGTH)
        throw badCommit(
          `an outcome is ok without a reason, or aborted with a reason of at most ${MAX_ABORT_REASON_LENGTH} characters`,
        );
    for (const r of c.receipts)
      if (r.source.chainId !== chainId || r.source.shard !== shard)
        throw badCommit(
          `receipt source ${r.source.chainId}/${r.source.shard} is not chain ${chainId} shard ${shard}`,
        );

    const repos = this.repositories;
    const { height } = header;
    const raw = c.bodyBytes ?? encodeBody(txs);
    const stored = compressBody(raw, this.opts.compressionLevel);
    const bodyKey = repos.bodies.key(blockHash);
    const [oldBody, oldHash] = await this.store.getMany([
      bodyKey,
      repos.hashByHeight.key({ chainId, shard, height }),
    ]);

    const ops: KvOp[] = [];
    // A block replacing another at this height: drop the old outbox so no stale receipt survives.
    if (oldHash !== null)
      for await (const [key] of repos.outbox.range({ prefix: chainShardHeightKey(chainId, shard, height) }))
        ops.push({ type: "del", key: Uint8Array.of(repos.outbox.bucket, ...key) });
    ops.push(repos.headers.putOp(blockHash, header));
    ops.push({ type: "put", key: bodyKey, value: stored });
    ops.push(repos.hashByHeight.putOp({ chainId, shard, height }, blockHash));
    txs.forEach((stx, index) => {
      const hash = c.txHashes?.[index] ?? txHash(stx.tx);
      ops.push(repos.txLocations.putOp(hash, { height, index, blockHash, ...(c.outcomes?.[index] ?? OK) }));
    });
    for (const { address, account } of c.accounts)
      ops.push(repos.accounts.putOp({ chainId, shard, address }, account));
    for (const { namespace, id, value } of c.records ?? [])
      ops.push(repos.records.putOp({ chainId, shard, namespace, id }, value));
    for (const [key, value] of c.stateNodes) ops.push(repos.stateNodes.putOp({ chainId, shard, key }, value));
    ops.push(
      repos.writeSets.putOp(
        { chainId, shard, height },
        {
          accounts: c.accounts.map((a) => a.address),
          records: (c.records ?? []).map(({ namespace, id }) => ({ namespace, id })),
        },
      ),
    );
    c.receipts.forEach((receipt, index) => {
      ops.push(repos.outbox.putOp({ chainId, shard, height, index }, receipt));
    });
    if (c.stateCheckpoint) ops.push(repos.stateCheckpoints.putOp({ chainId, shard }, c.stateCheckpoint));
    ops.push(repos.heads.putOp({ chainId, shard }, { height, hash: blockHash, stateRoot: header.stateRoot }));
    // A body already stored (the same block committed again) is not counted twice.
    const totals =
      oldBody === null
        ? {
            bodyBytesRaw: this.totals.bodyBytesRaw + raw.length,
            bodyBytesStored: this.totals.bodyBytesStored + stored.length,
          }
        : this.totals;
    ops.push(repos.bodyStats.putOp(null, totals));

    await this.store.batch(ops);
    this.totals = totals;
  }

  /**
   * Stores headers without bodies or state (a light node): each header and its height index, then the chain head
   * moves to the last, in one atomic batch. The caller checks that they extend what is stored.
   */
  async putHeaders(
    chainId: number,
    shard: number,
    entries: Array<{ hash: Uint8Array; header: Header }>,
  ): Promise<void> {
    const last = entries[entries.length - 1];
    if (!last) return;
    const repos = this.repositories;
    const ops: KvOp[] = [];
    for (const { hash, header } of entries) {
      if (header.chainId !== chainId || header.shard !== shard)
        throw badCommit(
          `header is for chain ${header.chainId} shard ${header.shard}, not ${chainId}/${shard}`,
        );
      ops.push(repos.headers.putOp(hash, header));
      ops.push(repos.hashByHeight.putOp({ chainId, shard, height: header.height }, hash));
    }
    const { height, stateRoot } = last.header;
    ops.push(repos.heads.putOp({ chainId, shard }, { height, hash: last.hash, stateRoot }));
    await this.store.batch(ops);
  }

  /** Bytes of every key and value in the database (what the node stores, before LevelDB's own compression). */
  async bytesStored(): Promise<number> {
    let total = 0;
    for await (const [key, value] of this.store.iterate({})) total += key.length + value.length;
    return total;
  }

  /** The state keys the block at `height` wrote; null for a block committed before write sets were stored. */
  getWriteSet(chainId: number, shard: number, height: number): Promise<WriteSet | null> {
    return this.repositories.writeSets.get({ chainId, shard, height });
  }

  /** The last state tree of a chain shard whose nodes are all stored, or null (before genesis). */
  getStateCheckpoint(chainId: number, shard: number): Promise<StateCheckpoint | null> {
    return this.repositories.stateCheckpoints.get({ chainId, shard });
  }

  /** Stores state-tree nodes and the checkpoint they complete, in one atomic batch (derived data: no block). */
  async writeStateCheckpoint(
    chainId: number,
    shard: number,
    checkpoint: StateCheckpoint,
    nodes: Array<[Uint8Array, Uint8Array]>,
  ): Promise<void> {
    const repos = this.repositories;
    const ops: KvOp[] = nodes.map(([key, value]) => repos.stateNodes.putOp({ chainId, shard, key }, value));
    ops.push(repos.stateCheckpoints.putOp({ chainId, shard }, checkpoint));
    await this.store.batch(ops);
  }

  /** Bytes a consensus plugin stored under `name` for a chain shard, or null. */
  getConsensusData(chainId: number, shard: number, name: string): Promise<Uint8Array | null> {
    return this.store.get(consensusDataKey(chainId, shard, name));
  }

  /** Stores bytes for a consensus plugin (derived data, written on its own). */
  putConsensusData(chainId: number, shard: number, name: string, value: Uint8Array): Promise<void> {
    return this.store.batch([putOp(consensusDataKey(chainId, shard, name), value)]);
  }

  /** The last committed block of a chain shard, or null before its first commit. */
  getHead(chainId: number, shard: number): Promise<ChainHead | null> {
    return this.repositories.heads.get({ chainId, shard });
  }

  /** A header by block hash. */
  getHeader(hash: Uint8Array): Promise<Header | null> {
    return this.repositories.headers.get(hash);
  }

  /** The hash of the block committed at `height`. */
  getHashByHeight(chainId: number, shard: number, height: number): Promise<Uint8Array | null> {
    return this.repositories.hashByHeight.get({ chainId, shard, height });
  }

  /** The header of the block committed at `height`. */
  async getHeaderByHeight(chainId: number, shard: number, height: number): Promise<Header | null> {
    const hash = await this.getHashByHeight(chainId, shard, height);
    return hash === null ? null : this.getHeader(hash);
  }

  /** A whole block by hash; null when its header or body is not stored. */
  async getBlock(hash: Uint8Array): Promise<Block | null> {
    const [header, txs] = await Promise.all([
      this.repositories.headers.get(hash),
      this.repositories.bodies.get(hash),
    ]);
    return header === null || txs === null ? null : { header, txs };
  }

  /** The block committed at `height`. */
  async getBlockByHeight(chainId: number, shard: number, height: number): Promise<Block | null> {
    const hash = await this.getHashByHeight(chainId, shard, height);
    return hash === null ? null : this.getBlock(hash);
  }

  /** Where a tx was committed, by tx hash. */
  getTxLocation(hash: Uint8Array): Promise<TxLocation | null> {
    return this.repositories.txLocations.get(hash);
  }

  /** An account's stored state; null for an account never written (callers use `EMPTY_ACCOUNT`). */
  getAccount(chainId: number, shard: number, address: Uint8Array): Promise<Account | null> {
    return this.repositories.accounts.get({ chainId, shard, address });
  }

  /** Several accounts in one read, in order. */
  getAccounts(chainId: number, shard: number, addresses: Uint8Array[]): Promise<(Account | null)[]> {
    return this.repositories.accounts.getMany(addresses.map((address) => ({ chainId, shard, address })));
  }

  /** Several records' value bytes in one read, in the order of `refs`; null for a record never written. */
  getRecords(chainId: number, shard: number, refs: RecordRef[]): Promise<(Uint8Array | null)[]> {
    return this.repositories.records.getMany(
      refs.map(({ namespace, id }) => ({ chainId, shard, namespace, id })),
    );
  }

  /**
   * The records of one namespace in id byte order, after the id `opts.after`, at most `opts.limit`: for listings
   * such as every registered chain. Page on by passing the last id returned as `after`.
   */
  listRecords(
    chainId: number,
    shard: number,
    namespace: RecordNamespace,
    opts: RecordListOptions,
  ): Promise<Array<{ id: Uint8Array; value: Uint8Array }>> {
    return listRecordRange(this.repositories.records, { chainId, shard, namespace }, opts);
  }

  /** A state-tree node by key. */
  getStateNode(chainId: number, shard: number, key: Uint8Array): Promise<Uint8Array | null> {
    return this.repositories.stateNodes.get({ chainId, shard, key });
  }

  /** The outbox of the block at `height`, in order; empty when it had none. */
  async getOutbox(chainId: number, shard: number, height: number): Promise<Receipt[]> {
    const out: Receipt[] = [];
    const prefix = chainShardHeightKey(chainId, shard, height);
    for await (const [, receipt] of this.repositories.outbox.range({ prefix })) out.push(receipt);
    return out;
  }

  /**
   * The outboxes of the blocks from `fromHeight` on, in height order, with every receipt of each (a block's outbox is
   * never split: a proof needs all of it), until at least `limit` receipts are read. Blocks without receipts are left
   * out. What relays scan.
   */
  listOutboxes(
    chainId: number,
    shard: number,
    fromHeight: number,
    limit: number,
  ): Promise<Array<{ height: number; receipts: Receipt[] }>> {
    return scanOutboxes(this.repositories.outbox, { chainId, shard, fromHeight, limit });
  }

  /** Σ balance and Σ stake over every stored account of a chain shard (its latest committed state), and their count. */
  sumAccounts(chainId: number, shard: number): Promise<{ accounts: number; balance: bigint; stake: bigint }> {
    return sumShardAccounts(this.repositories.accounts, chainId, shard);
  }

  /** Body bytes before and after compression, over every block committed to this database. */
  async stats(): Promise<BodyStats> {
    return { ...this.totals };
  }

  /** Waits for pending commits, then closes the store. */
  async close(): Promise<void> {
    await this.commitQueue;
    await this.store.close();
  }
}

/** Most bytes of a consensus data name: names are short labels such as `schedule/12`. */
const MAX_CONSENSUS_DATA_NAME = 128;

function consensusDataKey(chainId: number, shard: number, name: string): Uint8Array {
  const bytes = new TextEncoder().encode(name);
  if (bytes.length === 0 || bytes.length > MAX_CONSENSUS_DATA_NAME)
    throw new RangeError(`consensus data name must be 1..${MAX_CONSENSUS_DATA_NAME} bytes`);
  return concatBytes(new Uint8Array([Bucket.ConsensusData]), chainShardKey(chainId, shard), bytes);
}
