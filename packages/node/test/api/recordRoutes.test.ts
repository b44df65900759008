import { bytesToHex, type Ed25519KeyPair, hexToBytes } from "@vshard/crypto";
import {
  encodeSchemaRecordValue,
  recordStateKey,
  recordValueHashOf,
  schemaRecordIdForKey,
  stateProofFromJson,
  verifyStateProof,
} from "@vshard/engine";
import {
  encodeRecord,
  RecordNamespace,
  type RecordValue,
  recordTypeIndex,
  signTx,
  TxKind,
  txHash,
} from "@vshard/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFakeNetwork, type FakeNetwork, get, workerSchema } from "./fakeNetwork.ts";

type ErrorBody = { code: string; message: string };

let net: FakeNetwork;
beforeEach(async () => {
  net = await createFakeNetwork();
});
afterEach(async () => {
  await net.close();
});

function recordTx(from: Ed25519KeyPair, nonce: number, type: string, record: RecordValue) {
  return signTx(
    {
      chainId: 1,
      shard: 0,
      kind: TxKind.Record,
      sender: from.publicKey,
      nonce,
      fee: 1n,
      payload: {
        recordType: recordTypeIndex(workerSchema, type),
        record: encodeRecord(workerSchema, type, record),
      },
    },
    from.secretKey,
  );
}

/** Submits the txs to the worker shard and commits them in one block. */
async function write(...stxs: ReturnType<typeof recordTx>[]): Promise<void> {
  const results = await net.worker.chain.submitTxs(stxs);
  expect(results.map((r) => (r.ok ? "ok" : r.error.message))).toEqual(stxs.map(() => "ok"));
  await net.commit(net.worker.chain);
}

const BASE = "/v1/chains/1/shards/0/records";

describe("GET /v1/chains/:chainId/shards/:shard/records/:type/:key", () => {
  it("serves the current record of a key with the tx that wrote it and a proof against the head", async () => {
    const [alice] = net.users;
    const first = recordTx(alice, 0, "machine", { id: "gpu-1", vramGb: 80 });
    await write(first);
    const update = recordTx(alice, 1, "machine", { id: "gpu-1", vramGb: 96 });
    await write(update);
    const { status, body } = await get<{ proof: unknown; head: { stateRoot: string } }>(
      net.app,
      `${BASE}/machine/gpu-1`,
    );
    expect(status).toBe(200);
    const head = net.worker.chain.head();
    expect(body).toMatchObject({
      chainId: 1,
      shard: 0,
      recordType: "machine",
      key: "gpu-1",
      record: { id: "gpu-1", vramGb: 96 },
      txHash: bytesToHex(txHash(update.tx)),
      height: 2,
      head: { height: 2, hash: bytesToHex(head.hash), stateRoot: bytesToHex(head.stateRoot) },
    });
    // A client checks the record from the response alone: the stored value is [record bytes, tx hash, height].
    const stored = encodeSchemaRecordValue({
      record: encodeRecord(workerSchema, "machine", { id: "gpu-1", vramGb: 96 }),
      txHash: txHash(update.tx),
      height: 2,
    });
    const key = recordStateKey(
      RecordNamespace.SchemaRecord,
      schemaRecordIdForKey(workerSchema, "machine", "gpu-1"),
    );
    const root = hexToBytes(body.head.stateRoot);
    const proof = stateProofFromJson(body.proof);
    expect(verifyStateProof(root, key, recordValueHashOf(stored), proof)).toBe(true);
    expect(verifyStateProof(root, key, null, proof)).toBe(false);
  });

  it("reads an integer key as a number and a keyless type by the hash of the tx that wrote it", async () => {
    const [alice] = net.users;
    const note = recordTx(alice, 1, "note", { text: "hello" });
    await write(recordTx(alice, 0, "slot", { n: 7 }), note);
    expect((await get(net.app, `${BASE}/slot/7`)).body).toMatchObject({ record: { n: 7 }, height: 1 });
    const noteHash = bytesToHex(txHash(note.tx));
    expect((await get(net.app, `${BASE}/note/${noteHash}`)).body).toMatchObject({
      key: noteHash,
      record: { text: "hello" },
      txHash: noteHash,
    });
  });

  it("answers 404 RECORD_NOT_FOUND for a key never written", async () => {
    expect(await get(net.app, `${BASE}/machine/gpu-9`)).toEqual({
      status: 404,
      body: {
        code: "RECORD_NOT_FOUND",
        message: "no 'machine' record with key gpu-9 in chain 1 shard 0 at height 0",
      },
    });
  });

  it("answers 400 with the schema's message for an unknown type or a key its field refuses", async () => {
    expect(await get(net.app, `${BASE}/rental/r-1`)).toEqual({
      status: 400,
      body: {
        code: "SCHEMA_ERROR_RECORD",
        message: expect.stringContaining(
          "unknown record type 'rental'; schema 'market' has: machine, slot, note",
        ),
      },
    });
    const tooBig = await get<ErrorBody>(net.app, `${BASE}/slot/1001`);
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.code).toBe("SCHEMA_ERROR_RECORD");
    expect(tooBig.body.message).toContain("key");
    const notNumber = await get<ErrorBody>(net.app, `${BASE}/slot/seven`);
    expect(notNumber).toMatchObject({ status: 400, body: { code: "SCHEMA_ERROR_RECORD" } });
    const keyless = await get<ErrorBody>(net.app, `${BASE}/note/hello`);
    expect(keyless.body).toEqual({
      code: "SCHEMA_ERROR_RECORD",
      message: expect.stringContaining(
        "'note' has no key field: its records are looked up by the hash of the tx that wrote them (64 hex digits)",
      ),
    });
  });

  it("answers 400 on the main chain, which has no record types, and 404 for a shard not running", async () => {
    expect(await get(net.app, "/v1/chains/0/shards/0/records/machine/gpu-1")).toEqual({
      status: 400,
      body: {
        code: "API_ERROR_NO_RECORD_TYPES",
        message: "chain 0 shard 0 has no record types: records live in worker chains",
      },
    });
    expect((await get<ErrorBody>(net.app, "/v1/chains/1/shards/1/records/machine/gpu-1")).body.code).toBe(
      "SHARD_NOT_RUNNING",
    );
  });
});
