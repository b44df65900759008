import type { Receipt, ShardRef } from "@vshard/types";
import { MAIN_CHAIN_ID } from "../registry/options.ts";

/** The main chain's only shard: the router of every receipt that cannot go straight to its destination. */
export const MAIN_SHARD: Readonly<ShardRef> = Object.freeze({ chainId: MAIN_CHAIN_ID, shard: 0 });

/**
 * Where a receipt is consumed, from data every node agrees on: straight at its destination when that is the main
 * chain, when it comes from the main chain, or when it is another shard of the source's own chain that existed when
 * the source block was anchored (`destinationAddedAt` ≤ `anchoredAt`); otherwise at the main chain, the router, which
 * forwards it to another chain or refunds it. Exactly one shard may consume a receipt, so that it is spent once: the
 * destination refuses what this sends to the router, and the router refuses what this sends to the destination.
 */
export function receiptDeliveryPoint(
  receipt: Receipt,
  anchoredAt: number,
  destinationAddedAt: number | null,
): ShardRef {
  const { source, destination } = receipt;
  if (source.chainId === MAIN_CHAIN_ID) return destination;
  if (destination.chainId === MAIN_CHAIN_ID) return MAIN_SHARD;
  if (destination.chainId !== source.chainId) return MAIN_SHARD;
  return destinationAddedAt !== null && destinationAddedAt <= anchoredAt ? destination : MAIN_SHARD;
}

/**
 * What the main chain does with a receipt it consumes: credits it when it is for the main chain's shard, forwards it
 * to a worker shard of another chain that exists (`destinationAddedAt` not null), refunds it to its sender otherwise
 * (unknown chain or shard, a shard added after the source block was anchored, a main-chain shard other than 0).
 */
export function routerAction(
  receipt: Receipt,
  destinationAddedAt: number | null,
): "credit" | "forward" | "refund" {
  const { source, destination } = receipt;
  if (destination.chainId === MAIN_CHAIN_ID) return destination.shard === 0 ? "credit" : "refund";
  if (destination.chainId !== source.chainId && destinationAddedAt !== null) return "forward";
  return "refund";
}
