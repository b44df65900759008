import { bytesToHex, hexToBytes } from "@vshard/crypto";
import {
  addressToText,
  encodeHeader,
  MAX_INT64,
  MAX_VOTES,
  MIN_INT64,
  type SignedTx,
  SmallbankOp,
  type SmallbankPayload,
  type Tx,
  TxKind,
} from "@vshard/types";
import { ApiError } from "./apiError.ts";
import {
  addressFromJson,
  type CrossShardTxJson,
  crossShardPayloadSchemas,
  crossShardTxFromJson,
  crossShardTxToJson,
} from "./crossShardTxJson.ts";
import {
  type MainChainTxJson,
  mainChainPayloadSchemas,
  mainChainTxFromJson,
  mainChainTxToJson,
} from "./mainChainTxJson.ts";

// The main-chain and cross-shard kinds' JSON forms live beside this file; the package exports them from here.
export * from "./crossShardTxJson.ts";
export * from "./mainChainTxJson.ts";

/** The JSON names of the Smallbank ops, by op number. */
export const SMALLBANK_OP_NAMES = {
  [SmallbankOp.Balance]: "balance",
  [SmallbankOp.DepositChecking]: "depositChecking",
  [SmallbankOp.TransactSavings]: "transactSavings",
  [SmallbankOp.Amalgamate]: "amalgamate",
  [SmallbankOp.WriteCheck]: "writeCheck",
  [SmallbankOp.SendPayment]: "sendPayment",
} as const satisfies Record<SmallbankOp, string>;

/** A Smallbank op's JSON name. */
export type SmallbankOpName = (typeof SMALLBANK_OP_NAMES)[SmallbankOp];

const OP_BY_NAME = new Map(
  Object.entries(SMALLBANK_OP_NAMES).map(([op, name]) => [name as string, Number(op) as SmallbankOp]),
);

/** The fields every JSON tx has: byte fields in hex, amounts as decimal strings. */
export interface TxJsonFields {
  chainId: number;
  shard: number;
  sender: string;
  nonce: number;
  fee: string;
  signature: string;
}

/** A transfer as JSON. */
export type TransferTxJson = TxJsonFields & { kind: "transfer"; payload: { to: string; amount: string } };
/** A noop as JSON: its payload is the empty object. */
export type NoopTxJson = TxJsonFields & { kind: "noop"; payload: Record<string, never> };
/** A Smallbank op as JSON: `other` (an address) for amalgamate and sendPayment, `amount` a signed decimal string. */
export type SmallbankTxJson = TxJsonFields & {
  kind: "smallbank";
  payload: { op: SmallbankOpName; other?: string; amount: string };
};

/** A stake or unstake as JSON: the amount a decimal string. */
export type StakeTxJson = TxJsonFields & { kind: "stake" | "unstake"; payload: { amount: string } };
/** A vote as JSON: candidate addresses in text form, sorted by their bytes (the order of their hex digits). */
export type VoteTxJson = TxJsonFields & { kind: "vote"; payload: { candidates: string[] } };
/**
 * An evidence tx as JSON, for reading only (GET): each header as the hex of its canonical msgpack encoding.
 * Evidence is submitted as application/msgpack (`encodeSignedTx`).
 */
export type EvidenceTxJson = TxJsonFields & { kind: "evidence"; payload: { first: string; second: string } };

/** A transaction as JSON: byte fields in hex, amounts as decimal strings, addresses in their text form. */
export type TxJson =
  | TransferTxJson
  | NoopTxJson
  | SmallbankTxJson
  | StakeTxJson
  | VoteTxJson
  | EvidenceTxJson
  | CrossShardTxJson
  | MainChainTxJson;

const DECIMAL = "^(0|[1-9][0-9]{0,19})$";
const SIGNED_DECIMAL = "^(0|-?[1-9][0-9]{0,18})$";

/** The payload schema of each kind: the schema applies it when `kind` names that kind. */
const payloadSchemas = {
  transfer: {
    type: "object",
    required: ["to", "amount"],
    additionalProperties: false,
    properties: {
      to: { type: "string", description: "recipient address (vs…)" },
      amount: { type: "string", pattern: DECIMAL, description: "decimal amount" },
    },
  },
  noop: { type: "object", additionalProperties: false, properties: {} },
  smallbank: {
    type: "object",
    required: ["op", "amount"],
    additionalProperties: false,
    properties: {
      op: { type: "string", enum: Object.values(SMALLBANK_OP_NAMES) },
      other: { type: "string", description: "second customer (vs…), for amalgamate and sendPayment" },
      amount: { type: "string", pattern: SIGNED_DECIMAL, description: "signed decimal amount (int64)" },
    },
  },
  stake: amountPayloadSchema("amount to lock as stake"),
  unstake: amountPayloadSchema("amount of stake to unlock"),
  vote: {
    type: "object",
    required: ["candidates"],
    additionalProperties: false,
    properties: {
      candidates: {
        type: "array",
        maxItems: MAX_VOTES,
        items: { type: "string", description: "candidate address (vs…)" },
        description: "candidates, sorted and unique; [] withdraws every vote",
      },
    },
  },
  // Accepted by the schema so that the handler can say why it is refused: evidence is msgpack-only.
  evidence: { type: "object" },
  ...crossShardPayloadSchemas,
  ...mainChainPayloadSchemas,
} as const;

function amountPayloadSchema(description: string) {
  return {
    type: "object",
    required: ["amount"],
    additionalProperties: false,
    properties: { amount: { type: "string", pattern: DECIMAL, description } },
  } as const;
}

/**
 * JSON schema of a transaction, used by fastify to reject wrong field types with the field named. The payload is
 * checked by kind through `if`/`then` (not `oneOf`: fastify's ajv strips unknown properties while it tries a branch).
 */
export const txJsonSchema = {
  type: "object",
  required: ["chainId", "shard", "kind", "sender", "nonce", "fee", "payload", "signature"],
  additionalProperties: false,
  properties: {
    chainId: { type: "integer", minimum: 0, maximum: 4294967295 },
    shard: { type: "integer", minimum: 0, maximum: 65535 },
    kind: { type: "string", enum: Object.keys(payloadSchemas) },
    sender: { type: "string", pattern: "^[0-9a-f]{64}$", description: "ed25519 public key, hex" },
    nonce: { type: "integer", minimum: 0 },
    fee: { type: "string", pattern: DECIMAL, description: "decimal amount" },
    payload: {
      type: "object",
      description:
        "by kind: transfer {to, amount}, cross-transfer {to, destination: {chainId, shard}, amount}, " +
        "receive {receipt: {id, from, to, amount, source, destination}, sourceHeight, proof: {index, leafCount, " +
        "siblings}}, noop {}, smallbank {op, other?, amount}, stake {amount}, unstake {amount}, " +
        "vote {candidates}, register-validator {blsPublicKey, blsProofOfPossession, vrfPublicKey, deposit}, " +
        "register-chain {schema}, update-chain {chainId, schema}, record {recordType, record}, anchor {header}, " +
        "epoch-proof {epoch, purpose, proof}; evidence only as application/msgpack",
    },
    signature: {
      type: "string",
      pattern: "^[0-9a-f]{128}$",
      description: "ed25519 signature over the tx hash, hex",
    },
  },
  allOf: Object.entries(payloadSchemas).map(([kind, payload]) => ({
    if: { type: "object", required: ["kind"], properties: { kind: { const: kind } } },
    // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, this object is never awaited.
    then: { type: "object", properties: { payload } },
  })),
} as const;

/** JSON form of a signed tx, for every kind. */
export function signedTxToJson(stx: SignedTx): TxJson {
  const tx = stx.tx;
  const fields: TxJsonFields = {
    chainId: tx.chainId,
    shard: tx.shard,
    sender: bytesToHex(tx.sender),
    nonce: tx.nonce,
    fee: tx.fee.toString(),
    signature: bytesToHex(stx.signature),
  };
  switch (tx.kind) {
    case TxKind.Transfer:
      return {
        ...fields,
        kind: "transfer",
        payload: { to: addressToText(tx.payload.to), amount: tx.payload.amount.toString() },
      };
    case TxKind.Noop:
      return { ...fields, kind: "noop", payload: {} };
    case TxKind.Smallbank: {
      const p = tx.payload;
      const payload: SmallbankTxJson["payload"] = {
        op: SMALLBANK_OP_NAMES[p.op],
        amount: p.amount.toString(),
      };
      if (p.other) payload.other = addressToText(p.other);
      return { ...fields, kind: "smallbank", payload };
    }
    case TxKind.Stake:
      return { ...fields, kind: "stake", payload: { amount: tx.payload.amount.toString() } };
    case TxKind.Unstake:
      return { ...fields, kind: "unstake", payload: { amount: tx.payload.amount.toString() } };
    case TxKind.Vote:
      return { ...fields, kind: "vote", payload: { candidates: tx.payload.candidates.map(addressToText) } };
    case TxKind.Evidence: {
      const { first, second } = tx.payload;
      return {
        ...fields,
        kind: "evidence",
        payload: { first: bytesToHex(encodeHeader(first)), second: bytesToHex(encodeHeader(second)) },
      };
    }
    case TxKind.CrossTransfer:
    case TxKind.Receive:
      return crossShardTxToJson(fields, tx);
    case TxKind.RegisterValidator:
    case TxKind.RegisterChain:
    case TxKind.UpdateChain:
    case TxKind.Record:
    case TxKind.Anchor:
    case TxKind.EpochProof:
      return mainChainTxToJson(fields, tx);
  }
}

function integerAt(text: string, field: string, min: bigint, max: bigint, range: string): bigint {
  const value = BigInt(text);
  if (value < min || value > max)
    throw new ApiError(400, "CODEC_ERROR_OUT_OF_RANGE", `${field}: ${value} is outside ${range}`);
  return value;
}

/** Reads a schema-validated JSON tx; a bad address or out-of-range amount becomes a 400 naming the field. */
export function signedTxFromJson(json: TxJson, field = "body"): SignedTx {
  const amount = (name: string, text: string) =>
    integerAt(text, `${field}.${name}`, 0n, (1n << 64n) - 1n, "0..2^64-1");
  const common = {
    chainId: json.chainId,
    shard: json.shard,
    sender: hexToBytes(json.sender),
    nonce: json.nonce,
    fee: amount("fee", json.fee),
  };
  let tx: Tx;
  switch (json.kind) {
    case "transfer":
      tx = {
        ...common,
        kind: TxKind.Transfer,
        payload: {
          to: addressFromJson(json.payload.to, `${field}.payload.to`),
          amount: amount("payload.amount", json.payload.amount),
        },
      };
      break;
    case "noop":
      tx = { ...common, kind: TxKind.Noop, payload: {} };
      break;
    case "smallbank": {
      const p = json.payload;
      const op = OP_BY_NAME.get(p.op);
      if (op === undefined)
        throw new ApiError(
          400,
          "API_ERROR_VALIDATION",
          `${field}.payload.op: unknown smallbank op '${p.op}'`,
        );
      const payload: SmallbankPayload = {
        op,
        amount: integerAt(p.amount, `${field}.payload.amount`, MIN_INT64, MAX_INT64, "-2^63..2^63-1"),
      };
      if (p.other !== undefined) payload.other = addressFromJson(p.other, `${field}.payload.other`);
      tx = { ...common, kind: TxKind.Smallbank, payload };
      break;
    }
    case "stake":
    case "unstake":
      tx = {
        ...common,
        kind: json.kind === "stake" ? TxKind.Stake : TxKind.Unstake,
        payload: { amount: amount("payload.amount", json.payload.amount) },
      };
      break;
    case "vote":
      tx = {
        ...common,
        kind: TxKind.Vote,
        payload: {
          candidates: json.payload.candidates.map((c, i) =>
            addressFromJson(c, `${field}.payload.candidates[${i}]`),
          ),
        },
      };
      break;
    case "cross-transfer":
    case "receive":
      tx = crossShardTxFromJson(json, common, field);
      break;
    case "evidence":
      throw new ApiError(
        400,
        "API_ERROR_VALIDATION",
        `${field}.kind: evidence txs are accepted as application/msgpack only (encodeSignedTx or encodeTxBatch)`,
      );
    default:
      tx = mainChainTxFromJson(json, common, field, amount);
  }
  return { tx, signature: hexToBytes(json.signature) };
}
