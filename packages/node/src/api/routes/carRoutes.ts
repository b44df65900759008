import { bytesToHex } from "@vshard/crypto";
import { DlfsError, type DlfsErrorCode } from "@vshard/storage";
import type { Block } from "@vshard/types";
import { CarExportError, type CarExportErrorCode, exportCar } from "../../dlfs/carExport.ts";
import { readCarBlocks } from "../../dlfs/carImport.ts";
import { ImportError, type ImportErrorCode } from "../../dlfs/importError.ts";
import { ApiError } from "../apiError.ts";
import type { HostedShard } from "../networkView.ts";
import type { ApiContext, RouteDefinition } from "../routeDefinition.ts";
import {
  chainIdParam,
  hostedShardOf,
  networkOf,
  type ShardParams,
  shardParam,
  shardParamsSchema,
} from "./networkScope.ts";

/** Media type of CAR files (IPFS's registration). */
/**
 * 256 MiB: a CAR is read whole before it is checked, so this bounds the memory one import takes; it holds a few
 * hundred full blocks (~0.5 MiB packed each) — larger ranges are imported in several files.
 */
const MAX_CAR_IMPORT_BYTES = 256 * 1024 * 1024;

export const CAR_CONTENT_TYPE = "application/vnd.ipld.car";

/**
 * HTTP status of each refusal: a CAR that does not verify, or blocks the chain refuses, 422; blocks that contradict
 * or do not reach the committed chain 409; a bad range 400; an exporter whose own data disagrees 500. A code not
 * listed (a later DLFS check) is a file that does not verify: 422.
 */
const STATUS: Partial<Record<DlfsErrorCode | ImportErrorCode | CarExportErrorCode, number>> = {
  DLFS_ERROR_BAD_CAR: 422,
  DLFS_ERROR_BAD_MANIFEST: 422,
  DLFS_ERROR_BODY_MISMATCH: 422,
  DLFS_ERROR_BAD_CID: 422,
  DLFS_ERROR_CID_MISMATCH: 422,
  DLFS_ERROR_UNAVAILABLE: 503,
  IMPORT_ERROR_BAD_CERTIFICATE: 422,
  IMPORT_ERROR_INVALID_BLOCK: 422,
  IMPORT_ERROR_CONFLICT: 409,
  IMPORT_ERROR_GAP: 409,
  IMPORT_ERROR_NODE_ONLINE: 409,
  CAR_EXPORT_ERROR_BAD_RANGE: 400,
  CAR_EXPORT_ERROR_MISSING_BLOCK: 500,
  CAR_EXPORT_ERROR_LAYOUT_MISMATCH: 500,
};

/** The `ApiError` of a CAR refusal; anything else is returned unchanged. */
function carApiError(err: unknown): unknown {
  if (err instanceof ImportError && err.type.applied > 0)
    return new ApiError(
      STATUS[err.code] ?? 422,
      err.code,
      `${err.message} (the ${err.type.applied} blocks before it were committed)`,
    );
  if (err instanceof DlfsError || err instanceof ImportError || err instanceof CarExportError)
    return new ApiError(STATUS[err.code] ?? 422, err.code, err.message);
  return err;
}

/** What `POST /v1/car` answers. */
export interface CarImportResult {
  chainId: number;
  shard: number;
  from: number;
  to: number;
  applied: number;
  known: number;
  head: { height: number; hash: string; stateRoot: string };
}

/**
 * CAR export and import of block ranges: `GET …/car?from=&to=` writes a chain shard's committed blocks as a CAR v1
 * file (`exportCar`); `POST /v1/car` verifies one (`readCarBlocks`) and commits its blocks on the hosted chain shard
 * its index names (`HostedShard.importBlocks`).
 */
export function carRoutes(ctx: ApiContext): RouteDefinition[] {
  return [
    {
      method: "GET",
      url: "/v1/chains/:chainId/shards/:shard/car",
      operationId: "exportCar",
      summary:
        "Committed blocks from..to of a chain shard (at most 1,000) as a CAR v1 file (application/vnd.ipld.car): its " +
        "root is an index of the header CIDs; each block's header, body manifest and chunks follow",
      schema: {
        params: shardParamsSchema,
        querystring: {
          type: "object",
          required: ["from", "to"],
          properties: { from: { type: "integer", minimum: 1 }, to: { type: "integer", minimum: 1 } },
          additionalProperties: false,
        },
      },
      async handler(req, reply) {
        const hosted = await hostedShardOf(networkOf(ctx), req.params);
        const { chainId, shard } = req.params as ShardParams;
        const { from, to } = req.query as { from: number; to: number };
        const bytes = await exportCar(hosted.chain, from, to).catch((err) => {
          throw carApiError(err);
        });
        return reply
          .type(CAR_CONTENT_TYPE)
          .header(
            "content-disposition",
            `attachment; filename="vshard-${chainId}-${shard}-${from}-${to}.car"`,
          )
          .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      },
    },
    {
      method: "POST",
      bodyLimit: MAX_CAR_IMPORT_BYTES,
      url: "/v1/car",
      operationId: "importCar",
      summary:
        "Import a CAR v1 file of blocks (as GET …/car writes it) into the chain shard its index names: the file is " +
        "verified whole first, then each new block's certificate and re-execution; answers " +
        "{chainId, shard, from, to, applied, known, head}",
      bodyContentTypes: [CAR_CONTENT_TYPE],
      schema: {
        querystring: {
          type: "object",
          properties: { chainId: chainIdParam, shard: shardParam },
          dependencies: { chainId: ["shard"], shard: ["chainId"] },
          additionalProperties: false,
        },
        body: { content: { [CAR_CONTENT_TYPE]: { schema: {} } } },
      },
      async handler(req): Promise<CarImportResult> {
        if (!Buffer.isBuffer(req.body))
          throw new ApiError(
            415,
            "API_ERROR_UNSUPPORTED_MEDIA_TYPE",
            `send the CAR file's bytes with content-type ${CAR_CONTENT_TYPE}`,
          );
        const network = networkOf(ctx);
        const expect = req.query as Partial<ShardParams>;
        // The shard the caller names is looked up before the file is read, so a wrong node answers at once.
        const named = expect.chainId === undefined ? null : await hostedShardOf(network, expect);
        try {
          const blocks = readCarBlocks(
            req.body,
            expect.chainId === undefined ? undefined : (expect as ShardParams),
          );
          const { chainId, shard, height: from } = blocks[0].header;
          const to = blocks[blocks.length - 1].header.height;
          const hosted = named ?? (await hostedShardOf(network, { chainId, shard }));
          const { applied, known } = await importInto(hosted, chainId, shard, blocks);
          const head = hosted.chain.head();
          return {
            chainId,
            shard,
            from,
            to,
            applied,
            known,
            head: { height: head.height, hash: bytesToHex(head.hash), stateRoot: bytesToHex(head.stateRoot) },
          };
        } catch (err) {
          throw carApiError(err);
        }
      },
    },
  ];
}

/** Imports into a hosted shard; 501 when the shard's host cannot import (a hosted shard without `importBlocks`). */
function importInto(
  hosted: HostedShard,
  chainId: number,
  shard: number,
  blocks: Block[],
): Promise<{ applied: number; known: number }> {
  if (!hosted.importBlocks)
    throw new ApiError(
      501,
      "API_ERROR_IMPORT_UNSUPPORTED",
      `this node cannot import blocks into chain ${chainId} shard ${shard}`,
    );
  return hosted.importBlocks(blocks);
}
