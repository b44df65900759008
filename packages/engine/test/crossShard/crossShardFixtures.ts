import { bytesToHex, ed25519KeyPairFromSeed, sha256 } from "@vshard/crypto";
import {
  addressFromPublicKey,
  outboxRoot,
  type Receipt,
  type ReceivePayload,
  type RecordEntry,
  RecordNamespace,
  receiptProof,
  type ShardRef,
  type SignedTx,
  signTx,
  type Tx,
  TxKind,
} from "@vshard/types";
import type { NotarisedBlock, ReceiptSources } from "../../src/crossShard/interface.ts";
import {
  decodeReceiptTotal,
  ReceiptTotal,
  receiptTotalRecordId,
} from "../../src/crossShard/receiptRecords.ts";
import type { AccountMap, ExecutionResult } from "../../src/execution/executeTxs.ts";
import type { LoadedRecord, RecordMap } from "../../src/execution/recordState.ts";
import { recordKeyHex } from "../../src/execution/recordStateKey.ts";
import { encodeAnchoredHeaderEntry, encodeChainEntry } from "../../src/registry/registryEntries.ts";
import { anchoredHeaderRecordId, chainRecordId } from "../../src/registry/registryIds.ts";

const text = (s: string) => new TextEncoder().encode(s);

/** A shard reference. */
export const at = (chainId: number, shard: number): ShardRef => ({ chainId, shard });

/** The main chain's shard. */
export const MAIN = at(0, 0);

/** Users with ed25519 keys derived from their index; the same address has a sub-account in every shard. */
export const users = Array.from({ length: 4 }, (_, i) => {
  const keys = ed25519KeyPairFromSeed(new Uint8Array(32).fill(60 + i));
  const address = addressFromPublicKey(keys.publicKey);
  return { keys, address, hex: bytesToHex(address) };
});

/** Relay keys: they sign receives and hold no funds. */
export const relays = Array.from({ length: 2 }, (_, i) =>
  ed25519KeyPairFromSeed(new Uint8Array(32).fill(90 + i)),
);

/** The proposer of every executed block (its account takes the fees, and counts in the supply). */
export const PROPOSER_HEX = bytesToHex(new Uint8Array(20).fill(0xee));

/** Signs `tx` with `secretKey`, or leaves a zero signature (`executeTxs` does not check signatures). */
function finish(tx: Tx, secretKey: Uint8Array, sign: boolean): SignedTx {
  return sign ? signTx(tx, secretKey) : { tx, signature: new Uint8Array(64) };
}

/** A cross transfer by user `from` on shard `here`. */
export function crossTransferTx(
  from: number,
  nonce: number,
  here: ShardRef,
  payload: { to: Uint8Array; destination: ShardRef; amount: bigint },
  opts: { fee?: bigint; sign?: boolean } = {},
): SignedTx {
  const tx: Tx = {
    ...here,
    kind: TxKind.CrossTransfer,
    sender: users[from].keys.publicKey,
    nonce,
    fee: opts.fee ?? 1n,
    payload,
  };
  return finish(tx, users[from].keys.secretKey, opts.sign ?? false);
}

/** A receive on shard `here` sent by relay `relay` (nonce 0 and fee 0 unless told otherwise). */
export function receiveTx(
  relay: number,
  here: ShardRef,
  payload: ReceivePayload,
  opts: { nonce?: number; fee?: bigint; sign?: boolean } = {},
): SignedTx {
  const tx: Tx = {
    ...here,
    kind: TxKind.Receive,
    sender: relays[relay].publicKey,
    nonce: opts.nonce ?? 0,
    fee: opts.fee ?? 0n,
    payload,
  };
  return finish(tx, relays[relay].secretKey, opts.sign ?? false);
}

/** A receipt as a source block would hold it; its id is derived from `tag` (tests make up their own txs). */
export function receiptOf(
  tag: string,
  source: ShardRef,
  destination: ShardRef,
  amount: bigint,
  who: { from?: number; to?: number } = {},
): Receipt {
  return {
    id: sha256(text(`cross-shard-test/${tag}`)),
    from: users[who.from ?? 0].address,
    to: users[who.to ?? 1].address,
    amount,
    source,
    destination,
  };
}

/** The receive payload of receipt `index` of the outbox `receipts` of block `sourceHeight`. */
export function deliveryOf(
  receipts: readonly Receipt[],
  index: number,
  sourceHeight: number,
): ReceivePayload {
  return { receipt: receipts[index], sourceHeight, proof: receiptProof(receipts, index) };
}

const blockKey = (ref: ShardRef, height: number) => `${ref.chainId}/${ref.shard}/${height}`;
const shardKey = (ref: ShardRef) => `${ref.chainId}/${ref.shard}`;

/** A hand-written `ReceiptSources`: the blocks notarised and the shards added that a test says. */
export class FakeReceiptSources implements ReceiptSources {
  private readonly blocks = new Map<string, NotarisedBlock>();
  private readonly shards = new Map<string, number>();

  /** Notarises block `height` of `source` with the outbox `receipts`, anchored at main height `anchoredAt`. */
  notarise(source: ShardRef, height: number, receipts: readonly Receipt[], anchoredAt = 1): this {
    this.blocks.set(blockKey(source, height), { receiptRoot: outboxRoot(receipts), anchoredAt });
    return this;
  }

  /** Says shard `ref` was added at main height `addedAt`. */
  addShard(ref: ShardRef, addedAt = 0): this {
    this.shards.set(shardKey(ref), addedAt);
    return this;
  }

  notarised(source: ShardRef, height: number): NotarisedBlock | null {
    return this.blocks.get(blockKey(source, height)) ?? null;
  }

  shardAddedAt(ref: ShardRef): number | null {
    return this.shards.get(shardKey(ref)) ?? null;
  }
}

/** Accounts of users `which` (all by default), each with `balance`. */
export function fundedAccounts(balance: bigint, which: number[] = users.map((_, i) => i)): AccountMap {
  return new Map(which.map((i) => [users[i].hex, { balance, nonce: 0 }]));
}

/** A record map holding `records`. */
export function recordMapOf(records: RecordEntry[]): RecordMap {
  return new Map(records.map((r): [string, LoadedRecord] => [recordKeyHex(r), { ...r }]));
}

/** The state after an execution: `accounts` and `records` with what it wrote (new maps). */
export function stateAfter(
  accounts: AccountMap,
  records: RecordMap,
  result: ExecutionResult,
): { accounts: AccountMap; records: RecordMap } {
  const nextRecords: RecordMap = new Map(records);
  for (const [key, entry] of result.records) nextRecords.set(key, entry);
  return { accounts: new Map([...accounts, ...result.changed]), records: nextRecords };
}

/** A shard's receipt totals as `records` hold them. */
export function receiptTotals(records: RecordMap): { sent: bigint; consumed: bigint } {
  const read = (t: ReceiptTotal) =>
    decodeReceiptTotal(
      records.get(recordKeyHex({ namespace: RecordNamespace.ReceiptTotal, id: receiptTotalRecordId(t) }))
        ?.value ?? null,
    );
  return { sent: read(ReceiptTotal.Sent), consumed: read(ReceiptTotal.Consumed) };
}

/** The invariant a shard keeps: Σ balances + sent total − consumed total. */
export function supplyOf(accounts: AccountMap, records: RecordMap): bigint {
  let sum = 0n;
  for (const a of accounts.values()) sum += a.balance;
  const { sent, consumed } = receiptTotals(records);
  return sum + sent - consumed;
}

/** The main chain's Chain record of worker chain `chainId` (only `shardsAddedAt` matters to receipts). */
export function chainRecord(chainId: number, shardsAddedAt: number[]): RecordEntry {
  const schema = text(`schema of chain ${chainId}`);
  const value = encodeChainEntry({
    chainId,
    name: `chain-${chainId}`,
    owner: new Uint8Array(32).fill(7),
    schema,
    schemaHash: sha256(schema),
    version: 1,
    shardsAddedAt,
    registeredHeight: shardsAddedAt[0] ?? 0,
    updatedHeight: shardsAddedAt[shardsAddedAt.length - 1] ?? 0,
  });
  return { namespace: RecordNamespace.Chain, id: chainRecordId(chainId), value };
}

/** The main chain's AnchoredHeader record of block `height` of `source`, with the outbox `receipts`. */
export function anchoredHeaderRecord(
  source: ShardRef,
  height: number,
  receipts: readonly Receipt[],
  anchoredAt: number,
): RecordEntry {
  const value = encodeAnchoredHeaderEntry({
    hash: sha256(text(`header ${blockKey(source, height)}`)),
    stateRoot: new Uint8Array(32).fill(3),
    receiptRoot: outboxRoot(receipts),
    epoch: 0,
    anchoredAt,
  });
  return {
    namespace: RecordNamespace.AnchoredHeader,
    id: anchoredHeaderRecordId(source.chainId, source.shard, height),
    value,
  };
}
