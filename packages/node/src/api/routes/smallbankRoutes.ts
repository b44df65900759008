import { bytesToHex } from "@vshard/crypto";
import { stateProofToJson } from "@vshard/engine";
import { subAccountToText } from "@vshard/types";
import type { ApiContext, RouteDefinition } from "../routeDefinition.ts";
import { addressParamSchema, servedSubAccount } from "./addressParam.ts";

/** Smallbank customers: their checking and savings, kept in the shard's state tree beside the accounts. */
export function smallbankRoutes(ctx: ApiContext): RouteDefinition[] {
  const { chain } = ctx;
  return [
    {
      method: "GET",
      url: "/v1/smallbank/:address",
      operationId: "getSmallbankCustomer",
      summary:
        "Checking and savings of a Smallbank customer (vs… or vs…@shard; zeros when never written) with the proof against the head's state root",
      schema: { params: addressParamSchema },
      async handler(req) {
        const sub = servedSubAccount(req.params, chain);
        const { record, proof, head } = await chain.getSmallbankWithProof(sub.address);
        return {
          address: subAccountToText(sub),
          checking: record.checking.toString(),
          savings: record.savings.toString(),
          height: head.height,
          stateRoot: bytesToHex(head.stateRoot),
          proof: stateProofToJson(proof),
        };
      },
    },
  ];
}
