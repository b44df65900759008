import {
  BLS_PUBLIC_KEY_LENGTH,
  BLS_SIGNATURE_LENGTH,
  bytesToHex,
  ECVRF_PROOF_LENGTH,
  ECVRF_PUBLIC_KEY_LENGTH,
  hexToBytes,
} from "@vshard/crypto";
import {
  CodecError,
  decodeHeader,
  decodeSchema,
  EpochProofPurpose,
  encodeHeader,
  encodeSchema,
  type JsonValue,
  LedgerError,
  MAX_RECORD_BYTES,
  MAX_RECORD_TYPES,
  MAX_SCHEMA_BYTES,
  parseWorkerChainSchema,
  SchemaError,
  schemaToJson,
  type Tx,
  TxKind,
  type TxOfKind,
} from "@vshard/types";
import { ApiError } from "./apiError.ts";
import type { TxJsonFields } from "./txJson.ts";

/** The JSON names of the epoch-proof purposes, by purpose number. */
export const EPOCH_PROOF_PURPOSE_NAMES = {
  [EpochProofPurpose.Seed]: "seed",
  [EpochProofPurpose.Sortition]: "sortition",
} as const satisfies Record<EpochProofPurpose, string>;

/** An epoch-proof purpose's JSON name. */
export type EpochProofPurposeName = (typeof EPOCH_PROOF_PURPOSE_NAMES)[EpochProofPurpose];

const PURPOSE_BY_NAME = new Map(
  Object.entries(EPOCH_PROOF_PURPOSE_NAMES).map(([p, name]) => [
    name as string,
    Number(p) as EpochProofPurpose,
  ]),
);

/**
 * A worker-chain schema in a JSON tx: the schema's JSON form (as in examples/gpu-rental.json). A GET of a tx whose
 * schema bytes do not decode shows `{schemaHex}` instead (read only: POST takes the JSON form).
 */
export type SchemaPayloadJson = { schema: { [key: string]: JsonValue } } | { schemaHex: string };

/** A register-validator tx as JSON: keys in hex, the deposit a decimal string. */
export type RegisterValidatorTxJson = TxJsonFields & {
  kind: "register-validator";
  payload: { blsPublicKey: string; blsProofOfPossession: string; vrfPublicKey: string; deposit: string };
};
/** A register-chain tx as JSON. */
export type RegisterChainTxJson = TxJsonFields & { kind: "register-chain"; payload: SchemaPayloadJson };
/** An update-chain tx as JSON. */
export type UpdateChainTxJson = TxJsonFields & {
  kind: "update-chain";
  payload: { chainId: number } & SchemaPayloadJson;
};
/** A record tx as JSON: the record type's index in the schema and the hex of `encodeRecord`. */
export type RecordTxJson = TxJsonFields & { kind: "record"; payload: { recordType: number; record: string } };
/** An anchor tx as JSON: the hex of `encodeHeader(header)`, certificate included. */
export type AnchorTxJson = TxJsonFields & { kind: "anchor"; payload: { header: string } };
/** An epoch-proof tx as JSON: the proof in hex. */
export type EpochProofTxJson = TxJsonFields & {
  kind: "epoch-proof";
  payload: { epoch: number; purpose: EpochProofPurposeName; proof: string };
};

/** The JSON txs of the main-chain kinds (and of worker-chain records). */
export type MainChainTxJson =
  | RegisterValidatorTxJson
  | RegisterChainTxJson
  | UpdateChainTxJson
  | RecordTxJson
  | AnchorTxJson
  | EpochProofTxJson;

/** The txs `MainChainTxJson` stands for. */
export type MainChainTx = TxOfKind<
  | TxKind.RegisterValidator
  | TxKind.RegisterChain
  | TxKind.UpdateChain
  | TxKind.Record
  | TxKind.Anchor
  | TxKind.EpochProof
>;

/** The fields every tx has, read from JSON. */
export type TxCommonFields = Pick<Tx, "chainId" | "shard" | "sender" | "nonce" | "fee">;

const hexOf = (bytes: number) => `^[0-9a-f]{${bytes * 2}}$`;
const HEX = "^([0-9a-f]{2})+$";
const schemaObject = { type: "object", description: "worker-chain schema, JSON form" } as const;

/** The payload schema of each main-chain kind (merged into `txJsonSchema`). */
export const mainChainPayloadSchemas = {
  "register-validator": {
    type: "object",
    required: ["blsPublicKey", "blsProofOfPossession", "vrfPublicKey", "deposit"],
    additionalProperties: false,
    properties: {
      blsPublicKey: { type: "string", pattern: hexOf(BLS_PUBLIC_KEY_LENGTH), description: "BLS G1 key, hex" },
      blsProofOfPossession: {
        type: "string",
        pattern: hexOf(BLS_SIGNATURE_LENGTH),
        description: "BLS proof of possession of the key, hex",
      },
      vrfPublicKey: {
        type: "string",
        pattern: hexOf(ECVRF_PUBLIC_KEY_LENGTH),
        description: "ECVRF key, hex",
      },
      deposit: { type: "string", pattern: "^(0|[1-9][0-9]{0,19})$", description: "decimal amount" },
    },
  },
  "register-chain": {
    type: "object",
    required: ["schema"],
    additionalProperties: false,
    properties: { schema: schemaObject },
  },
  "update-chain": {
    type: "object",
    required: ["chainId", "schema"],
    additionalProperties: false,
    properties: { chainId: { type: "integer", minimum: 1, maximum: 4294967295 }, schema: schemaObject },
  },
  record: {
    type: "object",
    required: ["recordType", "record"],
    additionalProperties: false,
    properties: {
      recordType: { type: "integer", minimum: 0, maximum: MAX_RECORD_TYPES - 1 },
      record: {
        type: "string",
        pattern: HEX,
        maxLength: MAX_RECORD_BYTES * 2,
        description: "encoded record, hex",
      },
    },
  },
  anchor: {
    type: "object",
    required: ["header"],
    additionalProperties: false,
    properties: { header: { type: "string", pattern: HEX, description: "encoded certified header, hex" } },
  },
  "epoch-proof": {
    type: "object",
    required: ["epoch", "purpose", "proof"],
    additionalProperties: false,
    properties: {
      epoch: { type: "integer", minimum: 0 },
      purpose: { type: "string", enum: Object.values(EPOCH_PROOF_PURPOSE_NAMES) },
      proof: { type: "string", pattern: hexOf(ECVRF_PROOF_LENGTH), description: "ECVRF proof, hex" },
    },
  },
} as const;

/** The JSON form of a schema's bytes: the schema's JSON when they decode, else their hex. */
function schemaBytesToJson(bytes: Uint8Array): SchemaPayloadJson {
  try {
    return { schema: schemaToJson(decodeSchema(bytes)) };
  } catch (err) {
    if (err instanceof LedgerError) return { schemaHex: bytesToHex(bytes) };
    throw err;
  }
}

/** JSON form of a main-chain tx (or record tx), given the fields every kind has. */
export function mainChainTxToJson(fields: TxJsonFields, tx: MainChainTx): MainChainTxJson {
  switch (tx.kind) {
    case TxKind.RegisterValidator: {
      const p = tx.payload;
      const payload = {
        blsPublicKey: bytesToHex(p.blsPublicKey),
        blsProofOfPossession: bytesToHex(p.blsProofOfPossession),
        vrfPublicKey: bytesToHex(p.vrfPublicKey),
        deposit: p.deposit.toString(),
      };
      return { ...fields, kind: "register-validator", payload };
    }
    case TxKind.RegisterChain:
      return { ...fields, kind: "register-chain", payload: schemaBytesToJson(tx.payload.schema) };
    case TxKind.UpdateChain:
      return {
        ...fields,
        kind: "update-chain",
        payload: { chainId: tx.payload.chainId, ...schemaBytesToJson(tx.payload.schema) },
      };
    case TxKind.Record:
      return {
        ...fields,
        kind: "record",
        payload: { recordType: tx.payload.recordType, record: bytesToHex(tx.payload.record) },
      };
    case TxKind.Anchor:
      return { ...fields, kind: "anchor", payload: { header: bytesToHex(encodeHeader(tx.payload.header)) } };
    case TxKind.EpochProof: {
      const { epoch, purpose, proof } = tx.payload;
      const payload = { epoch, purpose: EPOCH_PROOF_PURPOSE_NAMES[purpose], proof: bytesToHex(proof) };
      return { ...fields, kind: "epoch-proof", payload };
    }
  }
}

/**
 * The canonical bytes of the schema at `field`: its JSON form parsed and validated (a fault is a 400 with code
 * `SCHEMA_ERROR_INVALID` whose message names the field and the schema path), then encoded.
 */
function schemaFromJson(payload: SchemaPayloadJson, field: string): Uint8Array {
  if (!("schema" in payload))
    throw new ApiError(
      400,
      "API_ERROR_VALIDATION",
      `${field}: schemaHex is read only; send the schema's JSON form`,
    );
  let bytes: Uint8Array;
  try {
    bytes = encodeSchema(parseWorkerChainSchema(payload.schema));
  } catch (err) {
    if (err instanceof SchemaError) throw new ApiError(400, err.code, `${field}: ${err.message}`);
    throw err;
  }
  if (bytes.length > MAX_SCHEMA_BYTES)
    throw new ApiError(
      400,
      "CODEC_ERROR_OUT_OF_RANGE",
      `${field}: the schema encodes to ${bytes.length} bytes, more than the ${MAX_SCHEMA_BYTES} allowed`,
    );
  return bytes;
}

/**
 * Reads a schema-validated main-chain JSON tx; `amount` reads a decimal amount field (a 400 when out of range).
 * A bad schema, header or purpose becomes a 400 naming the field (`body.payload.schema: schema $.shards[2]…`).
 */
export function mainChainTxFromJson(
  json: MainChainTxJson,
  common: TxCommonFields,
  field: string,
  amount: (name: string, text: string) => bigint,
): MainChainTx {
  const at = `${field}.payload`;
  switch (json.kind) {
    case "register-validator": {
      const p = json.payload;
      const payload = {
        blsPublicKey: hexToBytes(p.blsPublicKey),
        blsProofOfPossession: hexToBytes(p.blsProofOfPossession),
        vrfPublicKey: hexToBytes(p.vrfPublicKey),
        deposit: amount("payload.deposit", p.deposit),
      };
      return { ...common, kind: TxKind.RegisterValidator, payload };
    }
    case "register-chain":
      return {
        ...common,
        kind: TxKind.RegisterChain,
        payload: { schema: schemaFromJson(json.payload, `${at}.schema`) },
      };
    case "update-chain":
      return {
        ...common,
        kind: TxKind.UpdateChain,
        payload: { chainId: json.payload.chainId, schema: schemaFromJson(json.payload, `${at}.schema`) },
      };
    case "record":
      return {
        ...common,
        kind: TxKind.Record,
        payload: { recordType: json.payload.recordType, record: hexToBytes(json.payload.record) },
      };
    case "anchor": {
      try {
        return {
          ...common,
          kind: TxKind.Anchor,
          payload: { header: decodeHeader(hexToBytes(json.payload.header)) },
        };
      } catch (err) {
        // The header codec names its fields `header.x`: prefix them with where the header sits.
        if (err instanceof CodecError) throw new ApiError(400, err.code, `${at}.${err.message}`);
        throw err;
      }
    }
    case "epoch-proof": {
      const p = json.payload;
      const purpose = PURPOSE_BY_NAME.get(p.purpose);
      if (purpose === undefined)
        throw new ApiError(400, "API_ERROR_VALIDATION", `${at}.purpose: unknown purpose '${p.purpose}'`);
      return {
        ...common,
        kind: TxKind.EpochProof,
        payload: { epoch: p.epoch, purpose, proof: hexToBytes(p.proof) },
      };
    }
  }
}
