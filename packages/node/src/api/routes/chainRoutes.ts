import { bytesToHex, hexToBytes } from "@vshard/crypto";
import { type ShardChain, stateProofToJson } from "@vshard/engine";
import { type Account, addressToText, subAccountToText } from "@vshard/types";
import type { FastifyRequest } from "fastify";
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

/** The head of a chain shard: its last committed block, its last final height and its mempool's size. */
export function headToJson(chain: ShardChain) {
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
}

/**
 * Which chain shard a set of read routes serves: the node's default chain under `/v1`, or the shard a network node's
 * `/v1/chains/:chainId/shards/:shard` names. One `chainReadRoutes` builds the routes of both.
 */
export interface ChainScope {
  /** Prefix of every URL, e.g. `/v1` or `/v1/chains/:chainId/shards/:shard`. */
  urlPrefix: string;
  /** Inserted after the verb of each operation id (`get${infix}Head`): empty for the default chain. */
  operationInfix: string;
  /** Appended to each summary (says which chain the route reads). */
  summarySuffix: string;
  /** Params the prefix declares (JSON schema properties), required. */
  params: Record<string, object>;
  /** The chain shard a request reads; throws an `ApiError` when it names none this node serves. */
  resolve(req: FastifyRequest): Promise<ShardChain>;
  /** How a 404 for an address of another shard names the shard served: "this node" or "this route". */
  servedBy: "node" | "route";
}

/** Params schema of a scoped route: the scope's params plus the route's own. */
function paramsOf(scope: ChainScope, own: Record<string, object>) {
  const properties = { ...scope.params, ...own };
  return { type: "object", required: Object.keys(properties), properties };
}

/** Head, blocks and accounts of the chain shard a scope names. */
export function chainReadRoutes(scope: ChainScope): RouteDefinition[] {
  const { urlPrefix: prefix, operationInfix: infix, summarySuffix: suffix } = scope;
  return [
    {
      method: "GET",
      url: `${prefix}/head`,
      operationId: `get${infix}Head`,
      summary: `The last committed block and the last final height${suffix}`,
      schema: Object.keys(scope.params).length > 0 ? { params: paramsOf(scope, {}) } : {},
      async handler(req) {
        return headToJson(await scope.resolve(req));
      },
    },
    {
      method: "GET",
      url: `${prefix}/blocks/:id`,
      operationId: `get${infix}Block`,
      summary: `A committed block by height (decimal) or hash (64 hex digits); ?txs=full for whole transactions${suffix}`,
      schema: {
        params: paramsOf(scope, { id: { type: "string", pattern: "^([0-9]{1,15}|[0-9a-f]{64})$" } }),
        querystring: { type: "object", properties: { txs: { type: "string", enum: ["hashes", "full"] } } },
      },
      async handler(req) {
        const chain = await scope.resolve(req);
        const { id } = req.params as { id: string };
        const { txs } = req.query as { txs?: string };
        const block = await chain.getBlock(id.length === 64 ? hexToBytes(id) : Number(id));
        if (!block) throw new ApiError(404, "BLOCK_NOT_FOUND", `no committed block ${id}`);
        return blockToJson(block, txs === "full");
      },
    },
    {
      method: "GET",
      url: `${prefix}/accounts/:address`,
      operationId: `get${infix}Account`,
      summary: `Balance, nonce, staking and inclusion proof of an account (vs… or vs…@shard) against the head's state root${suffix}`,
      schema: { params: paramsOf(scope, addressParamSchema.properties) },
      async handler(req) {
        const chain = await scope.resolve(req);
        const sub = servedSubAccount(req.params, chain, scope.servedBy);
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

/** Head, blocks and accounts of the node's default chain (a network node's main chain). */
export function chainRoutes(ctx: ApiContext): RouteDefinition[] {
  return chainReadRoutes({
    urlPrefix: "/v1",
    operationInfix: "",
    summarySuffix: "",
    params: {},
    resolve: async () => ctx.chain,
    servedBy: "node",
  });
}
