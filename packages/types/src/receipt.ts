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

function refToTuple(ref: ShardRef): unknown[] {
  return [ref.chainId, ref.shard];
}

function refFromTuple(value: unknown, what: string): ShardRef {
  const [chainId, shard] = expectTuple(value, 2, what);
  return {
    chainId: expectUint(chainId, `${what}.chainId`, MAX_CHAIN_ID),
    shard: expectUint(shard, `${what}.shard`, MAX_SHARD_ID),
  };
}

/** Canonical bytes: [id, from, to, amount, source, destination]. */
export function encodeReceipt(r: Receipt): Uint8Array {
  return encodeTuple([
    r.id,
    r.from,
    r.to,
    amountToWire(r.amount),
    refToTuple(r.source),
    refToTuple(r.destination),
  ]);
}

/** Decodes a receipt; malformed bytes throw `CodecError`. */
export function decodeReceipt(bytes: Uint8Array): Receipt {
  const [id, from, to, amount, source, destination] = decodeTuple(bytes, 6, "receipt");
  return {
    id: expectBytes(id, "receipt.id", 32),
    from: expectBytes(from, "receipt.from", ADDRESS_LENGTH),
    to: expectBytes(to, "receipt.to", ADDRESS_LENGTH),
    amount: expectAmount(amount, "receipt.amount"),
    source: refFromTuple(source, "receipt.source"),
    destination: refFromTuple(destination, "receipt.destination"),
  };
}
