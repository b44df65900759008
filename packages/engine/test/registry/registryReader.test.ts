import { bytesToHex, compareBytes } from "@vshard/crypto";
import { EpochProofPurpose, RecordNamespace } from "@vshard/types";
import { describe, expect, it } from "vitest";
import {
  chainRecordId,
  createRegistryReader,
  encodeChainEntry,
  encodeEpochProofEntry,
  encodeValidatorEntry,
  epochProofRecordId,
  type RecordList,
  type RecordRead,
  validatorRecordId,
} from "../../src/registry/index.ts";

/** A record store over a map, listing in id byte order like the ledger; counts list calls. */
function fakeStore() {
  const records = new Map<string, { namespace: RecordNamespace; id: Uint8Array; value: Uint8Array }>();
  let lists = 0;
  const put = (namespace: RecordNamespace, id: Uint8Array, value: Uint8Array) =>
    records.set(`${namespace}/${bytesToHex(id)}`, { namespace, id, value });
  const read: RecordRead = async (ns, id) => records.get(`${ns}/${bytesToHex(id)}`)?.value ?? null;
  const list: RecordList = async (ns, { after, limit }) => {
    lists++;
    return [...records.values()]
      .filter((r) => r.namespace === ns && (!after || compareBytes(r.id, after) > 0))
      .sort((a, b) => compareBytes(a.id, b.id))
      .slice(0, limit)
      .map(({ id, value }) => ({ id, value }));
  };
  return { put, reader: createRegistryReader(read, list), lists: () => lists };
}

const key = (i: number) => {
  const k = new Uint8Array(32);
  new DataView(k.buffer).setUint32(0, i);
  return k;
};

describe("registry reader", () => {
  it("lists every validator over several pages, in key order", async () => {
    const { put, reader, lists } = fakeStore();
    for (let i = 600; i > 0; i--)
      put(
        RecordNamespace.Validator,
        validatorRecordId(key(i)),
        encodeValidatorEntry({
          publicKey: key(i),
          blsPublicKey: new Uint8Array(48),
          vrfPublicKey: new Uint8Array(32),
          deposit: BigInt(i),
          registeredHeight: i,
        }),
      );
    const all = await reader.listValidators();
    expect(all.map((v) => v.registeredHeight)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(lists()).toBe(3);
    expect((await reader.getValidator(key(7)))?.deposit).toBe(7n);
    expect(await reader.getValidator(key(601))).toBeNull();
  });

  it("lists the proofs of one epoch and purpose only, each with its validator", async () => {
    const { put, reader } = fakeStore();
    const proof = (fill: number, height: number) =>
      encodeEpochProofEntry({ proof: new Uint8Array(80).fill(fill), height });
    put(RecordNamespace.EpochProof, epochProofRecordId(1, EpochProofPurpose.Sortition, key(1)), proof(1, 0));
    put(RecordNamespace.EpochProof, epochProofRecordId(2, EpochProofPurpose.Seed, key(2)), proof(2, 8));
    put(RecordNamespace.EpochProof, epochProofRecordId(2, EpochProofPurpose.Seed, key(0)), proof(3, 9));
    put(RecordNamespace.EpochProof, epochProofRecordId(2, EpochProofPurpose.Sortition, key(1)), proof(4, 10));
    put(RecordNamespace.EpochProof, epochProofRecordId(3, EpochProofPurpose.Seed, key(1)), proof(5, 12));
    const seeds = await reader.epochProofs(2, EpochProofPurpose.Seed);
    expect(seeds).toEqual([
      { proof: new Uint8Array(80).fill(3), height: 9, validator: key(0) },
      { proof: new Uint8Array(80).fill(2), height: 8, validator: key(2) },
    ]);
    expect((await reader.epochProofs(2, EpochProofPurpose.Sortition)).map((e) => e.height)).toEqual([10]);
    expect(await reader.epochProofs(4, EpochProofPurpose.Seed)).toEqual([]);
  });

  it("reads chains by id and lists them in id order", async () => {
    const { put, reader } = fakeStore();
    for (const chainId of [2, 1])
      put(
        RecordNamespace.Chain,
        chainRecordId(chainId),
        encodeChainEntry({
          chainId,
          name: `chain-${chainId}`,
          owner: key(chainId),
          schema: Uint8Array.of(chainId),
          schemaHash: new Uint8Array(32),
          version: 1,
          shardsAddedAt: [0],
          registeredHeight: 0,
          updatedHeight: 0,
        }),
      );
    expect((await reader.listChains()).map((c) => c.name)).toEqual(["chain-1", "chain-2"]);
    expect((await reader.getChain(2))?.owner).toEqual(key(2));
    expect(await reader.getChain(3)).toBeNull();
    expect(await reader.anchorHead(1, 0)).toBeNull();
    expect(await reader.anchoredHeader(1, 0, 0)).toBeNull();
  });
});
