import { bytesEqual, sha256 } from "@vshard/crypto";
import {
  addressFromPublicKey,
  addressToText,
  checkSchemaUpdate,
  headerHash,
  RecordNamespace,
  SchemaError,
  type SchemaUpdate,
  type TxKind,
  type TxOfKind,
} from "@vshard/types";
import { decodeRecordPayload, decodeSchemaPayload } from "./chainTxRules.ts";
import { type ChainTxScope, type Checked, type RegistryScope, refuse } from "./checkedTx.ts";
import type { TxFailure } from "./interface.ts";
import {
  type ChainEntry,
  decodeAnchoredHeaderEntry,
  decodeAnchorHeadEntry,
  decodeChainEntry,
  decodeU32Value,
  encodeAnchoredHeaderEntry,
  encodeAnchorHeadEntry,
  encodeChainEntry,
} from "./registryEntries.ts";
import {
  anchoredHeaderRecordId,
  anchorHeadRecordId,
  chainNameRecordId,
  chainRecordId,
  counterRecordId,
  NEXT_CHAIN_ID_COUNTER,
  u32be,
} from "./registryIds.ts";
import { encodeSchemaRecordValue, schemaRecordId } from "./schemaRecords.ts";

const addressOfKey = (publicKey: Uint8Array) => addressToText(addressFromPublicKey(publicKey));

/**
 * Registers a worker chain: its schema must decode, its name be free; it gets the next chain id (1, 2, ...), the
 * sender as owner, and every shard added at this block's height. Writes Chain, ChainName and the id counter.
 */
export function checkRegisterChain(
  tx: TxOfKind<TxKind.RegisterChain>,
  { records, ctx }: RegistryScope,
): Checked {
  const decoded = decodeSchemaPayload(tx.payload.schema);
  if ("failure" in decoded) return decoded.failure;
  const schema = decoded.value;
  const nameId = chainNameRecordId(schema.name);
  const taken = records.read(RecordNamespace.ChainName, nameId);
  if (taken !== null)
    return refuse(
      "TX_ERROR_CHAIN_NAME_TAKEN",
      `chain name '${schema.name}' is taken by chain ${decodeU32Value(taken, "chainName")}`,
    );
  const counterId = counterRecordId(NEXT_CHAIN_ID_COUNTER);
  const counter = records.read(RecordNamespace.Counter, counterId);
  const chainId = counter === null ? 1 : decodeU32Value(counter, NEXT_CHAIN_ID_COUNTER);
  const entry: ChainEntry = {
    chainId,
    name: schema.name,
    owner: tx.sender,
    schema: tx.payload.schema,
    schemaHash: sha256(tx.payload.schema),
    version: schema.version,
    shardsAddedAt: schema.shards.map(() => ctx.height),
    registeredHeight: ctx.height,
    updatedHeight: ctx.height,
  };
  return () => {
    records.write(RecordNamespace.Chain, chainRecordId(chainId), encodeChainEntry(entry));
    records.write(RecordNamespace.ChainName, nameId, u32be(chainId));
    records.write(RecordNamespace.Counter, counterId, u32be(chainId + 1));
  };
}

/** The registered chain `chainId`, or the failure that says it is not registered (`what` names the field). */
function registeredChain(scope: RegistryScope, chainId: number, what: string): ChainEntry | TxFailure {
  const stored = scope.records.read(RecordNamespace.Chain, chainRecordId(chainId));
  if (stored === null) return refuse("TX_ERROR_UNKNOWN_CHAIN", `${what}: chain ${chainId} is not registered`);
  return decodeChainEntry(stored);
}

/**
 * Replaces a chain's schema by its next version: only its owner may, and the update must follow `checkSchemaUpdate`
 * (name kept, version + 1, shards and record types only appended). Appended shards are added at this height.
 */
export function checkUpdateChain(tx: TxOfKind<TxKind.UpdateChain>, scope: RegistryScope): Checked {
  const entry = registeredChain(scope, tx.payload.chainId, "payload.chainId");
  if ("code" in entry) return entry;
  if (!bytesEqual(entry.owner, tx.sender))
    return refuse(
      "TX_ERROR_NOT_CHAIN_OWNER",
      `chain ${entry.chainId} ('${entry.name}') is owned by ${addressOfKey(entry.owner)}, not by the sender ${addressOfKey(tx.sender)}`,
    );
  const decoded = decodeSchemaPayload(tx.payload.schema);
  if ("failure" in decoded) return decoded.failure;
  const current = decodeSchemaPayload(entry.schema);
  // A stored schema was valid when written: failing to decode it now means a corrupt store.
  if ("failure" in current) throw new Error(`chain ${entry.chainId}: stored ${current.failure.message}`);
  let update: SchemaUpdate;
  try {
    update = checkSchemaUpdate(current.value, decoded.value);
  } catch (err) {
    if (!(err instanceof SchemaError)) throw err;
    return refuse("TX_ERROR_BAD_SCHEMA_UPDATE", `payload.schema: ${err.message}`);
  }
  const { height } = scope.ctx;
  const next: ChainEntry = {
    ...entry,
    schema: tx.payload.schema,
    schemaHash: sha256(tx.payload.schema),
    version: decoded.value.version,
    shardsAddedAt: [...entry.shardsAddedAt, ...update.addedShards.map(() => height)],
    updatedHeight: height,
  };
  return () =>
    scope.records.write(RecordNamespace.Chain, chainRecordId(entry.chainId), encodeChainEntry(next));
}

/**
 * The registry rules of an anchor, which admission checks too: the header's chain must be registered and have its
 * shard, and no header be anchored yet at its height. Heights may be anchored in any order (a block skipped once can
 * be anchored later, by anyone), so the shard's anchor head is no bound. Gives the chain's entry (what the
 * certificate check needs).
 */
export function anchorTarget(tx: TxOfKind<TxKind.Anchor>, scope: RegistryScope): ChainEntry | TxFailure {
  const { chainId, shard, height } = tx.payload.header;
  const entry = registeredChain(scope, chainId, "payload.header.chainId");
  if ("code" in entry) return entry;
  if (shard >= entry.shardsAddedAt.length)
    return refuse(
      "TX_ERROR_UNKNOWN_SHARD",
      `payload.header.shard: chain ${chainId} ('${entry.name}') has shards 0..${entry.shardsAddedAt.length - 1}, not ${shard}`,
    );
  const stored = scope.records.read(
    RecordNamespace.AnchoredHeader,
    anchoredHeaderRecordId(chainId, shard, height),
  );
  if (stored !== null)
    return refuse(
      "TX_ERROR_ALREADY_ANCHORED",
      `chain ${chainId} shard ${shard} height ${height} is already anchored (at main height ${decodeAnchoredHeaderEntry(stored).anchoredAt})`,
    );
  return entry;
}

/**
 * Anchors a worker shard header: the registry rules (`anchorTarget`), then the anchor verifier must accept its
 * certificate (absent verifier: refused; checked at execution only, as it depends on the block's main height). Writes
 * the AnchoredHeader at its height, and the shard's AnchorHead when the height is above it (the head is the highest
 * height anchored, never lowered).
 */
export function checkAnchor(tx: TxOfKind<TxKind.Anchor>, scope: RegistryScope): Checked {
  const { header } = tx.payload;
  const { chainId, shard, height } = header;
  const entry = anchorTarget(tx, scope);
  if ("code" in entry) return entry;
  const { ctx } = scope;
  const reason = ctx.anchorVerifier
    ? ctx.anchorVerifier(header, entry, ctx.height)
    : "this node cannot check certificates";
  if (reason !== null)
    return refuse(
      "TX_ERROR_BAD_CERTIFICATE",
      `certificate of chain ${chainId} shard ${shard} height ${height} refused: ${reason}`,
    );
  const hash = headerHash(header);
  const anchored = {
    hash,
    stateRoot: header.stateRoot,
    receiptRoot: header.receiptRoot,
    epoch: header.epoch,
    anchoredAt: ctx.height,
  };
  const headId = anchorHeadRecordId(chainId, shard);
  const stored = scope.records.read(RecordNamespace.AnchorHead, headId);
  const raisesHead = stored === null || decodeAnchorHeadEntry(stored).height < height;
  return () => {
    if (raisesHead)
      scope.records.write(RecordNamespace.AnchorHead, headId, encodeAnchorHeadEntry({ height, hash }));
    scope.records.write(
      RecordNamespace.AnchoredHeader,
      anchoredHeaderRecordId(chainId, shard, height),
      encodeAnchoredHeaderEntry(anchored),
    );
  };
}

/**
 * Stores a worker chain record (ns SchemaRecord, id by `schemaRecordId`) after decoding it against the chain's schema;
 * a record with the key of an earlier one replaces it.
 */
export function checkRecord(tx: TxOfKind<TxKind.Record>, { t, records, ctx }: ChainTxScope): Checked {
  const schema = ctx.schema;
  if (!schema) throw new Error("record tx executed on a chain without a schema");
  const decoded = decodeRecordPayload(schema, tx.payload);
  if ("failure" in decoded) return decoded.failure;
  const id = schemaRecordId(schema, tx.payload.recordType, decoded.value, t.hash);
  const value = encodeSchemaRecordValue({ record: tx.payload.record, txHash: t.hash, height: ctx.height });
  return () => records.write(RecordNamespace.SchemaRecord, id, value);
}
