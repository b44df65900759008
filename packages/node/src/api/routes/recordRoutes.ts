import { bytesToHex } from "@vshard/crypto";
import { decodeSchemaRecordValue, schemaRecordIdForKey, stateProofToJson } from "@vshard/engine";
import { decodeRecord, getRecordType, RecordNamespace, recordToJson } from "@vshard/types";
import { ApiError } from "../apiError.ts";
import type { ApiContext, RouteDefinition } from "../routeDefinition.ts";
import { chainIdParam, hostedShardOf, networkOf, type ShardParams, shardParam } from "./networkScope.ts";

const recordParamsSchema = {
  type: "object",
  required: ["chainId", "shard", "type", "key"],
  properties: {
    chainId: chainIdParam,
    shard: shardParam,
    type: { type: "string", minLength: 1, maxLength: 64 },
    key: { type: "string", minLength: 1, maxLength: 1024 },
  },
} as const;

/**
 * The JSON value of a record key given as URL text: a number for an integer key field when the text is one (so that
 * the schema judges its range), the text itself otherwise (strings, addresses, hex bytes, tx hashes of keyless types).
 */
function keyJsonOf(fieldType: string | undefined, text: string): string | number {
  if ((fieldType === "uint" || fieldType === "int") && /^-?[0-9]{1,16}$/.test(text)) return Number(text);
  return text;
}

/** Records of worker-chain shards, the types their schemas declare. */
export function recordRoutes(ctx: ApiContext): RouteDefinition[] {
  return [
    {
      method: "GET",
      url: "/v1/chains/:chainId/shards/:shard/records/:type/:key",
      operationId: "getRecord",
      summary:
        "The current record of a type and key in a worker chain shard (a keyless type: the hash of the tx that wrote " +
        "it), with the tx and height that wrote it and its inclusion proof against the head's state root",
      schema: { params: recordParamsSchema },
      async handler(req) {
        const hosted = await hostedShardOf(networkOf(ctx), req.params);
        const { chainId, shard, type, key } = req.params as ShardParams & { type: string; key: string };
        const { schema } = hosted.chain.opts;
        if (!schema)
          throw new ApiError(
            400,
            "API_ERROR_NO_RECORD_TYPES",
            `chain ${chainId} shard ${shard} has no record types: records live in worker chains`,
          );
        const spec = getRecordType(schema, type);
        const keyField = spec.fields.find((f) => f.name === spec.key);
        const id = schemaRecordIdForKey(schema, type, keyJsonOf(keyField?.type, key));
        const { value, proof, head } = await hosted.chain.getRecord(RecordNamespace.SchemaRecord, id);
        if (value === null)
          throw new ApiError(
            404,
            "RECORD_NOT_FOUND",
            `no '${type}' record with key ${key} in chain ${chainId} shard ${shard} at height ${head.height}`,
          );
        const stored = decodeSchemaRecordValue(value);
        return {
          chainId,
          shard,
          recordType: type,
          key,
          record: recordToJson(schema, type, decodeRecord(schema, type, stored.record)),
          txHash: bytesToHex(stored.txHash),
          height: stored.height,
          proof: stateProofToJson(proof),
          head: { height: head.height, hash: bytesToHex(head.hash), stateRoot: bytesToHex(head.stateRoot) },
        };
      },
    },
  ];
}
