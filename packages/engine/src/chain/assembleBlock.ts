import { hexToBytes, merkleRoot, sha256 } from "@vshard/crypto";
import { type DlfsLayout, type PackedBody, packBody } from "@vshard/storage";
import {
  type Account,
  type Block,
  encodeAccount,
  encodeBody,
  type Header,
  outboxRoot,
  type RecordRef,
} from "@vshard/types";
import { receiptSourceQueryOf } from "../crossShard/crossShardTouched.ts";
import type { ReceiptSources } from "../crossShard/interface.ts";
import {
  type AccountMap,
  type ExecutionResult,
  executeTxs,
  type PreparedTx,
  stakingFollowUpAddresses,
  touchedAddresses,
} from "../execution/executeTxs.ts";
import type { RecordMap } from "../execution/recordState.ts";
import { recordValueHashOf } from "../execution/recordStateKey.ts";
import { touchedRecords } from "../execution/touchedRecords.ts";
import type { ChainRoles } from "../registry/interface.ts";
import type { SparseMerkleTree, StateUpdate } from "../state/index.ts";

/** Where a new block goes: its parent and what the proposer stamps on it. */
export interface BlockContext {
  chainId: number;
  shard: number;
  height: number;
  parentHash: Uint8Array;
  parentStateRoot: Uint8Array;
  proposer: Uint8Array;
  proposerHex: string;
  time: number;
  epoch: number;
}

/** A block with everything its commit writes: the executed state changes and the new state-tree nodes. */
export interface AssembledBlock {
  block: Block;
  execution: ExecutionResult;
  stateNodes: Array<[Uint8Array, Uint8Array]>;
  /** The encoded body, made once for the CID and reused by the commit. */
  bodyBytes: Uint8Array;
  /** The body packed for the DLFS (manifest and chunks): its manifest's CID is the header's `bodyCid`. */
  packed: PackedBody;
}

/** The state-tree key of an account: sha256 of its address, so keys spread evenly over the tree. */
export function stateKeyOf(address: Uint8Array): Uint8Array {
  return sha256(address);
}

/** The state-tree value hash of an account. */
export function stateValueHashOf(account: Account): Uint8Array {
  return sha256(encodeAccount(account));
}

/**
 * The state-tree updates that write these accounts (by address hex) and records (by state-key hex, value hash
 * `recordValueHashOf`). A record whose value is null was never written and has no leaf: records are never deleted.
 */
export function stateUpdatesOf(accounts: AccountMap, records: RecordMap): StateUpdate[] {
  const updates: StateUpdate[] = [];
  for (const [hex, account] of accounts)
    updates.push({ key: stateKeyOf(hexToBytes(hex)), valueHash: stateValueHashOf(account) });
  for (const [keyHex, { value }] of records)
    if (value !== null) updates.push({ key: hexToBytes(keyHex), valueHash: recordValueHashOf(value) });
  return updates;
}

/** How block assembly reads committed state. */
export interface StateLoaders {
  /** Committed accounts by address hex (absent: never written). */
  loadAccounts(hexes: string[]): Promise<AccountMap>;
  /** Committed records, given and returned by state-key hex (`recordKeyHex`); a record never written is null or left out. */
  loadRecords(touched: Map<string, RecordRef>): Promise<RecordMap>;
}

/**
 * Reads the accounts executing `txs` needs: one round for most blocks; a block with staking txs may need a second
 * one, for the candidates that its stakers already voted for (known only once their accounts are read).
 */
export async function loadTouchedAccounts(
  txs: PreparedTx[],
  proposerHex: string,
  loaders: Pick<StateLoaders, "loadAccounts">,
): Promise<AccountMap> {
  const accounts = await loaders.loadAccounts([...touchedAddresses(txs, proposerHex)]);
  const followUp = stakingFollowUpAddresses(txs, accounts);
  if (followUp.length === 0) return accounts;
  const more = await loaders.loadAccounts(followUp);
  const all: AccountMap = new Map(accounts);
  for (const [hex, account] of more) all.set(hex, account);
  return all;
}

/**
 * How long a validator waits for its main chain to show a source block that a proposed block's receive names: the
 * proposer saw it anchored, and anchors are final, so a node that lags catches up (a block naming a block never
 * anchored is refused after this).
 */
export const RECEIPT_SOURCE_WAIT_MS = 10_000;

/** A worker shard's receipt sources for the cross-shard txs of `txs` (none without such txs or on the main chain). */
async function loadReceiptSources(
  txs: PreparedTx[],
  roles: ChainRoles | undefined,
  building: boolean,
): Promise<ReceiptSources | undefined> {
  if (!roles?.receiptSources || roles.main) return undefined;
  const query = receiptSourceQueryOf(txs);
  if (query.blocks.length === 0 && query.shards.length === 0) return undefined;
  return roles.receiptSources(query, { waitMs: building ? 0 : RECEIPT_SOURCE_WAIT_MS });
}

/**
 * Executes `txs` on top of the parent state and builds the header: state root from ONE tree update of the accounts
 * and records written (cost grows with what is touched), tx root over tx hashes, receipt root over the outbox, body
 * CID. `modules.roles` is the
 * chain's role (main chain, worker schema); without it registry and record txs are refused.
 */
export async function assembleBlock(
  ctx: BlockContext,
  txs: PreparedTx[],
  modules: StateLoaders & { tree: SparseMerkleTree; roles?: ChainRoles; layout: DlfsLayout },
  opts: { skipInvalid: boolean },
): Promise<AssembledBlock> {
  const touched = touchedRecords(txs);
  const [accounts, records, sources] = await Promise.all([
    loadTouchedAccounts(txs, ctx.proposerHex, modules),
    touched.size > 0 ? modules.loadRecords(touched) : Promise.resolve<RecordMap>(new Map()),
    loadReceiptSources(txs, modules.roles, opts.skipInvalid),
  ]);
  const context = { ...modules.roles, height: ctx.height, ...(sources ? { sources } : {}) };
  const execution = executeTxs(txs, accounts, ctx.proposerHex, { ...opts, context }, records);
  const updates = stateUpdatesOf(execution.changed, execution.records);
  const { root, newNodes } = await modules.tree.update(ctx.parentStateRoot, updates);
  const body = execution.applied.map((t) => t.stx);
  const bodyBytes = encodeBody(body);
  const packed = packBody(bodyBytes, modules.layout);
  const header: Header = {
    chainId: ctx.chainId,
    shard: ctx.shard,
    height: ctx.height,
    parentHash: ctx.parentHash,
    stateRoot: root,
    txRoot: merkleRoot(execution.applied.map((t) => t.hash)),
    receiptRoot: outboxRoot(execution.receipts),
    bodyCid: packed.manifestObject.cid,
    proposer: ctx.proposer,
    time: ctx.time,
    epoch: ctx.epoch,
    certificate: new Uint8Array(0),
  };
  return { block: { header, txs: body }, execution, stateNodes: newNodes, bodyBytes, packed };
}
