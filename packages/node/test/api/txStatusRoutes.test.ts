import { bytesToHex, type Ed25519KeyPair } from "@vshard/crypto";
import { encodeSchema, type SignedTx, signTx, type Tx, TxKind, txHash } from "@vshard/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signedTxToJson } from "../../src/api/txJson.ts";
import { createFakeNetwork, type FakeNetwork, get, workerSchema } from "./fakeNetwork.ts";

let net: FakeNetwork;
beforeEach(async () => {
  net = await createFakeNetwork();
});
afterEach(async () => {
  await net.close();
});

/** A main-chain tx of `kind` signed by `from`. */
function mainTx<K extends TxKind>(
  from: Ed25519KeyPair,
  kind: K,
  payload: Extract<Tx, { kind: K }>["payload"],
) {
  const tx = { chainId: 0, shard: 0, kind, sender: from.publicKey, nonce: 0, fee: 1n, payload } as Tx;
  return signTx(tx, from.secretKey);
}

const registerMarket = (from: Ed25519KeyPair) =>
  mainTx(from, TxKind.RegisterChain, { schema: encodeSchema(workerSchema) });

/** POSTs one tx or a batch as JSON. */
async function post(body: SignedTx | SignedTx[]) {
  const payload = Array.isArray(body) ? body.map(signedTxToJson) : signedTxToJson(body);
  const res = await net.app.inject({
    method: "POST",
    url: "/v1/txs",
    payload: JSON.parse(JSON.stringify(payload)),
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

describe("registry txs through the API", () => {
  it("answers 422 at once with the registry's refusal (update of a chain the main chain never registered)", async () => {
    const [alice] = net.users;
    const update = mainTx(alice, TxKind.UpdateChain, { chainId: 7, schema: encodeSchema(workerSchema) });
    expect(await post(update)).toEqual({
      status: 422,
      body: { code: "TX_ERROR_UNKNOWN_CHAIN", message: "payload.chainId: chain 7 is not registered" },
    });
    expect(net.main.chain.mempool.size()).toBe(0);
  });

  it("GET /v1/txs/:hash answers 200 with status rejected, code and message for a tx dropped from a block", async () => {
    const [alice, bob] = net.users;
    const first = registerMarket(alice);
    const second = registerMarket(bob);
    // Both are admitted on a registry without the name 'market'; the block takes the first only.
    expect((await post([first, second])).status).toBe(202);
    await net.commit(net.main.chain);
    const hash = bytesToHex(txHash(second.tx));
    expect(await get(net.app, `/v1/txs/${hash}`)).toEqual({
      status: 200,
      body: {
        hash,
        status: "rejected",
        code: "TX_ERROR_CHAIN_NAME_TAKEN",
        message: "chain name 'market' is taken by chain 1",
      },
    });
    const taken = await get<{ status: string; receipt: { blockHeight: number } }>(
      net.app,
      `/v1/txs/${bytesToHex(txHash(first.tx))}`,
    );
    expect([taken.status, taken.body.status, taken.body.receipt.blockHeight]).toEqual([200, "included", 1]);
  });
});
