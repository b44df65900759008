import { bytesToHex, hexToBytes } from "@vshard/crypto";
import { stateProofToJson } from "@vshard/engine";
import { type Account, addressToText, subAccountToText } from "@vshard/types";
import { ApiError } from "../apiError.ts";
import { blockToJson } from "../blockJson.ts";
import type { ApiContext, RouteDefinition } from "../routeDefinition.ts";
import { addressParamSchema, servedSubAccount } from "./addressParam.ts";

/** The `staking` field of an account's JSON, present when the account has staked, voted or is a candidate. */
export function stakingToJson(account: Account): {
  staking?: { stake: string; votes: string[]; candidate: boolean; votesReceived: string };
} {
  const s = account.staking;
  if (!s) return {};
  return {
    staking: {
      stake: s.stake.toString(),
      votes: s.votes.map(addressToText),
      candidate: s.candidate,
      votesReceived: s.votesReceived.toString(),
    },
  };
}

/** Head, blocks and accounts of the node's chain. */
export function chainRoutes(ctx: ApiContext): RouteDefinition[] {
  const { chain } = ctx;
  return [
    {
      method: "GET",
      url: "/v1/head",
      operationId: "getHead",
      summary: "The last committed block and the last final height",
      schema: {},
      async handler() {
        const head = chain.head();
        return {
          chainId: chain.opts.chainId,
          shard: chain.opts.shard,
          height: head.height,
          hash: bytesToHex(head.hash),
          stateRoot: bytesToHex(head.stateRoot),
          finalizedHeight: chain.finalizedHeight(),
          mempoolTxs: chain.mempool.size(),
        };
      },
    },
    {
      method: "GET",
      url: "/v1/blocks/:id",
      operationId: "getBlock",
      summary:
        "A committed block by height (decimal) or hash (64 hex digits); ?txs=full for whole transactions",
      schema: {
        params: {
          type: "object",
          properties: { id: { type: "string", pattern: "^([0-9]{1,15}|[0-9a-f]{64})$" } },
        },
        querystring: { type: "object", properties: { txs: { type: "string", enum: ["hashes", "full"] } } },
      },
      async handler(req) {
        const { id } = req.params as { id: string };
        const { txs } = req.query as { txs?: string };
        const block = await chain.getBlock(id.length === 64 ? hexToBytes(id) : Number(id));
        if (!block) throw new ApiError(404, "BLOCK_NOT_FOUND", `no committed block ${id}`);
        return blockToJson(block, txs === "full");
      },
    },
    {
      method: "GET",
      url: "/v1/accounts/:address",
      operationId: "getAccount",
      summary:
        "Balance, nonce, staking and inclusion proof of an account (vs… or vs…@shard) against the head's state root",
      schema: { params: addressParamSchema },
      async handler(req) {
        const sub = servedSubAccount(req.params, chain);
        const { account, proof, head } = await chain.getAccountWithProof(sub.address);
        return {
          address: subAccountToText(sub),
          balance: account.balance.toString(),
          nonce: account.nonce,
          ...stakingToJson(account),
          pendingTxs: chain.mempool.pendingOf(bytesToHex(sub.address)).length,
          height: head.height,
          stateRoot: bytesToHex(head.stateRoot),
          proof: stateProofToJson(proof),
        };
      },
    },
  ];
}
