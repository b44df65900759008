import { bytesEqual } from "@vshard/crypto";
import { encodeTuple } from "../codec.ts";
import { consensusParamsToTuple } from "./consensusParams.ts";
import { describeField } from "./fieldTypes.ts";
import { fieldSpecToTuple } from "./schemaCodec.ts";
import { updateFail } from "./schemaError.ts";
import type { FieldSpec, RecordTypeSpec, ShardSpec, WorkerChainSchema } from "./schemaTypes.ts";

/** What an accepted update changes, for the nodes that apply it. */
export interface SchemaUpdate {
  /** Ids of the shards the update appends: their chains start. */
  readonly addedShards: readonly number[];
  /** Ids of existing shards whose plugin parameters or committee size change. */
  readonly changedShards: readonly number[];
  /** Names of the record types the update appends. */
  readonly addedRecordTypes: readonly string[];
}

const shardBytes = (s: ShardSpec) =>
  encodeTuple([consensusParamsToTuple(s.consensus), s.committeeSize ?? null]);
const fieldBytes = (f: FieldSpec) => encodeTuple(fieldSpecToTuple(f));
const fieldWords = (f: FieldSpec) => `'${f.name}' ${describeField(f)}${f.optional ? " (optional)" : ""}`;

function checkRecordType(before: RecordTypeSpec, after: RecordTypeSpec, path: string): void {
  const frozen = "an existing record type cannot change (append a new record type instead)";
  if (after.name !== before.name)
    updateFail(`${path}.name`, `record type '${before.name}' is renamed '${after.name}'; ${frozen}`);
  if (after.fields.length !== before.fields.length)
    updateFail(
      `${path}.fields`,
      `'${before.name}' has ${before.fields.length} fields, the update ${after.fields.length}; ${frozen}`,
    );
  before.fields.forEach((field, i) => {
    if (!bytesEqual(fieldBytes(field), fieldBytes(after.fields[i])))
      updateFail(
        `${path}.fields[${i}]`,
        `field ${fieldWords(field)} is changed to ${fieldWords(after.fields[i])}; ${frozen}`,
      );
  });
  if (after.key !== before.key)
    updateFail(
      `${path}.key`,
      `key of '${before.name}' is '${before.key ?? "none"}', the update '${after.key ?? "none"}'; ${frozen}`,
    );
}

/**
 * Checks that `next` may replace `previous` (both already parsed): same name, version + 1, shards only appended
 * (an existing shard keeps its plugin; its parameters and committee size may change), the assignment rule kept,
 * record types only appended and existing ones unchanged (name, fields, key). Limits, compression and fees may
 * change. A refused update throws `SchemaError` (`SCHEMA_ERROR_UPDATE`) naming the path in `next`.
 */
export function checkSchemaUpdate(previous: WorkerChainSchema, next: WorkerChainSchema): SchemaUpdate {
  if (next.name !== previous.name)
    updateFail("$.name", `a chain keeps its name: expected '${previous.name}', got '${next.name}'`);
  if (next.version !== previous.version + 1)
    updateFail(
      "$.version",
      `expected ${previous.version + 1} (the version in force, ${previous.version}, plus 1), got ${next.version}`,
    );
  if (next.shards.length < previous.shards.length)
    updateFail(
      "$.shards",
      `${next.shards.length} shards, fewer than the ${previous.shards.length} in force; shards may only be appended`,
    );
  const changedShards: number[] = [];
  previous.shards.forEach((shard, i) => {
    const was = shard.consensus.plugin;
    const now = next.shards[i].consensus.plugin;
    if (now !== was)
      updateFail(
        `$.shards[${i}].consensus.plugin`,
        `shard ${i} runs '${was}', the update '${now}'; ` +
          "an existing shard keeps its plugin (append a new shard instead)",
      );
    if (!bytesEqual(shardBytes(shard), shardBytes(next.shards[i]))) changedShards.push(i);
  });
  if (next.assignment.rule !== previous.assignment.rule)
    updateFail(
      "$.assignment.rule",
      `the rule in force is '${previous.assignment.rule}'; changing it would move accounts between shards`,
    );
  if (next.recordTypes.length < previous.recordTypes.length)
    updateFail(
      "$.recordTypes",
      `${next.recordTypes.length} record types, fewer than the ${previous.recordTypes.length} in force; ` +
        "record types may only be appended",
    );
  for (const [i, type] of previous.recordTypes.entries())
    checkRecordType(type, next.recordTypes[i], `$.recordTypes[${i}]`);
  return {
    addedShards: next.shards.slice(previous.shards.length).map((_, i) => previous.shards.length + i),
    changedShards,
    addedRecordTypes: next.recordTypes.slice(previous.recordTypes.length).map((t) => t.name),
  };
}
