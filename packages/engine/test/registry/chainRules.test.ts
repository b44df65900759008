import {
  encodeSchema,
  MAX_SCHEMA_BYTES,
  parseWorkerChainSchema,
  RecordNamespace,
  TxKind,
} from "@vshard/types";
import { describe, expect, it } from "vitest";
import { defaultChainOptions, maxTxBytesOf } from "../../src/chain/chainOptions.ts";
import { prepareTx } from "../../src/chain/prepareTx.ts";
import { touchedRecords } from "../../src/execution/touchedRecords.ts";
import { txCost } from "../../src/mempool/createMempoolEntry.ts";
import { chainNameRecordId, registryReaderOf } from "../../src/registry/index.ts";
import {
  exampleSchemaBytes,
  loadExample,
  MAIN_OPTS,
  mine,
  openChain,
  registration,
  signed,
  users,
} from "./registryFixtures.ts";

/** A valid schema that encodes to more than the default 16 KiB tx limit: 40 record types of 20 string fields. */
function bigSchemaBytes(): Uint8Array {
  const json = loadExample("token-ledger");
  json.name = "big-chain";
  json.recordTypes = Array.from({ length: 40 }, (_, t) => ({
    name: `type${t}`,
    fields: Array.from({ length: 20 }, (_, f) => ({ name: `field${f}x${t}`, type: "string", maxLength: 64 })),
  }));
  return new Uint8Array(encodeSchema(parseWorkerChainSchema(json)));
}

describe("main-chain tx limits and costs", () => {
  it("the main chain takes a register-chain tx up to the largest schema, whatever maxTxBytes says", async () => {
    expect(maxTxBytesOf(defaultChainOptions)).toBe(16 * 1024);
    expect(maxTxBytesOf(MAIN_OPTS)).toBe(MAX_SCHEMA_BYTES + 1024);
    expect(maxTxBytesOf({ ...MAIN_OPTS, maxTxBytes: 1 << 20 })).toBe(1 << 20);
    const schema = bigSchemaBytes();
    expect(schema.length).toBeGreaterThan(16 * 1024);
    const chain = await openChain();
    const block = await mine(chain, [signed(0, 0, TxKind.RegisterChain, { schema })]);
    expect(block.execution.applied).toHaveLength(1);
    expect((await registryReaderOf(chain).getChain(1))?.name).toBe("big-chain");
  });

  it("a register-validator costs its fee plus its deposit in the mempool", () => {
    const t = signed(0, 0, TxKind.RegisterValidator, registration(0, 4_321n), { fee: 3n });
    expect(txCost(t)).toBe(4_324n);
  });

  it("declares the records each registry tx reads", () => {
    const refs = touchedRecords([
      prepareTx(signed(0, 0, TxKind.RegisterValidator, registration(0))),
      prepareTx(signed(1, 0, TxKind.RegisterChain, { schema: exampleSchemaBytes("gpu-rental") })),
      prepareTx(signed(1, 1, TxKind.RegisterChain, { schema: Uint8Array.of(0xc0) })),
      prepareTx(signed(2, 0, TxKind.Record, { recordType: 0, record: Uint8Array.of(0x90) })),
    ]);
    const namespaces = [...refs.values()].map((r) => RecordNamespace[r.namespace]);
    // The counter is named once; a schema that does not decode names no chain name.
    expect(namespaces).toEqual(["Validator", "VrfKey", "Counter", "ChainName"]);
    const name = [...refs.values()].find((r) => r.namespace === RecordNamespace.ChainName);
    expect(name?.id).toEqual(chainNameRecordId("gpu-rental"));
    expect([...refs.values()][0].id).toEqual(users[0].keys.publicKey);
  });

  it("a follower that processes the leader's registry blocks reaches the same state root", async () => {
    const leader = await openChain();
    const follower = await openChain();
    const blocks = [
      await mine(leader, [
        signed(0, 0, TxKind.RegisterValidator, registration(0)),
        signed(1, 0, TxKind.RegisterChain, { schema: exampleSchemaBytes("gpu-rental") }),
      ]),
      await mine(leader, [
        signed(0, 1, TxKind.EpochProof, { epoch: 1, purpose: 1, proof: new Uint8Array(80) }),
        signed(1, 1, TxKind.UpdateChain, {
          chainId: 1,
          schema: exampleSchemaBytes("gpu-rental", (json) => {
            json.version = 2;
          }),
        }),
      ]),
    ];
    for (const { block } of blocks) {
      expect(block.txs).toHaveLength(2);
      await follower.commitBlock(await follower.processProposal(block));
    }
    expect(follower.head()).toEqual(leader.head());
  });
});
