import { bytesEqual } from "@vshard/crypto";
import { type EpochProofPurpose, RecordNamespace } from "@vshard/types";
import type { ShardChain } from "../chain/shardChain.ts";
import type { EpochProofEntryWithKey, RegistryReader } from "./interface.ts";
import {
  decodeAnchoredHeaderEntry,
  decodeAnchorHeadEntry,
  decodeChainEntry,
  decodeEpochProofEntry,
  decodeValidatorEntry,
} from "./registryEntries.ts";
import {
  anchoredHeaderRecordId,
  anchorHeadRecordId,
  chainRecordId,
  epochProofPrefix,
  validatorRecordId,
} from "./registryIds.ts";

/** Reads one record's value (null: never written). */
export type RecordRead = (namespace: RecordNamespace, id: Uint8Array) => Promise<Uint8Array | null>;

/** Lists records of a namespace in id byte order, after `after`, at most `limit`. */
export type RecordList = (
  namespace: RecordNamespace,
  opts: { after?: Uint8Array; limit: number },
) => Promise<Array<{ id: Uint8Array; value: Uint8Array }>>;

/**
 * Records per listing round trip: a registry of a few thousand validators lists in a few rounds, while one round's
 * values (≈ 150 bytes a validator, up to 64 KiB a chain schema) stay small.
 */
const LIST_PAGE = 256;

/** Every record of `namespace` after `after` whose id starts with `prefix`, in id order. */
async function listAll(
  list: RecordList,
  namespace: RecordNamespace,
  prefix: Uint8Array,
): Promise<Array<{ id: Uint8Array; value: Uint8Array }>> {
  const out: Array<{ id: Uint8Array; value: Uint8Array }> = [];
  // The smallest id with the prefix comes right after the prefix itself (an id equal to it is never stored).
  let after: Uint8Array | undefined = prefix.length > 0 ? prefix : undefined;
  for (;;) {
    const page = await list(namespace, { ...(after ? { after } : {}), limit: LIST_PAGE });
    for (const entry of page) {
      if (!bytesEqual(entry.id.subarray(0, prefix.length), prefix)) return out;
      out.push(entry);
    }
    if (page.length < LIST_PAGE) return out;
    after = page[page.length - 1].id;
  }
}

/**
 * A typed, read-only view of the registry records that `read` and `list` serve (ShardChain's `getRecord` and
 * `listRecords` fit them through a lambda: see `registryReaderOf`).
 */
export function createRegistryReader(read: RecordRead, list: RecordList): RegistryReader {
  const get = async <T>(
    ns: RecordNamespace,
    id: Uint8Array,
    decode: (b: Uint8Array) => T,
  ): Promise<T | null> => {
    const value = await read(ns, id);
    return value === null ? null : decode(value);
  };
  return {
    getChain: (chainId) => get(RecordNamespace.Chain, chainRecordId(chainId), decodeChainEntry),
    async listChains() {
      return (await listAll(list, RecordNamespace.Chain, new Uint8Array(0))).map((e) =>
        decodeChainEntry(e.value),
      );
    },
    getValidator: (publicKey) =>
      get(RecordNamespace.Validator, validatorRecordId(publicKey), decodeValidatorEntry),
    async listValidators() {
      const all = await listAll(list, RecordNamespace.Validator, new Uint8Array(0));
      return all.map((e) => decodeValidatorEntry(e.value));
    },
    anchorHead: (chainId, shard) =>
      get(RecordNamespace.AnchorHead, anchorHeadRecordId(chainId, shard), decodeAnchorHeadEntry),
    anchoredHeader: (chainId, shard, height) =>
      get(
        RecordNamespace.AnchoredHeader,
        anchoredHeaderRecordId(chainId, shard, height),
        decodeAnchoredHeaderEntry,
      ),
    async epochProofs(epoch: number, purpose: EpochProofPurpose): Promise<EpochProofEntryWithKey[]> {
      const prefix = epochProofPrefix(epoch, purpose);
      const all = await listAll(list, RecordNamespace.EpochProof, prefix);
      return all.map((e) => ({ ...decodeEpochProofEntry(e.value), validator: e.id.slice(prefix.length) }));
    },
  };
}

/** The registry as of `chain`'s committed head (the main chain's). */
export function registryReaderOf(chain: ShardChain): RegistryReader {
  return createRegistryReader(
    async (ns, id) => (await chain.getRecord(ns, id)).value,
    (ns, opts) => chain.listRecords(ns, opts),
  );
}
