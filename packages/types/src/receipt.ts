import { ADDRESS_LENGTH, MAX_CHAIN_ID, MAX_SHARD_ID } from "./address.ts";
import {
  amountToWire,
  decodeTuple,
  encodeTuple,
  expectAmount,
  expectBytes,
  expectTuple,
  expectUint,
} from "./codec.ts";

/** Where a receipt comes from or goes to: a shard of a chain. */
export interface ShardRef {
  chainId: number;
  shard: number;
}

/**
 * A cross-shard receipt, appended to the source block's outbox: the destination shard credits
 * `amount` to `to` once the source header is anchored. `id` is the hash of the tx that made it.
 */
export interface Receipt {
  id: Uint8Array;
  from: Uint8Array;
  to: Uint8Array;
  amount: bigint;
  source: ShardRef;
  destination: ShardRef;
}

/** Canonical tuple of a shard reference: [chainId, shard]. */
export function shardRefToTuple(ref: ShardRef): unknown[] {
  return [ref.chainId, ref.shard];
}

/** Reads a shard reference from its tuple; `what` names the field in errors. */
export function shardRefFromTuple(value: unknown, what: string): ShardRef {
  const [chainId, shard] = expectTuple(value, 2, what);
  return {
    chainId: expectUint(chainId, `${what}.chainId`, MAX_CHAIN_ID),
    shard: expectUint(shard, `${what}.shard`, MAX_SHARD_ID),
  };
}

/** Whether two shard references name the same shard. */
export function sameShard(a: ShardRef, b: ShardRef): boolean {
  return a.chainId === b.chainId && a.shard === b.shard;
}

/** Canonical tuple of a receipt: [id, from, to, amount, source, destination]. */
export function receiptToTuple(r: Receipt): unknown[] {
  return [
    r.id,
    r.from,
    r.to,
    amountToWire(r.amount),
    shardRefToTuple(r.source),
    shardRefToTuple(r.destination),
  ];
}

/** Reads a receipt from its tuple; `what` names the field in errors. */
export function receiptFromTuple(value: unknown, what = "receipt"): Receipt {
  const [id, from, to, amount, source, destination] = expectTuple(value, 6, what);
  return {
    id: expectBytes(id, `${what}.id`, 32),
    from: expectBytes(from, `${what}.from`, ADDRESS_LENGTH),
    to: expectBytes(to, `${what}.to`, ADDRESS_LENGTH),
    amount: expectAmount(amount, `${what}.amount`),
    source: shardRefFromTuple(source, `${what}.source`),
    destination: shardRefFromTuple(destination, `${what}.destination`),
  };
}

/** Canonical bytes: [id, from, to, amount, source, destination]. */
export function encodeReceipt(r: Receipt): Uint8Array {
  return encodeTuple(receiptToTuple(r));
}

/** Decodes a receipt; malformed bytes throw `CodecError`. */
export function decodeReceipt(bytes: Uint8Array): Receipt {
  return receiptFromTuple(decodeTuple(bytes, 6, "receipt"));
}
