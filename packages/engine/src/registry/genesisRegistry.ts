import {
  EpochProofPurpose,
  encodeSchema,
  type RecordEntry,
  RecordNamespace,
  schemaHash,
} from "@vshard/types";
import type { Genesis } from "../chain/genesis.ts";
import { MAIN_CHAIN_ID } from "./options.ts";
import { encodeChainEntry, encodeEpochProofEntry, encodeValidatorEntry } from "./registryEntries.ts";
import {
  chainNameRecordId,
  chainRecordId,
  counterRecordId,
  epochProofRecordId,
  NEXT_CHAIN_ID_COUNTER,
  u32be,
  validatorRecordId,
  vrfKeyRecordId,
} from "./registryIds.ts";

/**
 * The registry records of a main-chain genesis (none for any other chain): a Validator and a VrfKey record for every
 * validator with a VRF key (its deposit: its stake), its epoch-0 Sortition proof at height 0 when it has one, and a
 * Chain and a ChainName record for every genesis worker chain (ids 1, 2, ... in order, owned by the authority, every
 * shard added at height 0) with the id counter after them.
 */
export function genesisRegistryRecords(genesis: Genesis): RecordEntry[] {
  if (genesis.chainId !== MAIN_CHAIN_ID) return [];
  const out: RecordEntry[] = [];
  for (const v of genesis.validators) {
    if (!v.vrfPublicKey || !v.blsPublicKey) continue;
    const entry = {
      publicKey: v.publicKey,
      blsPublicKey: v.blsPublicKey,
      vrfPublicKey: v.vrfPublicKey,
      deposit: v.stake,
      registeredHeight: 0,
    };
    out.push(
      {
        namespace: RecordNamespace.Validator,
        id: validatorRecordId(v.publicKey),
        value: encodeValidatorEntry(entry),
      },
      { namespace: RecordNamespace.VrfKey, id: vrfKeyRecordId(v.vrfPublicKey), value: v.publicKey },
    );
    if (v.sortitionProof)
      out.push({
        namespace: RecordNamespace.EpochProof,
        id: epochProofRecordId(0, EpochProofPurpose.Sortition, v.publicKey),
        value: encodeEpochProofEntry({ proof: v.sortitionProof, height: 0 }),
      });
  }
  const chains = genesis.chains ?? [];
  chains.forEach((schema, i) => {
    const chainId = i + 1;
    const entry = {
      chainId,
      name: schema.name,
      owner: genesis.authority,
      schema: encodeSchema(schema),
      schemaHash: schemaHash(schema),
      version: schema.version,
      shardsAddedAt: schema.shards.map(() => 0),
      registeredHeight: 0,
      updatedHeight: 0,
    };
    out.push(
      { namespace: RecordNamespace.Chain, id: chainRecordId(chainId), value: encodeChainEntry(entry) },
      { namespace: RecordNamespace.ChainName, id: chainNameRecordId(schema.name), value: u32be(chainId) },
    );
  });
  if (chains.length > 0)
    out.push({
      namespace: RecordNamespace.Counter,
      id: counterRecordId(NEXT_CHAIN_ID_COUNTER),
      value: u32be(chains.length + 1),
    });
  return out;
}
