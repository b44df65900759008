import type { ShardChain } from "@vshard/engine";
import { AddressError, parseSubAccount, type SubAccount } from "@vshard/types";
import { ApiError } from "../apiError.ts";

/** Params schema of a route keyed by an address (`vs…` or `vs…@shard`). */
export const addressParamSchema = {
  type: "object",
  properties: { address: { type: "string", maxLength: 128 } },
} as const;

/**
 * The sub-account named by the `address` param (`vs…`: the chain's shard); a malformed address is a 400 with its
 * `ADDRESS_ERROR_*` code, another shard a 404 `SHARD_NOT_SERVED` whose message names what serves `chain`: the node
 * (its default chain) or the route (a `/v1/chains/:chainId/shards/:shard` route).
 */
export function servedSubAccount(
  params: unknown,
  chain: ShardChain,
  servedBy: "node" | "route" = "node",
): SubAccount {
  const { address: text } = params as { address: string };
  let sub: SubAccount;
  try {
    sub = parseSubAccount(text, chain.opts.shard);
  } catch (err) {
    if (err instanceof AddressError) throw new ApiError(400, err.code, err.message);
    throw err;
  }
  if (sub.shard !== chain.opts.shard)
    throw new ApiError(
      404,
      "SHARD_NOT_SERVED",
      servedBy === "node"
        ? `this node serves shard ${chain.opts.shard}, not shard ${sub.shard}`
        : `this route reads chain ${chain.opts.chainId} shard ${chain.opts.shard}, not shard ${sub.shard}; use /v1/chains/${chain.opts.chainId}/shards/${sub.shard}/accounts/...`,
    );
  return sub;
}
