import { bytesToHex } from "@vshard/crypto";
import { encodeSignedTx, txHash } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { addressOf, testGenesis, transfer, useTestNode } from "../helpers/testNetwork.ts";

describe("HTTP API surface", () => {
  const { json, keys, authority } = testGenesis({ accounts: 3, balance: 1_000n });
  const t = useTestNode("api", json, authority);

  it("streams block and finality events over SSE", async () => {
    const controller = new AbortController();
    const res = await fetch(`${t.url}/v1/events`, { signal: controller.signal });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    let text = "";
    while (!(text.includes("event: block") && text.includes("event: finalized"))) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const data = JSON.parse(/event: block\ndata: (.*)\n/.exec(text)![1]);
    expect(data).toMatchObject({
      height: expect.any(Number),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      txCount: 0,
    });
  });

  it("accepts one msgpack tx, reports it pending then final with a receipt, and serves its block by height and hash", async () => {
    const stx = transfer(keys[0], keys[1], 25n, 0, 2n);
    const hash = bytesToHex(txHash(stx.tx));
    const res = await fetch(`${t.url}/v1/txs`, {
      method: "POST",
      headers: { "content-type": "application/msgpack" },
      body: encodeSignedTx(stx),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ hash, status: "pending" });
    await new Promise<void>((resolve) => {
      const stop = t.node.chain.subscribe((e) => {
        if (e.type === "finalized" && t.node.chain.mempool.size() === 0) {
          stop();
          resolve();
        }
      });
    });
    const tx = await t.client.tx(hash);
    expect(tx).toMatchObject({ status: "final", receipt: { success: true, index: 0, feePaid: "2" } });
    const byHeight = await t.client.block(tx.receipt!.blockHeight);
    expect(byHeight.txs).toEqual([hash]);
    const byHash = await t.client.block(byHeight.header.hash);
    expect(byHash.header.height).toBe(tx.receipt!.blockHeight);
    const full = (await t.client.request("GET", `/v1/blocks/${byHeight.header.height}?txs=full`)) as {
      txs: Array<{ payload: { amount: string } }>;
    };
    expect(full.txs[0].payload.amount).toBe("25");
    const receiver = await t.client.account(`${addressOf(keys[1])}@0`);
    expect(receiver.balance).toBe("1025");
  });

  it("serves Prometheus metrics and an OpenAPI document of every route", async () => {
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/vshard_blocks_committed_total\{chain="1\/0"\} \d+/);
    expect(metrics).toContain("vshard_http_requests_total");
    const stats = (await (await fetch(`${t.url}/v1/node/stats`)).json()) as {
      process: { cpuSeconds: number; peakRssBytes: number };
      storage: { bodyBytesRaw: number; bodyBytesStored: number; compressionRatio: number };
    };
    expect(stats.process.cpuSeconds).toBeGreaterThan(0);
    expect(stats.process.peakRssBytes).toBeGreaterThan(0);
    expect(stats.storage.bodyBytesRaw).toBeGreaterThan(0);
    expect(stats.storage.compressionRatio).toBeCloseTo(
      stats.storage.bodyBytesRaw / stats.storage.bodyBytesStored,
      10,
    );
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, object>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/v1/txs",
        "/v1/txs/{hash}",
        "/v1/accounts/{address}",
        "/v1/blocks/{id}",
        "/v1/head",
        "/v1/events",
      ]),
    );
  });
});
