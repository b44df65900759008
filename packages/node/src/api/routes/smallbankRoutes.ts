import { bytesToHex } from "@vshard/crypto";
import { type ShardChain, stateProofToJson } from "@vshard/engine";
import { subAccountToText } from "@vshard/types";
import type { FastifyRequest } from "fastify";
import type { ApiContext, RouteDefinition } from "../routeDefinition.ts";
import { addressParamSchema, servedSubAccount } from "./addressParam.ts";
import { chainIdParam, hostedShardOf, networkOf, shardParam } from "./networkScope.ts";

/** A Smallbank customer of `chain` with its proof against the head's state root. */
async function customerJson(chain: ShardChain, params: unknown, servedBy: "node" | "route") {
  const sub = servedSubAccount(params, chain, servedBy);
  const { record, proof, head } = await chain.getSmallbankWithProof(sub.address);
  return {
    address: subAccountToText(sub),
    checking: record.checking.toString(),
    savings: record.savings.toString(),
    height: head.height,
    stateRoot: bytesToHex(head.stateRoot),
    proof: stateProofToJson(proof),
  };
}

/**
 * Smallbank customers: their checking and savings, kept in the shard's state tree beside the accounts; on the default
 * chain (`/v1/smallbank/:address`) and in each chain shard a network node runs.
 */
export function smallbankRoutes(ctx: ApiContext): RouteDefinition[] {
  return [
    {
      method: "GET",
      url: "/v1/smallbank/:address",
      operationId: "getSmallbankCustomer",
      summary:
        "Checking and savings of a Smallbank customer (vs… or vs…@shard; zeros when never written) with the proof against the head's state root",
      schema: { params: addressParamSchema },
      handler: (req: FastifyRequest) => customerJson(ctx.chain, req.params, "node"),
    },
    {
      method: "GET",
      url: "/v1/chains/:chainId/shards/:shard/smallbank/:address",
      operationId: "getShardSmallbankCustomer",
      summary:
        "Checking and savings of a Smallbank customer (vs… or vs…@shard; zeros when never written) with the proof against the head's state root of a chain shard this node runs",
      schema: {
        params: {
          type: "object",
          required: ["chainId", "shard", "address"],
          properties: { chainId: chainIdParam, shard: shardParam, ...addressParamSchema.properties },
        },
      },
      handler: async (req: FastifyRequest) =>
        customerJson((await hostedShardOf(networkOf(ctx), req.params)).chain, req.params, "route"),
    },
  ];
}
