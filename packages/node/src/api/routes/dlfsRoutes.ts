import { bytesToHex, hexToBytes } from "@vshard/crypto";
import { cidToString } from "@vshard/storage";
import { verifyTxInclusion } from "@vshard/types";
import { ApiError } from "../apiError.ts";
import { headerToJson } from "../blockJson.ts";
import type { DlfsView, TxProofAnswer } from "../dlfsView.ts";
import type { RouteDefinition } from "../routeDefinition.ts";
import { signedTxToJson } from "../txJson.ts";
import { chainIdParam, shardParam } from "./networkScope.ts";

function dlfsOf(dlfs: DlfsView | null): DlfsView {
  if (!dlfs)
    throw new ApiError(404, "API_ERROR_NO_DLFS", "this node has no DLFS (no storage nodes configured)");
  return dlfs;
}

/** JSON form of a served inclusion proof, checked once more before it leaves (`verified`). */
export function txProofToJson(a: TxProofAnswer) {
  const { proof, body } = a;
  return {
    chainId: proof.header.chainId,
    shard: proof.header.shard,
    height: proof.header.height,
    blockHash: bytesToHex(a.blockHash),
    txHash: bytesToHex(proof.txHash),
    index: proof.proof.index,
    leafCount: proof.proof.leafCount,
    siblings: proof.proof.siblings.map(bytesToHex),
    txRoot: bytesToHex(proof.header.txRoot),
    verified: verifyTxInclusion(proof, a.blockHash),
    header: headerToJson(proof.header),
    tx: signedTxToJson(a.tx),
    body:
      body.from === "local"
        ? { from: "local" }
        : {
            from: "dlfs",
            cid: cidToString(proof.header.bodyCid),
            objects: body.report.objects,
            skipped: body.report.skipped,
          },
  };
}

/** The DLFS's figures, and transaction inclusion proofs (a light node's bodies come from the DLFS). */
export function dlfsRoutes(dlfs: DlfsView | null): RouteDefinition[] {
  return [
    {
      method: "GET",
      url: "/v1/dlfs/stats",
      operationId: "getDlfsStats",
      summary:
        "The DLFS: bytes stored on all storage nodes (every copy), chunk copies, compression ratio of stored bodies, " +
        "objects under-replicated at the last repair passes, copies repaired, and each storage node's figures",
      schema: {},
      handler: async () => dlfsOf(dlfs).stats(),
    },
    {
      method: "GET",
      url: "/v1/chains/:chainId/shards/:shard/blocks/:height/proof",
      operationId: "getTxProof",
      summary:
        "Inclusion proof of a tx in a block: the header, the tx, its Merkle path to the header's tx root, and where " +
        "the body came from (a light node fetches it from the DLFS, skipping corrupt or unreachable replicas)",
      schema: {
        params: {
          type: "object",
          required: ["chainId", "shard", "height"],
          properties: { chainId: chainIdParam, shard: shardParam, height: { type: "integer", minimum: 0 } },
        },
        querystring: {
          type: "object",
          required: ["tx"],
          properties: { tx: { type: "string", pattern: "^[0-9a-f]{64}$" } },
          additionalProperties: false,
        },
      },
      async handler(req) {
        const { chainId, shard, height } = req.params as { chainId: number; shard: number; height: number };
        const { tx } = req.query as { tx: string };
        return txProofToJson(await dlfsOf(dlfs).txProof(chainId, shard, height, hexToBytes(tx)));
      },
    },
  ];
}
