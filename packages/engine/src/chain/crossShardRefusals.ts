import { bytesToHex } from "@vshard/crypto";
import { EMPTY_ACCOUNT, TxKind } from "@vshard/types";
import { receiptSourceQueryOf } from "../crossShard/crossShardTouched.ts";
import { type CrossShardScope, planReceive } from "../crossShard/crossShardTxs.ts";
import type { ReceiptSourceLoader, ReceiptSources } from "../crossShard/interface.ts";
import { receiptSourcesFromRecords } from "../crossShard/receiptSourcesFromRecords.ts";
import { TxError } from "../errors.ts";
import type { AccountMap, PreparedTx } from "../execution/executeTxs.ts";
import { RecordState } from "../execution/recordState.ts";
import { touchedRecords } from "../execution/touchedRecords.ts";
import type { TxFailure } from "../registry/interface.ts";
import { MAIN_CHAIN_ID } from "../registry/options.ts";
import type { StateLoaders } from "./assembleBlock.ts";

/** What admission reads to check cross-shard txs against committed state. */
export interface CrossShardAdmissionModules {
  loadRecords: StateLoaders["loadRecords"];
  loadAccounts: StateLoaders["loadAccounts"];
  /** A worker shard's view of the main chain (absent on the main chain, which reads its own records). */
  receiptSources?: ReceiptSourceLoader;
  /** Pending txs queued under a mempool account (a receive's slot). */
  pendingOf(senderHex: string): ReadonlyArray<{ hashHex: string }>;
}

/**
 * The cross-shard txs among `txs` that committed state refuses, with the `TxError` execution would give: a receive
 * whose receipt is not notarised, whose proof fails, that goes to another shard, that is consumed already or pending
 * here (another relay delivered it first); a cross transfer to a shard the registry does not have. Refusals made
 * here stay true (spent receipts and registered shards are never undone), except "not anchored", which a relay retries.
 */
export async function crossShardRefusals(
  txs: PreparedTx[],
  isMain: boolean,
  modules: CrossShardAdmissionModules,
): Promise<Map<PreparedTx, TxError>> {
  const refused = new Map<PreparedTx, TxError>();
  const cross = txs.filter((t) => t.stx.tx.kind === TxKind.Receive || t.stx.tx.kind === TxKind.CrossTransfer);
  if (cross.length === 0) return refused;
  const receivers = cross.flatMap((t) =>
    t.stx.tx.kind === TxKind.Receive ? [bytesToHex(t.stx.tx.payload.receipt.to)] : [],
  );
  const [loaded, accounts] = await Promise.all([
    modules.loadRecords(touchedRecords(cross)),
    modules.loadAccounts(receivers),
  ]);
  const records = new RecordState(loaded);
  const sources = isMain
    ? receiptSourcesFromRecords(records)
    : await modules.receiptSources?.(receiptSourceQueryOf(cross), { waitMs: 0 });
  for (const t of cross) {
    const failure = problemOf(t, records, accounts, sources, modules);
    if (failure !== null)
      refused.set(t, new TxError({ code: failure.code, txHash: t.hashHex }, failure.message));
  }
  return refused;
}

function problemOf(
  t: PreparedTx,
  records: RecordState,
  accounts: AccountMap,
  sources: ReceiptSources | undefined,
  modules: CrossShardAdmissionModules,
): TxFailure | null {
  const tx = t.stx.tx;
  if (tx.kind === TxKind.CrossTransfer) {
    const { destination } = tx.payload;
    if (destination.chainId === MAIN_CHAIN_ID || !sources) return null; // execution checks these
    if (sources.shardAddedAt(destination) === null)
      return {
        code: "TX_ERROR_UNKNOWN_SHARD",
        message: `payload.destination: chain ${destination.chainId} shard ${destination.shard} is not registered on the main chain`,
      };
    return null;
  }
  const pending = modules.pendingOf(t.senderHex).find((p) => p.hashHex !== t.hashHex);
  if (pending)
    return {
      code: "TX_ERROR_RECEIPT_PENDING",
      message: `a receive of this receipt is pending already (tx ${pending.hashHex})`,
    };
  const scope: CrossShardScope = {
    store: { read: (hex) => accounts.get(hex) ?? EMPTY_ACCOUNT, write: () => {} },
    records,
    sources,
    height: 0,
    outbox: [],
  };
  const plan = planReceive(t, scope);
  return "code" in plan ? plan : null;
}
