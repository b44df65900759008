import { encodeSignedTx, signTx, TxKind, txHash } from "@vshard/types";
import fc from "fast-check";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { feeUnder, nextNonce, waitUntilFinal } from "../../src/cli/txSubmit.ts";
import { ApiClient, ApiClientError, recordPath } from "../../src/client/apiClient.ts";
import { exampleSchema, testKeys } from "./cliFixtures.ts";
import { accountKey, addChain, FakeApi, fakeState } from "./fakeApi.ts";

let api: FakeApi;

beforeAll(async () => {
  const state = fakeState();
  addChain(state, 1, exampleSchema("gpu-rental"));
  state.accounts.set(accountKey(1, 2, "vsabc"), { nonce: 4, pendingTxs: 3 });
  state.seeds = new Map([[0, { epoch: 0, seed: "00".repeat(32) }]]);
  api = await FakeApi.start(state);
});
afterAll(() => api.close());

describe("ApiClient", () => {
  it("reads the network routes of the contract", async () => {
    const client = new ApiClient(api.url);
    expect((await client.chains()).chains.map((c) => c.name)).toEqual(["gpu-rental"]);
    expect((await client.chain(1)).schema.name).toBe("gpu-rental");
    const account = await client.chainAccount(1, 2, "vsabc");
    expect(nextNonce(account)).toBe(7);
    expect((await client.epoch(0)).seed).toBe("00".repeat(32));
    expect(api.requests.slice(-4)).toEqual([
      "GET /v1/chains",
      "GET /v1/chains/1",
      "GET /v1/chains/1/shards/2/accounts/vsabc",
      "GET /v1/epochs/0",
    ]);
  });

  it("throws ApiClientError with the server's status, code and message", async () => {
    const client = new ApiClient(api.url);
    const err = await client.chain(9).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiClientError);
    expect(err).toMatchObject({
      status: 404,
      code: "CHAIN_NOT_FOUND",
      message: "CHAIN_NOT_FOUND: no such chain",
    });
    await expect(client.epochCommittees(3)).rejects.toMatchObject({ code: "EPOCH_NOT_FIXED" });
  });

  it("names an unreachable node and an answer that is not JSON", async () => {
    await expect(new ApiClient("http://127.0.0.1:9").chains()).rejects.toMatchObject({
      status: 0,
      code: "API_CLIENT_UNREACHABLE",
    });
    const server = Fastify();
    server.get("/v1/chains", async (_req, reply) => reply.type("text/plain").send("<html>proxy</html>"));
    const url = await server.listen({ host: "127.0.0.1", port: 0 });
    try {
      await expect(new ApiClient(url).chains()).rejects.toMatchObject({
        code: "API_CLIENT_BAD_RESPONSE",
        message: "API_CLIENT_BAD_RESPONSE: not JSON: <html>proxy</html>",
      });
    } finally {
      await server.close();
    }
  });

  it("escapes the record path's type and key", () => {
    expect(recordPath(1, 0, "machine", "a b/c")).toBe("/v1/chains/1/shards/0/records/machine/a%20b%2Fc");
  });
});

describe("txSubmit", () => {
  const keys = testKeys(5);
  const tx = {
    chainId: 1,
    shard: 0,
    kind: TxKind.Record as const,
    sender: keys.publicKey,
    nonce: 0,
    fee: 0n,
    payload: { recordType: 0, record: new Uint8Array(40) },
  };

  it("feeUnder pays minFee + perByte × the signed tx's size, the fee's own bytes included", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1n << 40n }),
        fc.bigInt({ min: 0n, max: 1n << 20n }),
        (minFee, perByte) => {
          const fee = feeUnder({ minFee, perByte }, tx);
          const bytes = BigInt(encodeSignedTx(signTx({ ...tx, fee }, keys.secretKey)).length);
          expect(fee).toBe(minFee + perByte * bytes);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("waitUntilFinal returns the final status, and throws on an abort, a rejection or a timeout", async () => {
    const client = new ApiClient(api.url);
    const hash = await client.submit(
      signTx({ ...tx, chainId: 0, kind: TxKind.Noop, payload: {} }, keys.secretKey),
    );
    expect((await waitUntilFinal(client, hash, 1, "noop", 10)).receipt?.blockHeight).toBe(21);
    api.state.outcome = "aborted";
    await expect(waitUntilFinal(client, hash, 1, "noop", 10)).rejects.toThrow(
      `noop ${hash} is final in block 21 but aborted: CHAIN_ERROR_NAME_TAKEN: name taken`,
    );
    // Rejected: fails at the first poll, long before the timeout.
    api.state.outcome = "rejected";
    const started = Date.now();
    await expect(waitUntilFinal(client, hash, 60, "noop", 10)).rejects.toThrow(
      `noop ${hash} was rejected and will not be included: TX_ERROR_CHAIN_NAME_TAKEN: chain name 'gpu-rental' is taken by chain 1`,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    api.state.outcome = "pending";
    await expect(waitUntilFinal(client, hash, 0.05, "noop", 10)).rejects.toThrow(
      `noop ${hash} not final after 0.05 s (last status: pending)`,
    );
    const unknown = Buffer.from(txHash({ ...tx, nonce: 99 })).toString("hex");
    await expect(waitUntilFinal(client, unknown, 0.05, "tx", 10)).rejects.toThrow(
      "(last status: unknown to the node)",
    );
    api.state.outcome = "final";
  });
});
