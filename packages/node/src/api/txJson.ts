import { bytesToHex, hexToBytes } from "@vshard/crypto";
import { AddressError, addressToText, parseAddress, type SignedTx, type Tx, TxKind } from "@vshard/types";
import { ApiError } from "./apiError.ts";

/** A transaction as JSON: byte fields in hex, amounts as decimal strings, addresses in their text form. */
export interface TxJson {
  chainId: number;
  shard: number;
  kind: "transfer";
  sender: string;
  nonce: number;
  fee: string;
  payload: { to: string; amount: string };
  signature: string;
}

/** JSON schema of a transaction, used by fastify to reject wrong field types with the field named. */
export const txJsonSchema = {
  type: "object",
  required: ["chainId", "shard", "kind", "sender", "nonce", "fee", "payload", "signature"],
  additionalProperties: false,
  properties: {
    chainId: { type: "integer", minimum: 0, maximum: 4294967295 },
    shard: { type: "integer", minimum: 0, maximum: 65535 },
    kind: { type: "string", enum: ["transfer"] },
    sender: { type: "string", pattern: "^[0-9a-f]{64}$", description: "ed25519 public key, hex" },
    nonce: { type: "integer", minimum: 0 },
    fee: { type: "string", pattern: "^(0|[1-9][0-9]{0,19})$", description: "decimal amount" },
    payload: {
      type: "object",
      required: ["to", "amount"],
      additionalProperties: false,
      properties: {
        to: { type: "string", description: "recipient address (vs…)" },
        amount: { type: "string", pattern: "^(0|[1-9][0-9]{0,19})$", description: "decimal amount" },
      },
    },
    signature: {
      type: "string",
      pattern: "^[0-9a-f]{128}$",
      description: "ed25519 signature over the tx hash, hex",
    },
  },
} as const;

/** JSON form of a signed tx. */
export function signedTxToJson(stx: SignedTx): TxJson {
  const tx = stx.tx;
  return {
    chainId: tx.chainId,
    shard: tx.shard,
    kind: "transfer",
    sender: bytesToHex(tx.sender),
    nonce: tx.nonce,
    fee: tx.fee.toString(),
    payload: { to: addressToText(tx.payload.to), amount: tx.payload.amount.toString() },
    signature: bytesToHex(stx.signature),
  };
}

/** Reads a schema-validated JSON tx; a bad address or out-of-range amount becomes a 400 naming the field. */
export function signedTxFromJson(json: TxJson, field = "body"): SignedTx {
  let to: Uint8Array;
  try {
    to = parseAddress(json.payload.to);
  } catch (err) {
    if (err instanceof AddressError) throw new ApiError(400, err.code, `${field}.payload.to: ${err.message}`);
    throw err;
  }
  const amount = (name: string, text: string): bigint => {
    const value = BigInt(text);
    if (value >= 1n << 64n)
      throw new ApiError(400, "CODEC_ERROR_OUT_OF_RANGE", `${field}.${name}: amount larger than 2^64-1`);
    return value;
  };
  const tx: Tx = {
    chainId: json.chainId,
    shard: json.shard,
    kind: TxKind.Transfer,
    sender: hexToBytes(json.sender),
    nonce: json.nonce,
    fee: amount("fee", json.fee),
    payload: { to, amount: amount("payload.amount", json.payload.amount) },
  };
  return { tx, signature: hexToBytes(json.signature) };
}
