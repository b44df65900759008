import { bytesToHex } from "@vshard/crypto";
import { signedTxToJson, type TransferTxJson } from "@vshard/node";
import { encodeSignedTx, encodeTxBatch } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { addressOf, testGenesis, testKey, transfer, useTestNode } from "../helpers/testNetwork.ts";

describe("bad input gets a 4xx with {code, message} and the node keeps serving", () => {
  const { json, keys, authority } = testGenesis({ accounts: 4, balance: 1_000n });
  const t = useTestNode("bad", json, authority);

  async function post(body: string | Uint8Array, contentType = "application/json") {
    const res = await fetch(`${t.url}/v1/txs`, {
      method: "POST",
      headers: { "content-type": contentType },
      body,
    });
    return { status: res.status, body: (await res.json()) as { code: string; message: string } };
  }
  const jsonOf = (value: unknown) => JSON.stringify(value);

  async function expectError(
    res: { status: number; body: { code: string; message: string } },
    status: number,
    code: string,
  ) {
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
    expect(typeof res.body.message).toBe("string");
    expect(res.body.message.length).toBeGreaterThan(5);
    // The node keeps serving.
    expect((await fetch(`${t.url}/v1/head`)).status).toBe(200);
  }

  it("malformed JSON", async () => {
    await expectError(await post('{"chainId": 1,'), 400, "API_ERROR_MALFORMED_JSON");
  });

  it("malformed msgpack", async () => {
    const garbage = await post(new Uint8Array([0x92, 0xc1, 0xff]), "application/msgpack");
    await expectError(garbage, 400, garbage.body.code);
    expect(garbage.body.code).toMatch(/^CODEC_ERROR_/);
    const valid = encodeSignedTx(transfer(keys[0], keys[1], 1n, 0));
    await expectError(
      await post(valid.subarray(0, valid.length - 3), "application/msgpack"),
      400,
      "CODEC_ERROR_MALFORMED",
    );
  });

  it("wrong field types, naming the field", async () => {
    const tx = { ...signedTxToJson(transfer(keys[0], keys[1], 1n, 0)), nonce: "zero" };
    const res = await post(jsonOf(tx));
    await expectError(res, 400, "API_ERROR_VALIDATION");
    expect(res.body.message).toContain("nonce");
  });

  it("bad signature", async () => {
    const stx = transfer(keys[0], keys[1], 1n, 0);
    stx.signature = new Uint8Array(stx.signature);
    stx.signature[10] ^= 1;
    await expectError(await post(jsonOf(signedTxToJson(stx))), 422, "TX_ERROR_BAD_SIGNATURE");
  });

  it("wrong chain id", async () => {
    await expectError(
      await post(jsonOf(signedTxToJson(transfer(keys[0], keys[1], 1n, 0, 1n, 99)))),
      422,
      "TX_ERROR_WRONG_CHAIN",
    );
  });

  it("nonce too low (already included) and nonce beyond the gap limit", async () => {
    const first = transfer(keys[2], keys[1], 1n, 0);
    const ok = await post(jsonOf(signedTxToJson(first)));
    expect(ok.status).toBe(202);
    await new Promise<void>((resolve) => {
      const stop = t.node.chain.subscribe((e) => {
        if (e.type === "block" && e.block?.txs.length) {
          stop();
          resolve();
        }
      });
    });
    await expectError(await post(jsonOf(signedTxToJson(first))), 409, "TX_ERROR_ALREADY_INCLUDED");
    const lowNonce = transfer(keys[2], keys[1], 2n, 0);
    await expectError(await post(jsonOf(signedTxToJson(lowNonce))), 422, "MEMPOOL_ERROR_NONCE_TOO_LOW");
    const far = transfer(keys[2], keys[1], 1n, 1 + t.node.chain.opts.mempool.maxNonceGap + 1);
    await expectError(await post(jsonOf(signedTxToJson(far))), 422, "MEMPOOL_ERROR_NONCE_GAP");
  });

  it("insufficient balance", async () => {
    await expectError(
      await post(jsonOf(signedTxToJson(transfer(keys[3], keys[1], 5_000n, 0)))),
      422,
      "MEMPOOL_ERROR_INSUFFICIENT_BALANCE",
    );
  });

  it("oversized body", async () => {
    const big = "x".repeat(t.node.opts.api!.bodyLimitBytes + 1);
    await expectError(await post(jsonOf({ pad: big })), 413, "API_ERROR_BODY_TOO_LARGE");
  });

  it("too many txs in one batch", async () => {
    const one = transfer(keys[0], keys[1], 1n, 0);
    const batch = Array.from({ length: t.node.opts.api!.maxBatchTxs + 1 }, () => one);
    await expectError(
      await post(encodeTxBatch(batch), "application/msgpack"),
      400,
      "API_ERROR_BATCH_TOO_LARGE",
    );
  });

  it("malformed address in a tx and in a query", async () => {
    const tx = signedTxToJson(transfer(keys[0], keys[1], 1n, 0)) as TransferTxJson;
    tx.payload.to = `${tx.payload.to.slice(0, -1)}${tx.payload.to.endsWith("0") ? "1" : "0"}`;
    await expectError(await post(jsonOf(tx)), 400, "ADDRESS_ERROR_CHECKSUM");
    const res = await fetch(`${t.url}/v1/accounts/not-an-address`);
    await expectError(
      { status: res.status, body: (await res.json()) as { code: string; message: string } },
      400,
      "ADDRESS_ERROR_FORMAT",
    );
    const shard = await fetch(`${t.url}/v1/accounts/${addressOf(keys[0])}@x`);
    await expectError(
      { status: shard.status, body: (await shard.json()) as { code: string; message: string } },
      400,
      "ADDRESS_ERROR_SHARD",
    );
  });

  it("unknown tx, block and route give 404 with a code", async () => {
    for (const [path, code] of [
      [`/v1/txs/${bytesToHex(new Uint8Array(32))}`, "TX_NOT_FOUND"],
      ["/v1/blocks/999999", "BLOCK_NOT_FOUND"],
      ["/v1/nothing", "API_ERROR_NOT_FOUND"],
    ]) {
      const res = await fetch(`${t.url}${path}`);
      await expectError(
        { status: res.status, body: (await res.json()) as { code: string; message: string } },
        404,
        code,
      );
    }
  });

  it("an unsupported content type", async () => {
    await expectError(await post("hello", "text/plain"), 415, "API_ERROR_UNSUPPORTED_MEDIA_TYPE");
  });

  it("a fresh key with no funds", async () => {
    const stranger = testKey("stranger", 0);
    await expectError(
      await post(jsonOf(signedTxToJson(transfer(stranger, keys[0], 1n, 0)))),
      422,
      "MEMPOOL_ERROR_INSUFFICIENT_BALANCE",
    );
  });
});
