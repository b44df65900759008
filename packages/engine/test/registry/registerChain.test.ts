import { bytesToHex, sha256 } from "@vshard/crypto";
import {
  addressToText,
  decodeSchema,
  encodeTuple,
  parseWorkerChainSchema,
  RecordNamespace,
  schemaToTuple,
  TxKind,
} from "@vshard/types";
import { describe, expect, it } from "vitest";
import {
  chainNameRecordId,
  counterRecordId,
  decodeU32Value,
  NEXT_CHAIN_ID_COUNTER,
  registryReaderOf,
} from "../../src/registry/index.ts";
import {
  exampleSchemaBytes,
  loadExample,
  mainGenesisJson,
  mine,
  openChain,
  refusedAtAdmission,
  refusedAtExecution,
  signed,
  users,
} from "./registryFixtures.ts";

const gpu = () => exampleSchemaBytes("gpu-rental");
const token = () => exampleSchemaBytes("token-ledger");
const registerChain = (from: number, nonce: number, schema: Uint8Array) =>
  signed(from, nonce, TxKind.RegisterChain, { schema });
const updateChain = (from: number, nonce: number, chainId: number, schema: Uint8Array) =>
  signed(from, nonce, TxKind.UpdateChain, { chainId, schema });

/** gpu-rental at version 2 with `extraShards` bft shards appended. */
const gpuV2 = (extraShards: number) =>
  exampleSchemaBytes("gpu-rental", (json) => {
    json.version = 2;
    const shards = json.shards as unknown[];
    for (let i = 0; i < extraShards; i++) shards.push({ consensus: { plugin: "bft", params: {} } });
  });

describe("register-chain", () => {
  it("registers chains with ids 1, 2 in order, owned by the sender, every shard added at the block's height", async () => {
    const chain = await openChain();
    await mine(chain, [registerChain(0, 0, gpu())]);
    await mine(chain, [registerChain(1, 0, token())]);
    const registry = registryReaderOf(chain);
    const first = await registry.getChain(1);
    expect(first).toEqual({
      chainId: 1,
      name: "gpu-rental",
      owner: users[0].keys.publicKey,
      schema: gpu(),
      schemaHash: sha256(gpu()),
      version: 1,
      shardsAddedAt: [1, 1, 1, 1],
      registeredHeight: 1,
      updatedHeight: 1,
    });
    expect((await registry.getChain(2))?.shardsAddedAt).toEqual([2, 2]);
    expect((await registry.listChains()).map((c) => [c.chainId, c.name])).toEqual([
      [1, "gpu-rental"],
      [2, "token-ledger"],
    ]);
    const name = await chain.getRecord(RecordNamespace.ChainName, chainNameRecordId("token-ledger"));
    expect(decodeU32Value(name.value as Uint8Array, "name")).toBe(2);
    const counter = await chain.getRecord(RecordNamespace.Counter, counterRecordId(NEXT_CHAIN_ID_COUNTER));
    expect(decodeU32Value(counter.value as Uint8Array, "counter")).toBe(3);
  });

  it("counts the genesis chains: the first registered after them gets the next id", async () => {
    const chain = await openChain(mainGenesisJson({ chains: [loadExample("token-ledger")] }));
    const registry = registryReaderOf(chain);
    const genesisChain = await registry.getChain(1);
    expect(genesisChain?.name).toBe("token-ledger");
    expect(genesisChain?.owner).toEqual(chain.genesis.authority);
    expect(genesisChain?.shardsAddedAt).toEqual([0, 0]);
    await mine(chain, [registerChain(0, 0, gpu())]);
    expect((await registry.getChain(2))?.name).toBe("gpu-rental");
  });

  it("refuses a schema that does not decode, at admission, naming the path at fault", async () => {
    const chain = await openChain();
    // The canonical tuple of a schema whose maxBlockTxs is 0 (the parser wants 1..100000).
    const tuple = schemaToTuple(parseWorkerChainSchema(loadExample("token-ledger")));
    (tuple[4] as number[])[0] = 0;
    const tampered = encodeTuple(tuple);
    const [result] = await chain.submitTxs([registerChain(0, 0, tampered)]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("TX_ERROR_BAD_SCHEMA");
    expect(result.error.message).toMatch(
      /^payload\.schema: schema: not a valid schema \(\$\.limits\.maxBlockTxs: expected an integer in 1\.\.100000/,
    );
  });

  it("refuses a name another chain has: at admission once registered, at execution within one block", async () => {
    const chain = await openChain();
    const again = exampleSchemaBytes("gpu-rental", (json) => {
      json.version = 7;
    });
    // Both are admitted against a registry without the name; the block takes the first only.
    expect(await refusedAtExecution(chain, registerChain(1, 0, again), [registerChain(0, 0, gpu())])).toEqual(
      {
        code: "TX_ERROR_CHAIN_NAME_TAKEN",
        message: "chain name 'gpu-rental' is taken by chain 1",
      },
    );
    expect(await refusedAtAdmission(chain, registerChain(2, 0, again))).toEqual({
      code: "TX_ERROR_CHAIN_NAME_TAKEN",
      message: "chain name 'gpu-rental' is taken by chain 1",
    });
  });
});

describe("update-chain", () => {
  it("replaces the schema; appended shards are added at the update's height", async () => {
    const chain = await openChain();
    await mine(chain, [registerChain(0, 0, gpu())]);
    await mine(chain);
    await mine(chain, [updateChain(0, 1, 1, gpuV2(2))]);
    const entry = await registryReaderOf(chain).getChain(1);
    expect(entry?.version).toBe(2);
    expect(entry?.shardsAddedAt).toEqual([1, 1, 1, 1, 3, 3]);
    expect(entry?.registeredHeight).toBe(1);
    expect(entry?.updatedHeight).toBe(3);
    expect(bytesToHex(entry?.schemaHash as Uint8Array)).toBe(bytesToHex(sha256(gpuV2(2))));
    expect(decodeSchema(entry?.schema as Uint8Array).shards).toHaveLength(6);
  });

  it("refuses an update by anyone but the owner, at admission", async () => {
    const chain = await openChain();
    await mine(chain, [registerChain(0, 0, gpu())]);
    expect(await refusedAtAdmission(chain, updateChain(1, 0, 1, gpuV2(1)))).toEqual({
      code: "TX_ERROR_NOT_CHAIN_OWNER",
      message: `chain 1 ('gpu-rental') is owned by ${addressToText(users[0].address)}, not by the sender ${addressToText(users[1].address)}`,
    });
  });

  it("refuses an update that breaks the update rules (version not + 1), at admission", async () => {
    const chain = await openChain();
    await mine(chain, [registerChain(0, 0, gpu())]);
    const skip = exampleSchemaBytes("gpu-rental", (json) => {
      json.version = 3;
    });
    expect(await refusedAtAdmission(chain, updateChain(0, 1, 1, skip))).toEqual({
      code: "TX_ERROR_BAD_SCHEMA_UPDATE",
      message: "payload.schema: schema update $.version: expected 2 (the version in force, 1, plus 1), got 3",
    });
  });

  it("refuses an update of a chain never registered, at admission", async () => {
    const chain = await openChain();
    expect(await refusedAtAdmission(chain, updateChain(0, 0, 5, gpuV2(0)))).toEqual({
      code: "TX_ERROR_UNKNOWN_CHAIN",
      message: "payload.chainId: chain 5 is not registered",
    });
  });

  it("registering and updating a chain in one block works (the update reads the new record)", async () => {
    const chain = await openChain();
    const block = await mine(chain, [registerChain(0, 0, gpu()), updateChain(0, 1, 1, gpuV2(1))]);
    expect(block.execution.rejected).toEqual([]);
    expect((await registryReaderOf(chain).getChain(1))?.shardsAddedAt).toEqual([1, 1, 1, 1, 1]);
  });
});
