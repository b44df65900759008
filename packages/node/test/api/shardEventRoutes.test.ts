import { bytesToHex, type Ed25519KeyPair } from "@vshard/crypto";
import { nullLogger } from "@vshard/engine";
import { addressFromPublicKey, signTx, TxKind, txHash } from "@vshard/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiServer } from "../../src/api/server.ts";
import { createFakeNetwork, type FakeNetwork, get } from "./fakeNetwork.ts";

let net: FakeNetwork;
let base: string;
beforeEach(async () => {
  net = await createFakeNetwork();
  base = await net.app.listen({ host: "127.0.0.1", port: 0 });
});
afterEach(async () => {
  await net.close();
});

function transfer(chainId: number, from: Ed25519KeyPair, to: Ed25519KeyPair) {
  return signTx(
    {
      chainId,
      shard: 0,
      kind: TxKind.Transfer,
      sender: from.publicKey,
      nonce: 0,
      fee: 1n,
      payload: { to: addressFromPublicKey(to.publicKey), amount: 5n },
    },
    from.secretKey,
  );
}

/** Opens an SSE stream and collects its text; `until` ends the read once the text holds what the test waits for. */
async function openStream(url: string) {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  let text = "";
  return {
    res,
    async until(done: (text: string) => boolean): Promise<string> {
      while (!done(text)) {
        const { value, done: ended } = await reader.read();
        if (ended) break;
        text += new TextDecoder().decode(value);
      }
      return text;
    },
    close: () => controller.abort(),
  };
}

/** The data of every `event` of `type` in an SSE text. */
function events(text: string, type: string): unknown[] {
  return [...text.matchAll(new RegExp(`event: ${type}\\ndata: (.*)\\n`, "g"))].map((m) => JSON.parse(m[1]));
}

describe("GET /v1/chains/:chainId/shards/:shard/events", () => {
  it("streams the named shard's blocks (with ?txs=hashes their tx hashes) and finality, not the main chain's", async () => {
    const [alice, bob] = net.users;
    const stream = await openStream(`${base}/v1/chains/1/shards/0/events?txs=hashes`);
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get("content-type")).toContain("text/event-stream");
    await stream.until((t) => t.includes(": connected"));
    await net.commit(net.main.chain);
    const stx = transfer(1, alice, bob);
    expect((await net.worker.chain.submitTxs([stx]))[0].ok).toBe(true);
    await net.commit(net.worker.chain);
    net.worker.chain.markFinalized(1);
    const text = await stream.until((t) => t.includes("event: finalized"));
    stream.close();
    const head = net.worker.chain.head();
    expect(events(text, "block")).toEqual([
      { height: 1, hash: bytesToHex(head.hash), txCount: 1, txs: [bytesToHex(txHash(stx.tx))] },
    ]);
    expect(events(text, "finalized")).toEqual([{ height: 1 }]);
  });

  it("serves the main chain as chain 0 shard 0, without tx hashes unless asked, as /v1/events does", async () => {
    const scoped = await openStream(`${base}/v1/chains/0/shards/0/events`);
    const plain = await openStream(`${base}/v1/events`);
    await scoped.until((t) => t.includes(": connected"));
    await plain.until((t) => t.includes(": connected"));
    await net.commit(net.main.chain);
    const a = await scoped.until((t) => t.includes("event: block"));
    const b = await plain.until((t) => t.includes("event: block"));
    scoped.close();
    plain.close();
    const expected = [{ height: 1, hash: bytesToHex(net.main.chain.head().hash), txCount: 0 }];
    expect(events(a, "block")).toEqual(expected);
    expect(events(b, "block")).toEqual(expected);
  });

  it("answers the JSON 404s of the other shard routes before any stream opens", async () => {
    expect(await get(net.app, "/v1/chains/1/shards/5/events")).toEqual({
      status: 404,
      body: { code: "SHARD_NOT_FOUND", message: "chain 1 has no shard 5: it has 2 shards (0..1)" },
    });
    expect((await get(net.app, "/v1/chains/9/shards/0/events")).body).toEqual({
      code: "CHAIN_NOT_FOUND",
      message: "no chain 9 is registered on the main chain (see GET /v1/chains)",
    });
    const notRunning = await get<{ code: string; message: string }>(net.app, "/v1/chains/1/shards/1/events");
    expect(notRunning.status).toBe(404);
    expect(notRunning.body.code).toBe("SHARD_NOT_RUNNING");
    expect((await get(net.app, "/v1/chains/1/shards/0/events?txs=full")).body).toEqual({
      code: "API_ERROR_VALIDATION",
      message: "querystring.txs: must be equal to one of the allowed values",
    });
  });

  it("answers API_ERROR_NOT_A_NETWORK_NODE on a single-chain node", async () => {
    const single = createApiServer({ ...net.ctx, network: null }, nullLogger, "test");
    try {
      const { status, body } = await get<{ code: string }>(single, "/v1/chains/1/shards/0/events");
      expect(status).toBe(404);
      expect(body.code).toBe("API_ERROR_NOT_A_NETWORK_NODE");
    } finally {
      await single.close();
    }
  });

  it("is listed in the OpenAPI document beside /v1/events", async () => {
    const { body } = await get<{ paths: Record<string, unknown> }>(net.app, "/openapi.json");
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(["/v1/events", "/v1/chains/{chainId}/shards/{shard}/events"]),
    );
  });
});
