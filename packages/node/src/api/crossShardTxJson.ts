import { bytesToHex, hexToBytes } from "@vshard/crypto";
import {
  AddressError,
  addressToText,
  MAX_CHAIN_ID,
  MAX_PROOF_SIBLINGS,
  MAX_SHARD_ID,
  parseAddress,
  type Receipt,
  type ReceiptProof,
  type ShardRef,
  TxKind,
  type TxOfKind,
} from "@vshard/types";
import { ApiError } from "./apiError.ts";
import type { TxCommonFields } from "./mainChainTxJson.ts";
import type { TxJsonFields } from "./txJson.ts";

/** A shard of a chain as JSON (chain 0 is the main chain, with shard 0 only). */
export interface ShardRefJson {
  chainId: number;
  shard: number;
}

/** A cross-shard receipt as JSON: its id (the hash of the tx that made it) in hex, addresses vs…, amount decimal. */
export interface ReceiptJson {
  id: string;
  from: string;
  to: string;
  amount: string;
  source: ShardRefJson;
  destination: ShardRefJson;
}

/** A receipt's merkle proof against its source block's receipt root, siblings in hex. */
export interface ReceiptProofJson {
  index: number;
  leafCount: number;
  siblings: string[];
}

/** A cross-transfer as JSON: the recipient, where it is credited and the amount. */
export type CrossTransferTxJson = TxJsonFields & {
  kind: "cross-transfer";
  payload: { to: string; destination: ShardRefJson; amount: string };
};

/** A receive as JSON: the receipt, the height of the source block holding it and its proof. */
export type ReceiveTxJson = TxJsonFields & {
  kind: "receive";
  payload: { receipt: ReceiptJson; sourceHeight: number; proof: ReceiptProofJson };
};

/** The JSON txs of the cross-shard kinds. */
export type CrossShardTxJson = CrossTransferTxJson | ReceiveTxJson;

/** The txs `CrossShardTxJson` stands for. */
export type CrossShardTx = TxOfKind<TxKind.CrossTransfer | TxKind.Receive>;

const DECIMAL = "^(0|[1-9][0-9]{0,19})$";
const HEX32 = "^[0-9a-f]{64}$";
const MAX_AMOUNT = (1n << 64n) - 1n;

/** JSON schema of a `ShardRefJson`. */
export const shardRefJsonSchema = {
  type: "object",
  required: ["chainId", "shard"],
  additionalProperties: false,
  properties: {
    chainId: { type: "integer", minimum: 0, maximum: MAX_CHAIN_ID },
    shard: { type: "integer", minimum: 0, maximum: MAX_SHARD_ID },
  },
} as const;

/** JSON schema of a `ReceiptJson` (addresses are checked by `receiptFromJson`, which names the field). */
export const receiptJsonSchema = {
  type: "object",
  required: ["id", "from", "to", "amount", "source", "destination"],
  additionalProperties: false,
  properties: {
    id: { type: "string", pattern: HEX32, description: "hash of the tx that made the receipt, hex" },
    from: { type: "string", description: "sender address (vs…)" },
    to: { type: "string", description: "recipient address (vs…)" },
    amount: { type: "string", pattern: DECIMAL, description: "decimal amount" },
    source: shardRefJsonSchema,
    destination: shardRefJsonSchema,
  },
} as const;

/** JSON schema of a `ReceiptProofJson`. */
export const receiptProofJsonSchema = {
  type: "object",
  required: ["index", "leafCount", "siblings"],
  additionalProperties: false,
  properties: {
    index: { type: "integer", minimum: 0 },
    leafCount: { type: "integer", minimum: 1 },
    siblings: { type: "array", maxItems: MAX_PROOF_SIBLINGS, items: { type: "string", pattern: HEX32 } },
  },
} as const;

/** The payload schema of each cross-shard kind (merged into `txJsonSchema`). */
export const crossShardPayloadSchemas = {
  "cross-transfer": {
    type: "object",
    required: ["to", "destination", "amount"],
    additionalProperties: false,
    properties: {
      to: { type: "string", description: "recipient address (vs…)" },
      destination: shardRefJsonSchema,
      amount: { type: "string", pattern: DECIMAL, description: "decimal amount" },
    },
  },
  receive: {
    type: "object",
    required: ["receipt", "sourceHeight", "proof"],
    additionalProperties: false,
    properties: {
      receipt: receiptJsonSchema,
      sourceHeight: { type: "integer", minimum: 0 },
      proof: receiptProofJsonSchema,
    },
  },
} as const;

const badField = (field: string, message: string) =>
  new ApiError(400, "API_ERROR_VALIDATION", `${field}: ${message}`);

/** Reads a text address; a bad one is a 400 with the address error's code, naming `field`. */
export function addressFromJson(text: string, field: string): Uint8Array {
  try {
    return parseAddress(text);
  } catch (err) {
    if (err instanceof AddressError) throw new ApiError(400, err.code, `${field}: ${err.message}`);
    throw err;
  }
}

/** Reads a decimal amount (0..2^64-1); anything else is a 400 naming `field`. */
export function amountFromJson(text: unknown, field: string): bigint {
  if (typeof text !== "string" || !/^(0|[1-9][0-9]*)$/.test(text))
    throw badField(field, "expected a decimal amount");
  const value = BigInt(text);
  if (value > MAX_AMOUNT)
    throw new ApiError(400, "CODEC_ERROR_OUT_OF_RANGE", `${field}: ${value} is outside 0..2^64-1`);
  return value;
}

function uintFromJson(value: unknown, field: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > max)
    throw badField(field, `expected an integer in 0..${max}`);
  return value;
}

function hash32FromJson(text: unknown, field: string): Uint8Array {
  if (typeof text !== "string" || !new RegExp(HEX32).test(text))
    throw badField(field, "expected 64 lower-case hex digits");
  return hexToBytes(text);
}

function objectAt(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw badField(field, "expected an object");
  return value as Record<string, unknown>;
}

/** JSON form of a shard reference. */
export function shardRefToJson(ref: ShardRef): ShardRefJson {
  return { chainId: ref.chainId, shard: ref.shard };
}

/** Reads a shard reference; a missing or out-of-range id is a 400 naming the field (`body.payload.destination.shard`). */
export function shardRefFromJson(json: unknown, field: string): ShardRef {
  const o = objectAt(json, field);
  return {
    chainId: uintFromJson(o.chainId, `${field}.chainId`, MAX_CHAIN_ID),
    shard: uintFromJson(o.shard, `${field}.shard`, MAX_SHARD_ID),
  };
}

/** JSON form of a receipt (as `GET` routes serve it and a receive tx carries it). */
export function receiptToJson(r: Receipt): ReceiptJson {
  return {
    id: bytesToHex(r.id),
    from: addressToText(r.from),
    to: addressToText(r.to),
    amount: r.amount.toString(),
    source: shardRefToJson(r.source),
    destination: shardRefToJson(r.destination),
  };
}

/**
 * Reads a receipt's JSON; every field is checked (it need not have passed a JSON schema), and a bad one is a 400
 * naming it (`body.payload.receipt.to: invalid address …`).
 */
export function receiptFromJson(json: unknown, field: string): Receipt {
  const o = objectAt(json, field);
  const address = (name: string) => {
    const text = o[name];
    if (typeof text !== "string") throw badField(`${field}.${name}`, "expected an address (vs…)");
    return addressFromJson(text, `${field}.${name}`);
  };
  return {
    id: hash32FromJson(o.id, `${field}.id`),
    from: address("from"),
    to: address("to"),
    amount: amountFromJson(o.amount, `${field}.amount`),
    source: shardRefFromJson(o.source, `${field}.source`),
    destination: shardRefFromJson(o.destination, `${field}.destination`),
  };
}

/** JSON form of a receipt proof. */
export function receiptProofToJson(proof: ReceiptProof): ReceiptProofJson {
  return { index: proof.index, leafCount: proof.leafCount, siblings: proof.siblings.map(bytesToHex) };
}

/** Reads a receipt proof's JSON; a bad field is a 400 naming it. */
export function receiptProofFromJson(json: unknown, field: string): ReceiptProof {
  const o = objectAt(json, field);
  if (!Array.isArray(o.siblings) || o.siblings.length > MAX_PROOF_SIBLINGS)
    throw badField(`${field}.siblings`, `expected an array of at most ${MAX_PROOF_SIBLINGS} hashes`);
  return {
    index: uintFromJson(o.index, `${field}.index`),
    leafCount: uintFromJson(o.leafCount, `${field}.leafCount`),
    siblings: o.siblings.map((s, i) => hash32FromJson(s, `${field}.siblings[${i}]`)),
  };
}

/** JSON form of a cross-transfer or receive tx, given the fields every kind has. */
export function crossShardTxToJson(fields: TxJsonFields, tx: CrossShardTx): CrossShardTxJson {
  switch (tx.kind) {
    case TxKind.CrossTransfer: {
      const p = tx.payload;
      const payload = {
        to: addressToText(p.to),
        destination: shardRefToJson(p.destination),
        amount: p.amount.toString(),
      };
      return { ...fields, kind: "cross-transfer", payload };
    }
    case TxKind.Receive: {
      const p = tx.payload;
      const payload = {
        receipt: receiptToJson(p.receipt),
        sourceHeight: p.sourceHeight,
        proof: receiptProofToJson(p.proof),
      };
      return { ...fields, kind: "receive", payload };
    }
  }
}

/** Reads a cross-shard JSON tx; a bad address, amount or hash becomes a 400 naming the field. */
export function crossShardTxFromJson(
  json: CrossShardTxJson,
  common: TxCommonFields,
  field: string,
): CrossShardTx {
  const at = `${field}.payload`;
  switch (json.kind) {
    case "cross-transfer": {
      const p = json.payload;
      const payload = {
        to: addressFromJson(p.to, `${at}.to`),
        destination: shardRefFromJson(p.destination, `${at}.destination`),
        amount: amountFromJson(p.amount, `${at}.amount`),
      };
      return { ...common, kind: TxKind.CrossTransfer, payload };
    }
    case "receive": {
      const p = json.payload;
      const payload = {
        receipt: receiptFromJson(p.receipt, `${at}.receipt`),
        sourceHeight: uintFromJson(p.sourceHeight, `${at}.sourceHeight`),
        proof: receiptProofFromJson(p.proof, `${at}.proof`),
      };
      return { ...common, kind: TxKind.Receive, payload };
    }
  }
}
