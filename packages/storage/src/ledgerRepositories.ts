import { concatBytes } from "@vshard/crypto";
import {
  type Account,
  decodeAccount,
  decodeBody,
  decodeHeader,
  decodeReceipt,
  encodeAccount,
  encodeBody,
  encodeHeader,
  encodeReceipt,
  type Header,
  type Receipt,
  type RecordRef,
  type SignedTx,
} from "@vshard/types";
import { Bucket, chainShardHeightKey, chainShardKey, MetaKey, recordNamespaceKey, u32be } from "./buckets.ts";
import type { KvStore } from "./kvStore.ts";
import {
  type BodyStats,
  type ChainHead,
  compressBody,
  decodeBodyStats,
  decodeChainHead,
  decodeStateCheckpoint,
  decodeTxLocation,
  decompressBody,
  encodeBodyStats,
  encodeChainHead,
  encodeStateCheckpoint,
  encodeTxLocation,
  type StateCheckpoint,
  type TxLocation,
} from "./ledgerRecords.ts";
import { Repository } from "./repository.ts";
import { decodeWriteSet, encodeWriteSet, type WriteSet } from "./writeSet.ts";

/** A chain shard. */
export interface ChainShard {
  chainId: number;
  shard: number;
}

/** A height of a chain shard. */
export interface ChainShardHeight extends ChainShard {
  height: number;
}

/** The repositories a `LedgerDb` gathers, one per bucket (two in Meta). */
export interface LedgerRepositories {
  headers: Repository<Uint8Array, Header>;
  /** Values are stored zstd-compressed at `compressionLevel`. */
  bodies: Repository<Uint8Array, SignedTx[]>;
  hashByHeight: Repository<ChainShardHeight, Uint8Array>;
  txLocations: Repository<Uint8Array, TxLocation>;
  accounts: Repository<ChainShard & { address: Uint8Array }, Account>;
  stateNodes: Repository<ChainShard & { key: Uint8Array }, Uint8Array>;
  outbox: Repository<ChainShardHeight & { index: number }, Receipt>;
  /** Records beside accounts, by namespace and id; values are the bytes their owner module encoded. */
  records: Repository<ChainShard & RecordRef, Uint8Array>;
  heads: Repository<ChainShard, ChainHead>;
  stateCheckpoints: Repository<ChainShard, StateCheckpoint>;
  bodyStats: Repository<null, BodyStats>;
  writeSets: Repository<ChainShardHeight, WriteSet>;
}

const identity = (bytes: Uint8Array): Uint8Array => bytes;

function hashValue(bytes: Uint8Array): Uint8Array {
  if (bytes.length !== 32) throw new Error(`expected a 32-byte hash, found ${bytes.length} bytes`);
  return bytes;
}

/** Builds the repositories of a ledger over `store`. */
export function createLedgerRepositories(store: KvStore, compressionLevel: number): LedgerRepositories {
  const m = { store };
  return {
    headers: new Repository(
      {
        bucket: Bucket.HeaderByHash,
        name: "header",
        encodeKey: identity,
        encodeValue: encodeHeader,
        decodeValue: decodeHeader,
      },
      m,
    ),
    bodies: new Repository(
      {
        bucket: Bucket.BodyByHash,
        name: "body",
        encodeKey: identity,
        encodeValue: (txs) => compressBody(encodeBody(txs), compressionLevel),
        decodeValue: (bytes) => decodeBody(decompressBody(bytes)),
      },
      m,
    ),
    hashByHeight: new Repository(
      {
        bucket: Bucket.HashByHeight,
        name: "hashByHeight",
        encodeKey: (k) => chainShardHeightKey(k.chainId, k.shard, k.height),
        encodeValue: identity,
        decodeValue: hashValue,
      },
      m,
    ),
    txLocations: new Repository(
      {
        bucket: Bucket.TxLocation,
        name: "txLocation",
        encodeKey: identity,
        encodeValue: encodeTxLocation,
        decodeValue: decodeTxLocation,
      },
      m,
    ),
    accounts: new Repository(
      {
        bucket: Bucket.Account,
        name: "account",
        encodeKey: (k) => concatBytes(chainShardKey(k.chainId, k.shard), k.address),
        encodeValue: encodeAccount,
        decodeValue: decodeAccount,
      },
      m,
    ),
    stateNodes: new Repository(
      {
        bucket: Bucket.StateNode,
        name: "stateNode",
        encodeKey: (k) => concatBytes(chainShardKey(k.chainId, k.shard), k.key),
        encodeValue: identity,
        decodeValue: identity,
      },
      m,
    ),
    outbox: new Repository(
      {
        bucket: Bucket.OutboxByHeight,
        name: "outboxReceipt",
        encodeKey: (k) => concatBytes(chainShardHeightKey(k.chainId, k.shard, k.height), u32be(k.index)),
        encodeValue: encodeReceipt,
        decodeValue: decodeReceipt,
      },
      m,
    ),
    records: new Repository(
      {
        bucket: Bucket.Record,
        name: "record",
        encodeKey: (k) => concatBytes(recordNamespaceKey(k.chainId, k.shard, k.namespace), k.id),
        encodeValue: identity,
        decodeValue: identity,
      },
      m,
    ),
    writeSets: new Repository(
      {
        bucket: Bucket.WriteSet,
        name: "writeSet",
        encodeKey: (k) => chainShardHeightKey(k.chainId, k.shard, k.height),
        encodeValue: encodeWriteSet,
        decodeValue: decodeWriteSet,
      },
      m,
    ),
    heads: new Repository(
      {
        bucket: Bucket.Meta,
        name: "chainHead",
        encodeKey: (k) => concatBytes(Uint8Array.of(MetaKey.ChainHead), chainShardKey(k.chainId, k.shard)),
        encodeValue: encodeChainHead,
        decodeValue: decodeChainHead,
      },
      m,
    ),
    stateCheckpoints: new Repository(
      {
        bucket: Bucket.Meta,
        name: "stateCheckpoint",
        encodeKey: (k) =>
          concatBytes(Uint8Array.of(MetaKey.StateCheckpoint), chainShardKey(k.chainId, k.shard)),
        encodeValue: encodeStateCheckpoint,
        decodeValue: decodeStateCheckpoint,
      },
      m,
    ),
    bodyStats: new Repository(
      {
        bucket: Bucket.Meta,
        name: "bodyStats",
        encodeKey: () => Uint8Array.of(MetaKey.BodyStats),
        encodeValue: encodeBodyStats,
        decodeValue: decodeBodyStats,
      },
      m,
    ),
  };
}
