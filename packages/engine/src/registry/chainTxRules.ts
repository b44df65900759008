import {
  addressToText,
  CodecError,
  decodeRecord,
  decodeSchema,
  homeShard,
  isShardAllowed,
  type RecordPayload,
  type RecordValue,
  SchemaError,
  type Tx,
  TxKind,
  type TxOfKind,
  type WorkerChainSchema,
} from "@vshard/types";
import type { PreparedTx } from "../execution/executeTxs.ts";
import type { ChainRoles, TxFailure } from "./interface.ts";
import { MAIN_CHAIN_ID } from "./options.ts";

/** The main-chain registry kinds. */
export type RegistryTx = TxOfKind<
  TxKind.RegisterValidator | TxKind.RegisterChain | TxKind.UpdateChain | TxKind.Anchor | TxKind.EpochProof
>;

/** The kinds `applyChainTx` executes: the registry kinds and a worker chain's records. */
export type ChainTx = RegistryTx | TxOfKind<TxKind.Record>;

/** How each registry kind is named in messages. */
const REGISTRY_KIND_NAMES: Readonly<Partial<Record<TxKind, string>>> = {
  [TxKind.RegisterValidator]: "register-validator",
  [TxKind.RegisterChain]: "register-chain",
  [TxKind.UpdateChain]: "update-chain",
  [TxKind.Anchor]: "anchor",
  [TxKind.EpochProof]: "epoch-proof",
};

/** Whether a tx is one of the main-chain registry kinds. */
export function isRegistryTx(tx: Tx): tx is RegistryTx {
  return REGISTRY_KIND_NAMES[tx.kind] !== undefined;
}

/** Whether a tx is a registry kind or a record. */
export function isChainTx(tx: Tx): tx is ChainTx {
  return isRegistryTx(tx) || tx.kind === TxKind.Record;
}

/**
 * Whether the chain takes this kind: registry kinds only on the main chain (`main` set), records only on a worker
 * chain (`schema` set). `TX_ERROR_WRONG_CHAIN` otherwise.
 */
export function chainRoleProblem(tx: Tx, roles: ChainRoles): TxFailure | null {
  const name = REGISTRY_KIND_NAMES[tx.kind];
  if (name !== undefined && !roles.main)
    return {
      code: "TX_ERROR_WRONG_CHAIN",
      message: `${name} txs go to the main chain (chain ${MAIN_CHAIN_ID}); this is chain ${tx.chainId}`,
    };
  if (tx.kind === TxKind.Record && !roles.schema)
    return {
      code: "TX_ERROR_WRONG_CHAIN",
      message: `record txs need a worker chain with record types; chain ${tx.chainId} has none`,
    };
  return null;
}

/**
 * On a worker chain, whether the accounts a tx names live where it puts them under the schema's assignment rule: the
 * sender's sub-account must exist here, a transfer's recipient too (another shard takes a cross transfer), and a cross
 * transfer's recipient in its destination shard when that is a shard of this chain the schema knows. A receive names
 * no sender account (its relay's key only signs it). `TX_ERROR_WRONG_SHARD` naming the home shard otherwise.
 */
export function workerShardProblem(
  t: PreparedTx,
  schema: WorkerChainSchema,
  shard: number,
): TxFailure | null {
  const tx = t.stx.tx;
  const wrong = (who: string, address: Uint8Array): TxFailure => {
    const home = homeShard(schema, address);
    const where =
      home === null
        ? `shard ${shard} is not one of chain ${tx.chainId}'s ${schema.shards.length} shards`
        : `under '${schema.assignment.rule}' it lives in shard ${home} of chain ${tx.chainId}, not shard ${shard}`;
    return { code: "TX_ERROR_WRONG_SHARD", message: `${who} ${addressToText(address)}: ${where}` };
  };
  if (tx.kind === TxKind.Receive) return null;
  if (!isShardAllowed(schema, t.senderAddress, shard)) return wrong("sender", t.senderAddress);
  if (tx.kind === TxKind.Transfer && !isShardAllowed(schema, tx.payload.to, shard)) {
    const failure = wrong("recipient", tx.payload.to);
    return { ...failure, message: `${failure.message} (send a cross transfer to its shard)` };
  }
  if (tx.kind === TxKind.CrossTransfer) {
    const { to, destination } = tx.payload;
    const known = destination.chainId === tx.chainId && destination.shard < schema.shards.length;
    if (known && !isShardAllowed(schema, to, destination.shard)) {
      const home = homeShard(schema, to);
      return {
        code: "TX_ERROR_WRONG_SHARD",
        message: `recipient ${addressToText(to)}: under '${schema.assignment.rule}' it lives in shard ${home} of chain ${tx.chainId}, not shard ${destination.shard}`,
      };
    }
  }
  return null;
}

/**
 * The smallest fee a tx of `size` encoded bytes pays: the chain's `minFee`, and on a worker chain at least the
 * schema's `fees.minFee + fees.perByte × size`.
 */
export function minFeeOf(size: number, opts: { minFee: bigint; schema?: WorkerChainSchema }): bigint {
  if (!opts.schema) return opts.minFee;
  const { minFee, perByte } = opts.schema.fees;
  const rule = minFee + perByte * BigInt(size);
  return rule > opts.minFee ? rule : opts.minFee;
}

/** A failure whose message is `what: <the error's message>` for a codec or schema error; other errors rethrown. */
function payloadFailure(code: TxFailure["code"], what: string, err: unknown): TxFailure {
  if (err instanceof CodecError || err instanceof SchemaError)
    return { code, message: `${what}: ${err.message}` };
  throw err;
}

/** A payload part decoded, or why it does not decode. */
export type Decoded<T> = { value: T } | { failure: TxFailure };

/** Decodes a register-chain or update-chain schema; `TX_ERROR_BAD_SCHEMA` naming the path at fault otherwise. */
export function decodeSchemaPayload(bytes: Uint8Array): Decoded<WorkerChainSchema> {
  try {
    return { value: decodeSchema(bytes) };
  } catch (err) {
    return { failure: payloadFailure("TX_ERROR_BAD_SCHEMA", "payload.schema", err) };
  }
}

/**
 * Decodes a record payload against the schema: its type number must be one of the schema's and its bytes the
 * canonical encoding of a valid record of that type (`TX_ERROR_BAD_RECORD` naming the field otherwise).
 */
export function decodeRecordPayload(schema: WorkerChainSchema, p: RecordPayload): Decoded<RecordValue> {
  const type = schema.recordTypes[p.recordType];
  if (type === undefined) {
    const known = schema.recordTypes.map((r, i) => `${i} '${r.name}'`).join(", ") || "none";
    const message = `payload.recordType: ${p.recordType} is not a record type of chain '${schema.name}' (it has: ${known})`;
    return { failure: { code: "TX_ERROR_BAD_RECORD", message } };
  }
  try {
    return { value: decodeRecord(schema, type.name, p.record) };
  } catch (err) {
    return { failure: payloadFailure("TX_ERROR_BAD_RECORD", "payload.record", err) };
  }
}

/**
 * What is wrong with a registry or record tx's payload before any state is read, or null: a register-chain or
 * update-chain schema that does not decode, a record that does not decode against the chain's schema. Run at admission
 * so that a client gets the precise reason before anything reaches a block.
 */
export function chainPayloadProblem(tx: Tx, roles: ChainRoles): TxFailure | null {
  let decoded: Decoded<unknown> | null = null;
  if (tx.kind === TxKind.RegisterChain || tx.kind === TxKind.UpdateChain)
    decoded = decodeSchemaPayload(tx.payload.schema);
  else if (tx.kind === TxKind.Record && roles.schema) decoded = decodeRecordPayload(roles.schema, tx.payload);
  return decoded !== null && "failure" in decoded ? decoded.failure : null;
}
