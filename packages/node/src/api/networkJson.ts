import { bytesToHex } from "@vshard/crypto";
import type { ChainEntry, CommitteeMember, ValidatorEntry } from "@vshard/engine";
import {
  addressFromPublicKey,
  addressToText,
  decodeSchema,
  schemaToJson,
  type WorkerChainSchema,
} from "@vshard/types";
import type { NetworkView } from "./networkView.ts";

/** The `vs…` address of an ed25519 public key. */
export function addressOfKey(publicKey: Uint8Array): string {
  return addressToText(addressFromPublicKey(publicKey));
}

/** JSON form of a committee member: address, ed25519 key, BLS key (when it has one), weight. */
export function committeeMemberToJson(m: CommitteeMember) {
  return {
    address: addressOfKey(m.publicKey),
    publicKey: bytesToHex(m.publicKey),
    ...(m.blsPublicKey ? { blsPublicKey: bytesToHex(m.blsPublicKey) } : {}),
    weight: m.weight,
  };
}

/** JSON form of a registered validator (the deposit as a decimal string). */
export function validatorToJson(v: ValidatorEntry) {
  return {
    publicKey: bytesToHex(v.publicKey),
    address: addressOfKey(v.publicKey),
    blsPublicKey: bytesToHex(v.blsPublicKey),
    vrfPublicKey: bytesToHex(v.vrfPublicKey),
    deposit: v.deposit.toString(),
    registeredHeight: v.registeredHeight,
  };
}

/** One shard of a registered chain as `GET /v1/chains` lists it; the figures are null when this node does not run it. */
export interface ShardSummaryJson {
  shard: number;
  plugin: string;
  /** Main height at which the shard was added. */
  addedAt: number;
  /** Whether this node runs the shard. */
  running: boolean;
  height: number | null;
  finalizedHeight: number | null;
  /** Epoch of the committee the shard runs with, null before the main chain fixes one. */
  committeeEpoch: number | null;
  /** Height of the shard's last header anchored on the main chain, null before the first anchor. */
  anchoredHeight: number | null;
}

async function shardSummary(
  network: NetworkView,
  entry: ChainEntry,
  schema: WorkerChainSchema,
  shard: number,
): Promise<ShardSummaryJson> {
  const { chainId } = entry;
  const hosted = network.shard(chainId, shard);
  const anchor = await network.registry.anchorHead(chainId, shard);
  return {
    shard,
    plugin: schema.shards[shard].consensus.plugin,
    addedAt: entry.shardsAddedAt[shard],
    running: hosted !== undefined,
    height: hosted ? hosted.chain.head().height : null,
    finalizedHeight: hosted ? hosted.chain.finalizedHeight() : null,
    committeeEpoch: network.committeeOf(chainId, shard)?.committee.epoch ?? hosted?.committee.epoch ?? null,
    anchoredHeight: anchor ? anchor.height : null,
  };
}

/**
 * A registered chain as `GET /v1/chains` lists it: its registry entry (schema hash in hex, owner as an address) and
 * each shard's summary; with `withSchema`, also its schema in JSON form (every default spelt out).
 */
export async function chainToJson(network: NetworkView, entry: ChainEntry, withSchema = false) {
  const schema = decodeSchema(entry.schema);
  return {
    chainId: entry.chainId,
    name: entry.name,
    version: entry.version,
    schemaHash: bytesToHex(entry.schemaHash),
    owner: addressOfKey(entry.owner),
    registeredHeight: entry.registeredHeight,
    updatedHeight: entry.updatedHeight,
    shards: await Promise.all(entry.shardsAddedAt.map((_, s) => shardSummary(network, entry, schema, s))),
    ...(withSchema ? { schema: schemaToJson(schema) } : {}),
  };
}
