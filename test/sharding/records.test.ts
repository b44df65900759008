import { bytesToHex } from "@vshard/crypto";
import { type NetworkNode, signedTxToJson } from "@vshard/node";
import {
  addressFromPublicKey,
  addressToText,
  encodeRecord,
  homeShard,
  parseWorkerChainSchema,
  recordTypeIndex,
  TxKind,
  validateRecord,
  type WorkerChainSchema,
} from "@vshard/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimNetworkRun, startSimNetwork } from "../helpers/simNetwork.ts";
import { httpTestNetwork, signedFor, smallGpuRental } from "./fixtures.ts";

/** The record bytes of `json` under `schema` (validated there). */
function recordBytes(schema: WorkerChainSchema, type: string, json: unknown): Uint8Array {
  return encodeRecord(schema, type, validateRecord(schema, type, json));
}

describe("GPU-rental record txs on a running network, over HTTP", () => {
  let run: SimNetworkRun;
  let node: NetworkNode;
  let url: string;
  const schema = parseWorkerChainSchema(smallGpuRental());

  beforeAll(async () => {
    run = await startSimNetwork(httpTestNetwork(11, [smallGpuRental()]));
    node = run.cluster.node(0);
    url = node.url();
    await run.runUntil(() => (node.runtime(1, 1)?.chain.finalizedHeight() ?? 0) >= 2, 30_000);
  }, 120_000);
  afterAll(async () => run?.close());

  async function post(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${url}/v1/txs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  async function recordTx(owner: number, type: string, record: Uint8Array, shard?: number) {
    const keys = run.clients[owner];
    const home = homeShard(schema, addressFromPublicKey(keys.publicKey)) ?? 0;
    const stx = await signedFor(node, keys, {
      chainId: 1,
      shard: shard ?? home,
      kind: TxKind.Record,
      fee: 1n,
      payload: { recordType: recordTypeIndex(schema, type), record },
    });
    return { stx, home, json: signedTxToJson(stx) };
  }

  const machine = (owner: number) => ({
    id: `gpu-${owner}`,
    owner: addressToText(addressFromPublicKey(run.clients[owner].publicKey)),
    gpuModel: "h100",
    vramGb: 80,
    hourlyPrice: "250",
    region: "eu-west",
  });

  it("accepts a valid machine record and serves it by key once final", async () => {
    const { stx, home, json } = await recordTx(0, "machine", recordBytes(schema, "machine", machine(0)));
    const { status, json: body } = await post(json);
    expect(status).toBe(202);
    const shard = node.runtime(1, home);
    if (!shard) throw new Error("home shard not running");
    const hash = body.hash as string;
    let final = false;
    for (let i = 0; i < 40 && !final; i++) {
      await run.runUntil(() => false, 250);
      final = (await shard.chain.getTx(hash))?.status === "final";
    }
    expect(final).toBe(true);
    const res = await fetch(`${url}/v1/chains/1/shards/${home}/records/machine/gpu-0`);
    expect(res.status).toBe(200);
    const got = (await res.json()) as { record: Record<string, unknown>; txHash: string };
    expect(got.record).toEqual(machine(0));
    expect(got.txHash).toBe(hash);
    expect(stx.tx.kind).toBe(TxKind.Record);
    // The tx is in the block data too: the final block holding it carries the record bytes.
    const found = await shard.chain.getTx(hash);
    const block = await shard.chain.getBlock(found?.status === "final" ? found.height : 0);
    const inBlock = block?.txs.find((t) => t.tx.kind === TxKind.Record);
    expect(inBlock && "record" in inBlock.tx.payload && bytesToHex(inBlock.tx.payload.record)).toBe(
      bytesToHex(recordBytes(schema, "machine", machine(0))),
    );
  }, 60_000);

  it("refuses a record that breaks the schema, naming the field and the bound", async () => {
    // Bytes encoded under a looser copy of the schema: they decode, but vramGb is outside the chain's 1..1024.
    const loose = parseWorkerChainSchema({
      ...smallGpuRental(),
      recordTypes: (
        smallGpuRental().recordTypes as Array<{ name: string; fields: Array<{ name: string }> }>
      ).map((t) => ({
        ...t,
        fields: t.fields.map((f) => (f.name === "vramGb" ? { ...f, max: 100_000 } : f)),
      })),
    });
    const bytes = recordBytes(loose, "machine", { ...machine(1), vramGb: 5000 });
    const { json } = await recordTx(1, "machine", bytes);
    const { status, json: body } = await post(json);
    // Well-formed but refused by the chain's rules: 422, like every ledger-rule refusal.
    expect(status).toBe(422);
    expect(body.code).toBe("TX_ERROR_BAD_RECORD");
    expect(body.message).toMatch(/vramGb/);
    expect(body.message).toMatch(/1024/);
    // And nothing was stored under that key.
    const home = homeShard(schema, addressFromPublicKey(run.clients[1].publicKey)) ?? 0;
    const res = await fetch(`${url}/v1/chains/1/shards/${home}/records/machine/gpu-1`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe("RECORD_NOT_FOUND");
  }, 60_000);

  it("refuses a record sent to a shard its sender does not live in", async () => {
    const home = homeShard(schema, addressFromPublicKey(run.clients[2].publicKey)) ?? 0;
    const { json } = await recordTx(2, "machine", recordBytes(schema, "machine", machine(2)), 1 - home);
    const { status, json: body } = await post(json);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(body.code).toBe("TX_ERROR_WRONG_SHARD");
    expect(body.message).toContain(String(home));
  }, 60_000);
});
