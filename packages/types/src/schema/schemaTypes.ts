/** The consensus plugins a worker-chain shard may run. */
export const CONSENSUS_PLUGINS = ["solo", "bft", "dpos"] as const;
/** A consensus plugin name. */
export type ConsensusPluginName = (typeof CONSENSUS_PLUGINS)[number];

/** Parameters of a `solo` shard (the block cadence is `limits.targetBlockIntervalMs`). */
export interface SoloParams {
  readonly emptyBlocks: boolean;
}

/** Parameters of a `bft` shard (the wait between heights is `limits.targetBlockIntervalMs`). */
export interface BftParams {
  readonly timeoutProposeMs: number;
  readonly timeoutVoteMs: number;
  readonly timeoutDeltaMs: number;
  readonly maxTimeoutMs: number;
  readonly rebroadcastMs: number;
  readonly emptyBlocks: boolean;
}

/** Parameters of a `dpos` shard (the slot length is `limits.targetBlockIntervalMs`). */
export interface DposParams {
  readonly producers: number;
  readonly epochLength: number;
  readonly maxForkDepth: number;
  readonly maxOrphans: number;
  readonly emptyBlocks: boolean;
}

/** The consensus of one shard: its plugin and that plugin's parameters, every one of them present (defaults filled). */
export type ShardConsensus =
  | { readonly plugin: "solo"; readonly params: SoloParams }
  | { readonly plugin: "bft"; readonly params: BftParams }
  | { readonly plugin: "dpos"; readonly params: DposParams };

/** One vShard; its id is its index in `WorkerChainSchema.shards`. */
export interface ShardSpec {
  readonly consensus: ShardConsensus;
  /** Validators drawn for this shard each epoch; absent: the network's configured committee size. */
  readonly committeeSize?: number;
}

/** Block limits of every shard of the chain (the elastic block size moves within them). */
export interface BlockLimits {
  readonly maxBlockTxs: number;
  readonly maxBlockBytes: number;
  readonly targetBlockIntervalMs: number;
}

/** How finalised bodies are compressed in the DLFS. */
export type CompressionSpec = { readonly codec: "zstd"; readonly level: number } | { readonly codec: "none" };

/** Fee rule: a tx pays at least `minFee + perByte × (its encoded size in bytes)`. */
export interface FeeRules {
  readonly minFee: bigint;
  readonly perByte: bigint;
}

/** The vShard assignment rules. */
export const ASSIGNMENT_RULES = ["address-hash", "explicit-suffix"] as const;
/**
 * Which shard an account's sub-account lives in: `address-hash` — exactly one, the first 8 bytes of
 * sha256(address) read as a big-endian uint64, modulo the shard count; `explicit-suffix` — any, the sender names
 * it (`main@shard`).
 */
export interface AssignmentRule {
  readonly rule: (typeof ASSIGNMENT_RULES)[number];
}

/** The field types of record types. */
export const FIELD_TYPES = [
  "string",
  "uint",
  "int",
  "amount",
  "bool",
  "address",
  "bytes",
  "enum",
  "timestamp",
] as const;
/** A field type name. */
export type FieldTypeName = (typeof FIELD_TYPES)[number];

interface FieldBase {
  readonly name: string;
  /** An optional field may be absent (or null) in a payload; it then reads as null. */
  readonly optional: boolean;
}

/**
 * One typed field of a record type, constraints filled with their defaults. Lengths of `string` are counted in
 * UTF-8 bytes; `bytes` are written as lower-case hex in JSON; `timestamp` is milliseconds since the Unix epoch;
 * `amount` is a decimal string in JSON and a bigint in values; `address` is the text form `vs…` in JSON.
 */
export type FieldSpec =
  | (FieldBase & {
      readonly type: "string" | "bytes";
      readonly minLength: number;
      readonly maxLength: number;
    })
  | (FieldBase & { readonly type: "uint" | "int"; readonly min: number; readonly max: number })
  | (FieldBase & { readonly type: "enum"; readonly values: readonly string[] })
  | (FieldBase & { readonly type: "amount" | "bool" | "address" | "timestamp" });

/** A record type: the payload of the chain's own transactions. */
export interface RecordTypeSpec {
  readonly name: string;
  readonly fields: readonly FieldSpec[];
  /** The field that identifies a record (queries, updates); a required string, bytes, uint or address field. */
  readonly key?: string;
}

/** A validated, normalised, frozen worker-chain schema. */
export interface WorkerChainSchema {
  readonly name: string;
  readonly version: number;
  readonly shards: readonly ShardSpec[];
  readonly limits: BlockLimits;
  readonly compression: CompressionSpec;
  readonly fees: FeeRules;
  readonly assignment: AssignmentRule;
  readonly recordTypes: readonly RecordTypeSpec[];
}

/** Highest schema version (a uint32). */
export const MAX_SCHEMA_VERSION = 0xffff_ffff;
/** Most shards a chain may have: each shard's header is anchored on the main chain, so this bounds anchoring work. */
export const MAX_SHARDS = 1024;
/** Largest committee a shard may ask for: one BLS aggregate over 1,024 signers still verifies in a few ms. */
export const MAX_COMMITTEE_SIZE = 1024;
/** Block tx count bounds: ≥ 1 tx, ≤ 100,000 (≈ 6 s of ed25519 verification on 2 cores at ~8k/s per core). */
export const BLOCK_TXS_RANGE = [1, 100_000] as const;
/**
 * Block body bounds: ≥ 16 KiB (the largest record tx fits), ≤ 64 MiB (a body is one store value and one DLFS upload).
 */
export const BLOCK_BYTES_RANGE = [16 * 1024, 64 * 1024 * 1024] as const;
/** Block interval bounds: ≥ 10 ms (dpos's shortest slot), ≤ 10 minutes. */
export const BLOCK_INTERVAL_RANGE = [10, 600_000] as const;
/**
 * Longest consensus timeout a schema may set: 10 minutes, beyond which a stalled round cannot be told from a dead
 * shard.
 */
export const MAX_TIMEOUT_MS = 600_000;
/** zstd level bounds (1 fastest … 19 smallest without the ultra levels) and the default, zstd's own default. */
export const ZSTD_LEVEL_RANGE = [1, 19] as const;
/** zstd level used when a schema names `zstd` without a level (zstd's own default; the storage layer uses it too). */
export const DEFAULT_ZSTD_LEVEL = 3;
/** Most record types of one chain. */
export const MAX_RECORD_TYPES = 64;
/** Most fields of one record type. */
export const MAX_RECORD_FIELDS = 32;
/** Longest `string` field, in UTF-8 bytes. */
export const MAX_STRING_LENGTH = 4096;
/** Longest `bytes` field. */
export const MAX_BYTES_LENGTH = 8192;
/** Most values of an `enum` field (its index fits one byte). */
export const MAX_ENUM_VALUES = 256;
/**
 * Largest encoded record a record type may allow: 12 KiB leaves room for the tx envelope (keys, nonce, fee,
 * signature) under the engine's 16 KiB `maxTxBytes`.
 */
export const MAX_RECORD_BYTES = 12 * 1024;
/** Latest timestamp (the largest JavaScript Date, year 275760), in ms since the Unix epoch. */
export const MAX_TIMESTAMP = 8_640_000_000_000_000;
