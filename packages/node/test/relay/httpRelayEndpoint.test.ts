import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, ed25519KeyPairFromSeed } from "@vshard/crypto";
import { decodeTxSubmission, signTx, TxKind } from "@vshard/types";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { statusOfCode } from "../../src/api/apiError.ts";
import { receiptProofToJson, receiptToJson, shardRefToJson } from "../../src/api/crossShardTxJson.ts";
import { signedTxFromJson, type TxJson } from "../../src/api/txJson.ts";
import { ApiClientError } from "../../src/client/apiClient.ts";
import { classifySubmitError, HttpRelayEndpoint } from "../../src/relay/httpRelayEndpoint.ts";
import { defaultRelayKeyPath, relayKeys, startRelay } from "../../src/relay/startRelay.ts";
import { FakeRelayEndpoint } from "./fakeRelayEndpoint.ts";

const MAIN = { chainId: 0, shard: 0 };
const A = { chainId: 1, shard: 0 };
const B = { chainId: 1, shard: 1 };

let node: FakeRelayEndpoint;
let server: FastifyInstance;
let url: string;
let dir: string;
/** Set: `POST /v1/txs` answers with this status and code instead. */
let forced: { status: number; code: string } | null;

/** A node API over the fake: `GET /v1/chains`, the outbox route and `POST /v1/txs`, shaped as the API contract says. */
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "vshard-relay-http-"));
  node = new FakeRelayEndpoint([MAIN, A, B]);
  forced = null;
  server = Fastify();
  server.get("/v1/chains", async () => ({
    main: { chainId: 0, height: 9, finalizedHeight: 9, epoch: 0 },
    chains: [{ chainId: 1, name: "c", shards: [{ shard: 0 }, { shard: 1 }] }],
  }));
  server.get("/v1/chains/:chainId/shards/:shard/outbox", async (req) => {
    const p = req.params as { chainId: string; shard: string };
    const q = req.query as { from: string; limit: string };
    const ref = { chainId: Number(p.chainId), shard: Number(p.shard) };
    const page = await node.outbox(ref, Number(q.from), Number(q.limit));
    return {
      ...ref,
      ...page,
      blocks: page.blocks.map((b) => ({
        ...b,
        receipts: b.receipts.map((r) => ({
          ...r,
          receipt: receiptToJson(r.receipt),
          proof: receiptProofToJson(r.proof),
          deliverTo: r.deliverTo && shardRefToJson(r.deliverTo),
        })),
      })),
    };
  });
  server.addContentTypeParser("application/msgpack", { parseAs: "buffer" }, (_req, body, done) =>
    done(null, body),
  );
  server.post("/v1/txs", async (req, reply) => {
    if (forced) return reply.code(forced.status).send({ code: forced.code, message: "forced" });
    if (req.headers["content-type"] === "application/msgpack") {
      // A batch, answered as the node does: per-item results, 202 when all were accepted, else 422.
      const { txs } = decodeTxSubmission(req.body as Uint8Array);
      const outcomes = await Promise.all(txs.map((t) => node.submitReceive(t.stx)));
      const results = outcomes.map((o) =>
        o.kind === "accepted" ? { ok: true, hash: o.hash } : { ok: false, code: o.code, message: o.message },
      );
      const accepted = results.filter((r) => r.ok).length;
      return reply.code(accepted === results.length ? 202 : 422).send({ accepted, results });
    }
    const outcome = await node.submitReceive(signedTxFromJson(req.body as TxJson));
    if (outcome.kind === "accepted") return reply.code(202).send({ hash: outcome.hash, status: "pending" });
    return reply.code(statusOfCode(outcome.code)).send({ code: outcome.code, message: outcome.message });
  });
  url = await server.listen({ host: "127.0.0.1", port: 0 });
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe("HttpRelayEndpoint", () => {
  it("lists the main chain and every worker shard as sources", async () => {
    expect(await new HttpRelayEndpoint(url).sources()).toEqual([MAIN, A, B]);
  });

  it("reads an outbox page and decodes its receipts and proofs", async () => {
    const ids = node.addBlock(A, 2, B);
    node.addBlock(A, 1, MAIN, false);
    node.consume(ids[1]);
    const page = await new HttpRelayEndpoint(url).outbox(A, 1, 10);
    expect(page).toMatchObject({ finalHeight: 2, next: 3 });
    const [one, two] = page.blocks;
    expect(one.anchoredAt).toBe(101);
    expect(one.receipts.map((r) => bytesToHex(r.receipt.id))).toEqual(ids);
    expect(one.receipts[0]).toMatchObject({
      index: 0,
      deliverTo: B,
      consumed: null,
      proof: { leafCount: 2 },
    });
    expect(one.receipts[1].consumed).toEqual({ height: 7, use: "credited" });
    expect(two).toMatchObject({ height: 2, anchoredAt: null, receipts: [{ deliverTo: null }] });
  });

  it("classifies what POST /v1/txs answers to a receive", async () => {
    node.addBlock(A, 1, B);
    node.addBlock(A, 1, B, false);
    const http = new HttpRelayEndpoint(url);
    const keys = ed25519KeyPairFromSeed(new Uint8Array(32).fill(3));
    const page = await node.outbox(A, 1, 10);
    const [first, second] = page.blocks.map((block) => {
      const entry = block.receipts[0];
      return signTx(
        {
          chainId: B.chainId,
          shard: B.shard,
          kind: TxKind.Receive,
          sender: keys.publicKey,
          nonce: 0,
          fee: 0n,
          payload: { receipt: entry.receipt, sourceHeight: block.height, proof: entry.proof },
        },
        keys.secretKey,
      );
    });

    expect(await http.submitReceive(second)).toEqual({
      kind: "later",
      code: "TX_ERROR_RECEIPT_NOT_ANCHORED",
      message: "not anchored",
    });
    expect(await http.submitReceive(first)).toMatchObject({ kind: "accepted" });
    expect(await http.submitReceive(first)).toEqual({
      kind: "done",
      code: "TX_ERROR_RECEIPT_SPENT",
      message: "spent",
    });
    const cases: Array<[number, string, string]> = [
      [409, "MEMPOOL_ERROR_DUPLICATE", "done"],
      [409, "TX_ERROR_ALREADY_INCLUDED", "done"],
      [422, "TX_ERROR_RECEIPT_PENDING", "done"],
      [409, "MEMPOOL_ERROR_REPLACEMENT_UNDERPRICED", "done"],
      [422, "TX_ERROR_RECEIPT_NOT_ANCHORED", "later"],
      [503, "TX_ERROR_NODE_BUSY", "later"],
      [500, "API_ERROR_INTERNAL", "later"],
      [422, "TX_ERROR_BAD_RECEIPT_PROOF", "refused"],
      [400, "API_ERROR_VALIDATION", "refused"],
    ];
    for (const [status, code, kind] of cases) {
      forced = { status, code };
      expect(await http.submitReceive(second)).toEqual({ kind, code, message: "forced" });
    }
    const offline = await new HttpRelayEndpoint("http://127.0.0.1:9").submitReceive(first);
    expect(offline).toMatchObject({ kind: "later", code: "API_CLIENT_UNREACHABLE" });
    // A msgpack batch: one outcome per receive, classified alike; a failed request answers them all.
    forced = null;
    expect(
      (await http.submitReceives([first, second])).map((o) => [o.kind, "code" in o ? o.code : ""]),
    ).toEqual([
      ["done", "TX_ERROR_RECEIPT_SPENT"],
      ["later", "TX_ERROR_RECEIPT_NOT_ANCHORED"],
    ]);
    const down = await new HttpRelayEndpoint("http://127.0.0.1:9").submitReceives([first, second]);
    expect(down.map((o) => o.kind)).toEqual(["later", "later"]);
  });

  it("classifies errors that are not answers of the API as `later`", () => {
    expect(classifySubmitError(new Error("socket hang up"))).toEqual({
      kind: "later",
      code: "RELAY_ERROR_NETWORK",
      message: "socket hang up",
    });
    expect(classifySubmitError(new ApiClientError(502, "UNKNOWN", "bad gateway", null)).kind).toBe("later");
  });
});

describe("startRelay", () => {
  it("delivers over HTTP until stopped, and saves its state", async () => {
    node.addBlock(A, 2, B);
    node.addBlock(MAIN, 1, A);
    const statePath = join(dir, "relay.json");
    const { keys } = await relayKeys(statePath);
    const running = await startRelay({ apiUrl: url, statePath, keys, pollMs: 5 });
    await expect.poll(() => node.consumedCount(), { timeout: 10_000 }).toEqual({ consumed: 3, pending: 0 });
    await expect
      .poll(
        async () => existsSync(statePath) && JSON.parse(await readFile(statePath, "utf8")).cursors["1/0"],
        {
          timeout: 10_000,
        },
      )
      .toBe(2);
    await running.stop();
    expect(running.relay.counters.delivered).toBe(3);
  });

  it("generates a key next to the state file once, then reuses it; reads --key when given", async () => {
    const statePath = join(dir, "relay.json");
    const made = await relayKeys(statePath);
    expect(made).toMatchObject({ generated: true, path: join(dir, "relay.key.json") });
    expect(defaultRelayKeyPath(statePath)).toBe(made.path);
    const again = await relayKeys(statePath);
    expect(again.generated).toBe(false);
    expect(bytesToHex(again.keys.publicKey)).toBe(bytesToHex(made.keys.publicKey));
    const given = await relayKeys(join(dir, "other.json"), made.path);
    expect(given).toMatchObject({ generated: false, path: made.path });
    await expect(relayKeys(statePath, join(dir, "missing.json"))).rejects.toThrow(/cannot read key file/);
  });
});
