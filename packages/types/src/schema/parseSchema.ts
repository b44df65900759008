import { parseShardConsensus } from "./consensusParams.ts";
import { IDENTIFIER_PATTERN, IDENTIFIER_RULE, maxEncodedRecordSize, parseFieldSpec } from "./fieldTypes.ts";
import {
  childPath,
  readArray,
  readChoice,
  readDecimal,
  readInteger,
  readObject,
  readPattern,
} from "./jsonReader.ts";
import { schemaFail } from "./schemaError.ts";
import {
  ASSIGNMENT_RULES,
  type AssignmentRule,
  BLOCK_BYTES_RANGE,
  BLOCK_INTERVAL_RANGE,
  BLOCK_TXS_RANGE,
  type BlockLimits,
  type CompressionSpec,
  DEFAULT_ZSTD_LEVEL,
  type FeeRules,
  type FieldSpec,
  MAX_COMMITTEE_SIZE,
  MAX_RECORD_BYTES,
  MAX_RECORD_FIELDS,
  MAX_RECORD_TYPES,
  MAX_SCHEMA_VERSION,
  MAX_SHARDS,
  type RecordTypeSpec,
  type ShardSpec,
  type WorkerChainSchema,
  ZSTD_LEVEL_RANGE,
} from "./schemaTypes.ts";

/** Chain names: 3..40 of a-z, 0-9 and `-`, starting with a letter, not ending with `-` (`gpu-rental`). */
export const CHAIN_NAME_PATTERN = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;
const CHAIN_NAME_RULE = "3..40 of a-z, 0-9 and '-', starting with a letter and not ending with '-'";
/** The keys of a schema: required, then optional. */
const TOP_REQUIRED = ["name", "version", "shards", "limits", "fees", "assignment"] as const;
const TOP_OPTIONAL = ["compression", "recordTypes"] as const;
/** Field types a record key may have: those whose values compare exactly and are short to index. */
const KEY_TYPES: readonly FieldSpec["type"][] = ["string", "bytes", "uint", "address"];

function parseShard(value: unknown, path: string): ShardSpec {
  const raw = readObject(value, path, ["consensus"], ["committeeSize"]);
  const consensus = parseShardConsensus(raw.consensus, childPath(path, "consensus"));
  if (raw.committeeSize === undefined) return { consensus };
  const sizePath = childPath(path, "committeeSize");
  const committeeSize = readInteger(raw.committeeSize, sizePath, 1, MAX_COMMITTEE_SIZE);
  if (consensus.plugin === "solo" && committeeSize !== 1)
    schemaFail(
      sizePath,
      `a solo shard has exactly one authority, so its committeeSize must be 1, got ${committeeSize}`,
    );
  return { consensus, committeeSize };
}

function parseLimits(value: unknown, path: string): BlockLimits {
  const raw = readObject(value, path, ["maxBlockTxs", "maxBlockBytes", "targetBlockIntervalMs"]);
  const range = (key: string, [min, max]: readonly [number, number]) =>
    readInteger(raw[key], childPath(path, key), min, max);
  return {
    maxBlockTxs: range("maxBlockTxs", BLOCK_TXS_RANGE),
    maxBlockBytes: range("maxBlockBytes", BLOCK_BYTES_RANGE),
    targetBlockIntervalMs: range("targetBlockIntervalMs", BLOCK_INTERVAL_RANGE),
  };
}

function parseCompression(value: unknown, path: string): CompressionSpec {
  const raw = readObject(value, path, ["codec"], ["level"]);
  const codec = readChoice(raw.codec, childPath(path, "codec"), ["zstd", "none"] as const);
  if (codec === "none") {
    if (raw.level !== undefined) schemaFail(childPath(path, "level"), "only codec 'zstd' takes a level");
    return { codec };
  }
  const [min, max] = ZSTD_LEVEL_RANGE;
  const level =
    raw.level === undefined ? DEFAULT_ZSTD_LEVEL : readInteger(raw.level, childPath(path, "level"), min, max);
  return { codec, level };
}

function parseFees(value: unknown, path: string): FeeRules {
  const raw = readObject(value, path, ["minFee"], ["perByte"]);
  return {
    minFee: readDecimal(raw.minFee, childPath(path, "minFee")),
    perByte: raw.perByte === undefined ? 0n : readDecimal(raw.perByte, childPath(path, "perByte")),
  };
}

function parseAssignment(value: unknown, path: string): AssignmentRule {
  const raw = readObject(value, path, ["rule"]);
  return { rule: readChoice(raw.rule, childPath(path, "rule"), ASSIGNMENT_RULES) };
}

/** Fails at `path[i].name` when two items share a name. */
function checkUniqueNames(items: readonly { name: string }[], path: string, what: string): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const first = seen.get(item.name);
    if (first !== undefined)
      schemaFail(
        childPath(childPath(path, i), "name"),
        `duplicate ${what} name '${item.name}' (also ${childPath(path, first)})`,
      );
    seen.set(item.name, i);
  });
}

function parseRecordType(value: unknown, path: string): RecordTypeSpec {
  const raw = readObject(value, path, ["name", "fields"], ["key"]);
  const name = readPattern(raw.name, childPath(path, "name"), IDENTIFIER_PATTERN, IDENTIFIER_RULE);
  const fieldsPath = childPath(path, "fields");
  const fields = readArray(raw.fields, fieldsPath, 1, MAX_RECORD_FIELDS).map((f, i) =>
    parseFieldSpec(f, childPath(fieldsPath, i)),
  );
  checkUniqueNames(fields, fieldsPath, "field");
  const size = maxEncodedRecordSize(fields);
  if (size > MAX_RECORD_BYTES)
    schemaFail(
      fieldsPath,
      `a '${name}' record may take ${size} bytes encoded, ` +
        `more than the ${MAX_RECORD_BYTES} allowed (lower a maxLength)`,
    );
  if (raw.key === undefined) return { name, fields };
  const keyPath = childPath(path, "key");
  const key = readPattern(raw.key, keyPath, IDENTIFIER_PATTERN, IDENTIFIER_RULE);
  const field = fields.find((f) => f.name === key);
  if (!field) schemaFail(keyPath, `'${key}' is not a field of '${name}'`);
  if (field.optional) schemaFail(keyPath, `key field '${key}' is optional; a key must always be present`);
  if (!KEY_TYPES.includes(field.type))
    schemaFail(
      keyPath,
      `key field '${key}' is a ${field.type}; a key must be a ${KEY_TYPES.join(", ")} field`,
    );
  return { name, fields, key };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/**
 * Validates a parsed JSON worker-chain schema and returns it normalised (every default filled, keys in one order)
 * and deeply frozen. The first fault found throws `SchemaError` (`SCHEMA_ERROR_INVALID`) with its path and reason,
 * e.g. `schema $.shards[2].consensus.params.producers: expected an integer in 1..1024, got 0`. In each object,
 * unknown keys (refused) and missing keys come first, then the values in the order of the format (examples/README.md).
 */
export function parseWorkerChainSchema(json: unknown): WorkerChainSchema {
  const raw = readObject(json, "$", TOP_REQUIRED, TOP_OPTIONAL);
  const name = readPattern(raw.name, "$.name", CHAIN_NAME_PATTERN, CHAIN_NAME_RULE);
  const version = readInteger(raw.version, "$.version", 1, MAX_SCHEMA_VERSION);
  const shards = readArray(raw.shards, "$.shards", 1, MAX_SHARDS).map((s, i) =>
    parseShard(s, `$.shards[${i}]`),
  );
  const limits = parseLimits(raw.limits, "$.limits");
  const compression =
    raw.compression === undefined
      ? ({ codec: "zstd", level: DEFAULT_ZSTD_LEVEL } as const)
      : parseCompression(raw.compression, "$.compression");
  const fees = parseFees(raw.fees, "$.fees");
  const assignment = parseAssignment(raw.assignment, "$.assignment");
  const recordTypes =
    raw.recordTypes === undefined
      ? []
      : readArray(raw.recordTypes, "$.recordTypes", 0, MAX_RECORD_TYPES).map((t, i) =>
          parseRecordType(t, `$.recordTypes[${i}]`),
        );
  checkUniqueNames(recordTypes, "$.recordTypes", "record type");
  return deepFreeze({ name, version, shards, limits, compression, fees, assignment, recordTypes });
}

/**
 * Parses schema text (a file's content): invalid JSON is a `SchemaError` at `$`, the rest as
 * `parseWorkerChainSchema`.
 */
export function parseWorkerChainSchemaText(text: string): WorkerChainSchema {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    schemaFail("$", `not valid JSON (${(err as Error).message})`);
  }
  return parseWorkerChainSchema(json);
}
