import {
  addressToText,
  encodeRecord,
  homeShard,
  parseWorkerChainSchema,
  RecordNamespace,
  type RecordValue,
  SchemaError,
  type SignedTx,
  TxKind,
  validateRecord,
  type WorkerChainSchema,
} from "@vshard/types";
import { describe, expect, it } from "vitest";
import { type ChainOptions, defaultChainOptions } from "../../src/chain/chainOptions.ts";
import { prepareTx } from "../../src/chain/prepareTx.ts";
import { TxError } from "../../src/errors.ts";
import { executeTxs } from "../../src/execution/executeTxs.ts";
import { decodeSchemaRecordValue, schemaRecordIdForKey } from "../../src/registry/index.ts";
import { FUNDS, loadExample, mainGenesisJson, mine, openChain, signed, users } from "./registryFixtures.ts";

const gpu = parseWorkerChainSchema(loadExample("gpu-rental"));
const token = parseWorkerChainSchema(loadExample("token-ledger"));

/** Options of worker chain 1's shard `shard` under `schema` (its fee floor is the schema's). */
const workerOpts = (schema: WorkerChainSchema, shard: number): ChainOptions => ({
  ...defaultChainOptions,
  chainId: 1,
  shard,
  minFee: schema.fees.minFee,
  schema,
});

/** Opens worker chain 1's shard `shard`, every user funded (genesis does not apply the assignment rule). */
const openWorker = (schema: WorkerChainSchema, shard: number) =>
  openChain({ ...mainGenesisJson(), chainId: 1, shard }, workerOpts(schema, shard));

const machine = (id: string, price: string) =>
  validateRecord(gpu, "machine", {
    id,
    owner: addressToText(users[0].address),
    gpuModel: "h100",
    vramGb: 80,
    hourlyPrice: price,
    region: "eu-west",
  });
/** The canonical bytes of a machine record (a plain Uint8Array, as storage returns them). */
const machineBytes = (value: RecordValue) => new Uint8Array(encodeRecord(gpu, "machine", value));
/** Bytes that are not a valid machine: its vramGb (1..1024) is 5000. */
const badMachine = () => machineBytes({ ...machine("m-2", "1"), vramGb: 5_000 });

/** A record tx of user `from` on worker chain 1's shard `shard`. */
function recordTx(
  from: number,
  nonce: number,
  shard: number,
  recordType: number,
  record: Uint8Array,
  fee = 1n,
): SignedTx {
  return signed(from, nonce, TxKind.Record, { recordType, record }, { chainId: 1, shard, fee });
}

/** A user's home shard under gpu-rental's address-hash rule. */
const addressHashHome = (i: number) => homeShard(gpu, users[i].address) as number;
/** The shard user 0 lives in, and a user who lives in another one. */
const home = addressHashHome(0);
const stranger = users.findIndex((_, i) => addressHashHome(i) !== home);

async function submitError(chain: Awaited<ReturnType<typeof openChain>>, tx: SignedTx) {
  const [result] = await chain.submitTxs([tx]);
  if (result.ok) throw new Error("expected the tx to be refused");
  return { code: result.error.code, message: result.error.message };
}

describe("record txs", () => {
  it("stores a valid record, readable by its key; a later record with the key replaces it", async () => {
    const chain = await openWorker(gpu, home);
    const first = recordTx(0, 0, home, 0, machineBytes(machine("m-1", "100")));
    const block = await mine(chain, [first]);
    expect(block.execution.applied).toHaveLength(1);
    const id = schemaRecordIdForKey(gpu, "machine", "m-1");
    const stored = (await chain.getRecord(RecordNamespace.SchemaRecord, id)).value as Uint8Array;
    expect(decodeSchemaRecordValue(stored)).toEqual({
      record: machineBytes(machine("m-1", "100")),
      txHash: block.execution.applied[0].hash,
      height: 1,
    });
    const update = recordTx(0, 1, home, 0, machineBytes(machine("m-1", "250")));
    const second = await mine(chain, [update]);
    const after = decodeSchemaRecordValue(
      (await chain.getRecord(RecordNamespace.SchemaRecord, id)).value as Uint8Array,
    );
    expect(after.height).toBe(2);
    expect(after.txHash).toEqual(second.execution.applied[0].hash);
    expect(after.record).toEqual(machineBytes(machine("m-1", "250")));
    expect(await chain.listRecords(RecordNamespace.SchemaRecord, { limit: 10 })).toHaveLength(1);
  });

  it("keeps every record of a keyless type, each found by the hash of its tx", async () => {
    const chain = await openWorker(token, 1);
    const transfer: RecordValue = validateRecord(token, "tokenTransfer", {
      symbol: "VSH",
      to: addressToText(users[1].address),
      amount: "5",
    });
    const bytes = encodeRecord(token, "tokenTransfer", transfer);
    const fee = 1_000n;
    const block = await mine(chain, [recordTx(0, 0, 1, 1, bytes, fee), recordTx(0, 1, 1, 1, bytes, fee)]);
    expect(block.execution.applied).toHaveLength(2);
    for (const t of block.execution.applied) {
      const id = schemaRecordIdForKey(token, "tokenTransfer", t.hashHex);
      const { value } = await chain.getRecord(RecordNamespace.SchemaRecord, id);
      expect(decodeSchemaRecordValue(value as Uint8Array).txHash).toEqual(t.hash);
    }
    expect(() => schemaRecordIdForKey(token, "tokenTransfer", "VSH")).toThrowError(SchemaError);
    expect(() => schemaRecordIdForKey(token, "token", 12)).toThrowError(
      "record 'token' key: expected string of 2..12 UTF-8 bytes, got 12",
    );
  });

  it("refuses a record with a bad field at admission, naming the field", async () => {
    const chain = await openWorker(gpu, home);
    const bad = badMachine();
    expect(await submitError(chain, recordTx(0, 0, home, 0, bad))).toEqual({
      code: "TX_ERROR_BAD_RECORD",
      message: "payload.record: machine.vramGb: 5000 is outside 0..1024",
    });
    expect(await submitError(chain, recordTx(0, 0, home, 7, bad))).toEqual({
      code: "TX_ERROR_BAD_RECORD",
      message:
        "payload.recordType: 7 is not a record type of chain 'gpu-rental' (it has: 0 'machine', 1 'rental', 2 'rentalEnd')",
    });
  });

  it("refuses the same record at execution, with the same code and message", () => {
    const bad = badMachine();
    const t = prepareTx(recordTx(0, 0, home, 0, bad));
    const accounts = new Map([[users[0].hex, { balance: FUNDS, nonce: 0 }]]);
    const context = { height: 1, schema: gpu };
    let error: unknown;
    try {
      executeTxs([t], accounts, users[1].hex, { skipInvalid: false, context });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TxError);
    expect([(error as TxError).code, (error as TxError).message]).toEqual([
      "TX_ERROR_BAD_RECORD",
      "payload.record: machine.vramGb: 5000 is outside 0..1024",
    ]);
    // Without a schema in the context the chain has no record types at all.
    const plain = executeTxs([t], accounts, users[1].hex, { skipInvalid: true });
    expect(plain.rejected[0].error.code).toBe("TX_ERROR_WRONG_CHAIN");
  });

  it("a record goes to a worker chain, a registry tx to the main chain", async () => {
    const main = await openChain();
    const record = signed(0, 0, TxKind.Record, { recordType: 0, record: Uint8Array.of(0x90) });
    expect(await submitError(main, record)).toEqual({
      code: "TX_ERROR_WRONG_CHAIN",
      message: "record txs need a worker chain with record types; chain 0 has none",
    });
    const worker = await openWorker(gpu, home);
    const register = signed(
      0,
      0,
      TxKind.RegisterChain,
      { schema: Uint8Array.of(1) },
      { chainId: 1, shard: home },
    );
    expect(await submitError(worker, register)).toEqual({
      code: "TX_ERROR_WRONG_CHAIN",
      message: "register-chain txs go to the main chain (chain 0); this is chain 1",
    });
  });

  it("refuses a sender, or a transfer's recipient, that does not live in this shard", async () => {
    expect(stranger).toBeGreaterThan(0);
    const chain = await openWorker(gpu, home);
    const theirs = addressHashHome(stranger);
    const fromStranger = signed(stranger, 0, TxKind.Noop, {}, { chainId: 1, shard: home });
    expect(await submitError(chain, fromStranger)).toEqual({
      code: "TX_ERROR_WRONG_SHARD",
      message: `sender ${addressToText(users[stranger].address)}: under 'address-hash' it lives in shard ${theirs} of chain 1, not shard ${home}`,
    });
    const payment = { to: users[stranger].address, amount: 5n };
    const toStranger = signed(0, 0, TxKind.Transfer, payment, { chainId: 1, shard: home });
    expect(await submitError(chain, toStranger)).toEqual({
      code: "TX_ERROR_WRONG_SHARD",
      message:
        `recipient ${addressToText(users[stranger].address)}: under 'address-hash' it lives in shard ${theirs} of chain 1, ` +
        `not shard ${home} (send a cross transfer to its shard)`,
    });
    const local = users.findIndex((_, i) => i !== 0 && addressHashHome(i) === home);
    expect(local).toBeGreaterThan(0);
    const ok = signed(
      0,
      0,
      TxKind.Transfer,
      { to: users[local].address, amount: 5n },
      { chainId: 1, shard: home },
    );
    expect((await chain.submitTxs([ok]))[0].ok).toBe(true);
  });

  it("charges the schema's fee rule: minFee + perByte × the tx's size", async () => {
    const chain = await openWorker(token, 0);
    const tx = signed(0, 0, TxKind.Noop, {}, { chainId: 1, shard: 0, fee: 10n });
    const size = prepareTx(tx).size;
    expect(await submitError(chain, tx)).toEqual({
      code: "TX_ERROR_FEE_TOO_LOW",
      message: `fee 10 is below the minimum fee ${10 + size} (schema fees: 10 + 1 × ${size} bytes)`,
    });
    const paid = signed(0, 0, TxKind.Noop, {}, { chainId: 1, shard: 0, fee: 200n });
    expect((await chain.submitTxs([paid]))[0].ok).toBe(true);
  });
});
