import { bytesToHex } from "@vshard/crypto";
import { nullLogger } from "@vshard/engine";
import { schemaHash, schemaToJson } from "@vshard/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiServer } from "../../src/api/server.ts";
import { addressOf, createFakeNetwork, type FakeNetwork, get, keyOf, workerSchema } from "./fakeNetwork.ts";

type ErrorBody = { code: string; message: string };

/** Every route that only a network node serves, with params that would otherwise resolve. */
const NETWORK_URLS = [
  "/v1/chains",
  "/v1/chains/1",
  "/v1/chains/1/schema",
  "/v1/chains/1/shards/0",
  "/v1/chains/1/shards/0/head",
  "/v1/chains/1/shards/0/blocks/0",
  `/v1/chains/1/shards/0/accounts/${addressOf(keyOf("user", 0))}`,
  "/v1/chains/1/shards/0/records/machine/gpu-1",
  "/v1/validators",
  "/v1/epochs",
  "/v1/epochs/0",
  "/v1/epochs/0/committees",
  "/v1/anchors/1/0",
  "/v1/anchors/1/0/1",
];

let net: FakeNetwork;
beforeEach(async () => {
  net = await createFakeNetwork();
});
afterEach(async () => {
  await net.close();
});

describe("network routes on a single-chain node", () => {
  it("answer 404 API_ERROR_NOT_A_NETWORK_NODE, while the default chain's routes still serve", async () => {
    const app = createApiServer({ ...net.ctx, network: null }, nullLogger, "test");
    try {
      for (const url of NETWORK_URLS) {
        const { status, body } = await get<ErrorBody>(app, url);
        expect({ url, status, code: body.code }).toEqual({
          url,
          status: 404,
          code: "API_ERROR_NOT_A_NETWORK_NODE",
        });
        expect(body.message).toBe(
          "this node runs a single chain: chains, shards, epochs, validators and anchors are served by network nodes",
        );
      }
      expect((await get(app, "/v1/head")).body).toMatchObject({ chainId: 0, shard: 0, height: 0 });
      expect((await get<ErrorBody>(app, `/v1/txs/${"ab".repeat(32)}`)).body.code).toBe("TX_NOT_FOUND");
    } finally {
      await app.close();
    }
  });
});

describe("GET /v1/chains", () => {
  it("lists the main chain and each registered chain with its shards, running or not", async () => {
    net.registry.anchorHeads.set("1/0", { height: 3, hash: new Uint8Array(32).fill(7) });
    const { status, body } = await get(net.app, "/v1/chains");
    expect(status).toBe(200);
    expect(body).toEqual({
      main: { chainId: 0, shard: 0, plugin: "solo", height: 0, finalizedHeight: 0, epoch: 0 },
      chains: [
        {
          chainId: 1,
          name: "market",
          version: 1,
          schemaHash: bytesToHex(schemaHash(workerSchema)),
          owner: addressOf(net.authority),
          registeredHeight: 0,
          updatedHeight: 6,
          shards: [
            {
              shard: 0,
              plugin: "solo",
              addedAt: 0,
              running: true,
              height: 0,
              finalizedHeight: 0,
              committeeEpoch: 0,
              anchoredHeight: 3,
            },
            {
              shard: 1,
              plugin: "bft",
              addedAt: 6,
              running: false,
              height: null,
              finalizedHeight: null,
              committeeEpoch: null,
              anchoredHeight: null,
            },
          ],
        },
      ],
    });
  });

  it("follows the chains' heights", async () => {
    await net.commit(net.worker.chain);
    await net.commit(net.main.chain);
    await net.commit(net.main.chain);
    const { body } = await get<{
      main: { height: number };
      chains: Array<{ shards: Array<{ height: number }> }>;
    }>(net.app, "/v1/chains");
    expect(body.main.height).toBe(2);
    expect(body.chains[0].shards[0].height).toBe(1);
  });
});

describe("GET /v1/chains/:chainId and its schema", () => {
  it("serves one chain as the list does, with its schema in JSON", async () => {
    const list = await get<{ chains: object[] }>(net.app, "/v1/chains");
    const { status, body } = await get(net.app, "/v1/chains/1");
    expect(status).toBe(200);
    expect(body).toEqual({ ...list.body.chains[0], schema: schemaToJson(workerSchema) });
    expect(await get(net.app, "/v1/chains/1/schema")).toEqual({
      status: 200,
      body: schemaToJson(workerSchema),
    });
  });

  it("answers 404 CHAIN_NOT_FOUND naming the id, and points at `main` for chain 0", async () => {
    for (const url of ["/v1/chains/2", "/v1/chains/2/schema"])
      expect(await get(net.app, url)).toEqual({
        status: 404,
        body: {
          code: "CHAIN_NOT_FOUND",
          message: "no chain 2 is registered on the main chain (see GET /v1/chains)",
        },
      });
    expect((await get(net.app, "/v1/chains/0")).body).toEqual({
      code: "CHAIN_NOT_FOUND",
      message:
        "chain 0 is the main chain, not a registered worker chain: see `main` in GET /v1/chains and GET /v1/chains/0/shards/0",
    });
  });

  it("refuses a chain id that is not an integer in range with 400 naming the param", async () => {
    expect(await get(net.app, "/v1/chains/abc")).toEqual({
      status: 400,
      body: { code: "API_ERROR_VALIDATION", message: "params.chainId: must be integer" },
    });
    expect((await get<ErrorBody>(net.app, "/v1/chains/4294967296")).body.message).toBe(
      "params.chainId: must be <= 4294967295",
    );
  });
});

describe("GET /v1/validators", () => {
  it("lists every registered validator with its keys, address and deposit", async () => {
    expect(await get(net.app, "/v1/validators")).toEqual({ status: 200, body: [] });
    const k = keyOf("validator", 0);
    net.registry.validators.push({
      publicKey: k.publicKey,
      blsPublicKey: new Uint8Array(48).fill(1),
      vrfPublicKey: keyOf("vrf", 0).publicKey,
      deposit: 12_345_678_901_234_567_890n,
      registeredHeight: 9,
    });
    expect((await get(net.app, "/v1/validators")).body).toEqual([
      {
        publicKey: bytesToHex(k.publicKey),
        address: addressOf(k),
        blsPublicKey: "01".repeat(48),
        vrfPublicKey: bytesToHex(keyOf("vrf", 0).publicKey),
        deposit: "12345678901234567890",
        registeredHeight: 9,
      },
    ]);
  });
});

describe("GET /v1/anchors", () => {
  it("serves a shard's anchor head and an anchored header entry", async () => {
    net.registry.anchorHeads.set("1/0", { height: 3, hash: new Uint8Array(32).fill(7) });
    net.registry.anchoredHeaders.set("1/0/3", {
      hash: new Uint8Array(32).fill(7),
      stateRoot: new Uint8Array(32).fill(8),
      receiptRoot: new Uint8Array(32).fill(9),
      epoch: 2,
      anchoredAt: 11,
    });
    expect(await get(net.app, "/v1/anchors/1/0")).toEqual({
      status: 200,
      body: { chainId: 1, shard: 0, height: 3, hash: "07".repeat(32) },
    });
    expect(await get(net.app, "/v1/anchors/1/0/3")).toEqual({
      status: 200,
      body: {
        chainId: 1,
        shard: 0,
        height: 3,
        hash: "07".repeat(32),
        stateRoot: "08".repeat(32),
        receiptRoot: "09".repeat(32),
        epoch: 2,
        anchoredAt: 11,
      },
    });
    expect((await get(net.app, "/v1/anchors/1/0/4")).body).toEqual({
      code: "ANCHOR_NOT_FOUND",
      message:
        "no header of chain 1 shard 0 at height 4 is anchored on the main chain (the last anchored height is 3)",
    });
  });

  it("answers 404 for a shard with no anchor yet, an unknown shard and an unknown chain", async () => {
    expect(await get(net.app, "/v1/anchors/1/1")).toEqual({
      status: 404,
      body: {
        code: "ANCHOR_NOT_FOUND",
        message: "no header of chain 1 shard 1 is anchored on the main chain yet",
      },
    });
    expect((await get(net.app, "/v1/anchors/1/1/5")).body).toEqual({
      code: "ANCHOR_NOT_FOUND",
      message:
        "no header of chain 1 shard 1 at height 5 is anchored on the main chain (none is anchored yet)",
    });
    expect(await get(net.app, "/v1/anchors/1/2")).toEqual({
      status: 404,
      body: { code: "SHARD_NOT_FOUND", message: "chain 1 has no shard 2: it has 2 shards (0..1)" },
    });
    expect((await get<ErrorBody>(net.app, "/v1/anchors/5/0/1")).body.code).toBe("CHAIN_NOT_FOUND");
  });
});

describe("OpenAPI document", () => {
  it("lists every network route with its summary", async () => {
    const { body } = await get<{ paths: Record<string, { get?: { operationId: string; summary: string } }> }>(
      net.app,
      "/openapi.json",
    );
    const ops = Object.fromEntries(
      Object.entries(body.paths).flatMap(([path, m]) => (m.get ? [[m.get.operationId, path]] : [])),
    );
    expect(ops).toMatchObject({
      listChains: "/v1/chains",
      getChain: "/v1/chains/{chainId}",
      getChainSchema: "/v1/chains/{chainId}/schema",
      getShard: "/v1/chains/{chainId}/shards/{shard}",
      getShardHead: "/v1/chains/{chainId}/shards/{shard}/head",
      getShardBlock: "/v1/chains/{chainId}/shards/{shard}/blocks/{id}",
      getShardAccount: "/v1/chains/{chainId}/shards/{shard}/accounts/{address}",
      getRecord: "/v1/chains/{chainId}/shards/{shard}/records/{type}/{key}",
      listValidators: "/v1/validators",
      getEpochs: "/v1/epochs",
      getEpoch: "/v1/epochs/{n}",
      getEpochCommittees: "/v1/epochs/{n}/committees",
      getAnchorHead: "/v1/anchors/{chainId}/{shard}",
      getAnchoredHeader: "/v1/anchors/{chainId}/{shard}/{height}",
      getHead: "/v1/head",
      getBlock: "/v1/blocks/{id}",
      getAccount: "/v1/accounts/{address}",
    });
    for (const m of Object.values(body.paths)) if (m.get) expect(m.get.summary.length).toBeGreaterThan(20);
  });
});
