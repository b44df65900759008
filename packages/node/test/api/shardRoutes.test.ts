import { bytesToHex, type Ed25519KeyPair } from "@vshard/crypto";
import { addressFromPublicKey, signTx, TxKind, txHash } from "@vshard/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addressOf, createFakeNetwork, type FakeNetwork, get } from "./fakeNetwork.ts";

type ErrorBody = { code: string; message: string };

let net: FakeNetwork;
beforeEach(async () => {
  net = await createFakeNetwork();
});
afterEach(async () => {
  await net.close();
});

function transfer(chainId: number, from: Ed25519KeyPair, to: Ed25519KeyPair, amount: bigint, nonce = 0) {
  return signTx(
    {
      chainId,
      shard: 0,
      kind: TxKind.Transfer,
      sender: from.publicKey,
      nonce,
      fee: 1n,
      payload: { to: addressFromPublicKey(to.publicKey), amount },
    },
    from.secretKey,
  );
}

describe("GET /v1/chains/:chainId/shards/:shard", () => {
  it("summarises a running worker shard: head, plugin, consensus status, committee and anchor", async () => {
    net.registry.anchorHeads.set("1/0", { height: 0, hash: new Uint8Array(32).fill(5) });
    const head = net.worker.chain.head();
    const { status, body } = await get(net.app, "/v1/chains/1/shards/0");
    expect(status).toBe(200);
    expect(body).toEqual({
      chainId: 1,
      shard: 0,
      plugin: "solo",
      head: {
        chainId: 1,
        shard: 0,
        height: 0,
        hash: bytesToHex(head.hash),
        stateRoot: bytesToHex(head.stateRoot),
        finalizedHeight: 0,
        mempoolTxs: 0,
      },
      consensus: {
        finalizedHeight: 0,
        status: { plugin: "solo", height: 1, counters: { blocksProduced: 0 } },
      },
      committee: {
        epoch: 0,
        fixedAtHeight: 0,
        members: [
          { address: addressOf(net.authority), publicKey: bytesToHex(net.authority.publicKey), weight: 1 },
        ],
      },
      anchor: { height: 0, hash: "05".repeat(32) },
    });
  });

  it("serves the main chain as chain 0 shard 0 (its committee is not a fixed shard committee, no anchor)", async () => {
    const { body } = await get<{ chainId: number; committee: { fixedAtHeight: null }; anchor: null }>(
      net.app,
      "/v1/chains/0/shards/0",
    );
    expect(body).toMatchObject({
      chainId: 0,
      shard: 0,
      committee: { epoch: 0, fixedAtHeight: null },
      anchor: null,
    });
  });

  it("answers SHARD_NOT_RUNNING for a registered shard whose committee is not fixed, saying when it will be", async () => {
    // Shard 1 was added at main height 6; with 4-block epochs the sortition cut after it is epoch 2's (height 10),
    // so epoch 3 is the first to draw it, fixed once height 11 is committed.
    expect(await get(net.app, "/v1/chains/1/shards/1")).toEqual({
      status: 404,
      body: {
        code: "SHARD_NOT_RUNNING",
        message:
          "chain 1 shard 1 is registered (added at main height 6) but not running on this node: its committee is not " +
          "fixed yet: it is drawn for epoch 3, fixed once main height 11 is committed (now 0)",
      },
    });
    for (let i = 0; i < 11; i++) await net.commit(net.main.chain);
    expect((await get<ErrorBody>(net.app, "/v1/chains/1/shards/1/head")).body.message).toBe(
      "chain 1 shard 1 is registered (added at main height 6) but not running on this node: its epoch 3 committee " +
        "was fixed at main height 11; the shard is starting",
    );
  });

  it("answers SHARD_NOT_FOUND and CHAIN_NOT_FOUND for shards that do not exist", async () => {
    expect(await get(net.app, "/v1/chains/1/shards/2")).toEqual({
      status: 404,
      body: { code: "SHARD_NOT_FOUND", message: "chain 1 has no shard 2: it has 2 shards (0..1)" },
    });
    expect((await get(net.app, "/v1/chains/0/shards/1/head")).body).toEqual({
      code: "SHARD_NOT_FOUND",
      message: "chain 0 has no shard 1: it has 1 shard (0..0)",
    });
    expect((await get<ErrorBody>(net.app, "/v1/chains/9/shards/0/blocks/0")).body.code).toBe(
      "CHAIN_NOT_FOUND",
    );
    expect((await get<ErrorBody>(net.app, "/v1/chains/1/shards/65536")).body).toEqual({
      code: "API_ERROR_VALIDATION",
      message: "params.shard: must be <= 65535",
    });
  });
});

describe("chain-scoped head, blocks and accounts", () => {
  it("read the named shard, the default routes keep reading the main chain", async () => {
    const [alice, bob] = net.users;
    const stx = transfer(1, alice, bob, 25n);
    expect((await net.worker.chain.submitTxs([stx]))[0].ok).toBe(true);
    await net.commit(net.worker.chain);

    expect((await get(net.app, "/v1/chains/1/shards/0/head")).body).toMatchObject({ chainId: 1, height: 1 });
    expect((await get(net.app, "/v1/head")).body).toMatchObject({ chainId: 0, height: 0 });

    const block = await get<{ header: { chainId: number; height: number }; txs: string[] }>(
      net.app,
      "/v1/chains/1/shards/0/blocks/1",
    );
    expect(block.body.header).toMatchObject({ chainId: 1, height: 1 });
    expect(block.body.txs).toEqual([bytesToHex(txHash(stx.tx))]);
    const byHash = await get(
      net.app,
      `/v1/chains/1/shards/0/blocks/${(block.body.header as { hash?: string }).hash}`,
    );
    expect(byHash.body).toEqual(block.body);
    expect((await get(net.app, "/v1/chains/1/shards/0/blocks/1?txs=full")).body).toMatchObject({
      txs: [{ payload: { amount: "25" } }],
    });
    expect((await get(net.app, "/v1/blocks/1")).body).toEqual({
      code: "BLOCK_NOT_FOUND",
      message: "no committed block 1",
    });

    expect((await get(net.app, `/v1/chains/1/shards/0/accounts/${addressOf(bob)}`)).body).toMatchObject({
      address: `${addressOf(bob)}@0`,
      balance: "1025",
      nonce: 0,
      pendingTxs: 0,
      height: 1,
    });
    expect((await get(net.app, `/v1/accounts/${addressOf(bob)}`)).body).toMatchObject({ balance: "1000" });
  });

  it("answer 404 SHARD_NOT_SERVED for an address of another shard, naming the route to use", async () => {
    const url = `/v1/chains/1/shards/0/accounts/${addressOf(net.users[0])}@1`;
    expect(await get(net.app, url)).toEqual({
      status: 404,
      body: {
        code: "SHARD_NOT_SERVED",
        message: "this route reads chain 1 shard 0, not shard 1; use /v1/chains/1/shards/1/accounts/...",
      },
    });
    expect((await get<ErrorBody>(net.app, "/v1/chains/1/shards/0/accounts/vsnope")).status).toBe(400);
    expect((await get(net.app, "/v1/chains/1/shards/0/blocks/7")).body).toEqual({
      code: "BLOCK_NOT_FOUND",
      message: "no committed block 7",
    });
  });
});

describe("GET /v1/txs/:hash on a network node", () => {
  it("finds a tx on any hosted shard, its status judged by that shard's final height", async () => {
    const [alice, bob] = net.users;
    const onWorker = transfer(1, alice, bob, 5n);
    const hash = bytesToHex(txHash(onWorker.tx));
    await net.worker.chain.submitTxs([onWorker]);
    expect((await get(net.app, `/v1/txs/${hash}`)).body).toMatchObject({ hash, status: "pending" });

    await net.commit(net.worker.chain);
    // The main chain is final further than the worker's block: the shared tx index must not make it "final".
    await net.commit(net.main.chain);
    await net.commit(net.main.chain);
    net.main.chain.markFinalized(2);
    expect((await get(net.app, `/v1/txs/${hash}`)).body).toMatchObject({
      hash,
      status: "included",
      tx: { chainId: 1 },
      receipt: { success: true, blockHeight: 1 },
    });
    net.worker.chain.markFinalized(1);
    expect((await get(net.app, `/v1/txs/${hash}`)).body).toMatchObject({ status: "final" });

    const onMain = transfer(0, bob, alice, 3n);
    await net.main.chain.submitTxs([onMain]);
    expect((await get(net.app, `/v1/txs/${bytesToHex(txHash(onMain.tx))}`)).body).toMatchObject({
      status: "pending",
      tx: { chainId: 0 },
    });
    expect(await get(net.app, `/v1/txs/${"cd".repeat(32)}`)).toEqual({
      status: 404,
      body: { code: "TX_NOT_FOUND", message: `no transaction ${"cd".repeat(32)} is pending or committed` },
    });
  });
});
