import { bytesToHex, ed25519KeyPairFromSeed } from "@vshard/crypto";
import {
  addressFromPublicKey,
  addressToText,
  encodeSignedTx,
  type Receipt,
  type SignedTx,
  signTx,
  type Tx,
  TxKind,
} from "@vshard/types";
import { afterAll, describe, expect, it } from "vitest";
import { ApiError } from "../../src/api/apiError.ts";
import {
  type CrossTransferTxJson,
  type ReceiveTxJson,
  receiptFromJson,
  receiptToJson,
} from "../../src/api/crossShardTxJson.ts";
import { signedTxFromJson, signedTxToJson, type TxJson } from "../../src/api/txJson.ts";
import { txJsonEchoServer } from "./txJsonEchoServer.ts";

const keys = ed25519KeyPairFromSeed(new Uint8Array(32).fill(11));
const sender = addressFromPublicKey(keys.publicKey);
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const wireHex = (stx: SignedTx): string => bytesToHex(encodeSignedTx(stx));
const jsonOf = (stx: SignedTx): TxJson => JSON.parse(JSON.stringify(signedTxToJson(stx)));

const receipt: Receipt = {
  id: bytes(32, 0xaa),
  from: sender,
  to: bytes(20, 7),
  amount: (1n << 64n) - 1n,
  source: { chainId: 1, shard: 3 },
  destination: { chainId: 0, shard: 0 },
};
const crossTransfer: Tx = {
  chainId: 1,
  shard: 2,
  kind: TxKind.CrossTransfer,
  sender: keys.publicKey,
  nonce: 5,
  fee: 3n,
  payload: { to: bytes(20, 9), destination: { chainId: 4, shard: 65535 }, amount: 42n },
};
const receive: Tx = {
  chainId: 0,
  shard: 0,
  kind: TxKind.Receive,
  sender: keys.publicKey,
  nonce: 0,
  fee: 0n,
  payload: {
    receipt,
    sourceHeight: 12,
    proof: { index: 2, leafCount: 5, siblings: [bytes(32, 1), bytes(32, 2)] },
  },
};
const txs: Array<[string, Tx]> = [
  ["cross-transfer", crossTransfer],
  ["receive", receive],
];

/** The error `fn` throws, which must be an ApiError. */
function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  return expect.unreachable("expected an ApiError");
}

describe("JSON form of the cross-shard kinds", () => {
  it.each(txs)("%s round-trips through signedTxToJson / signedTxFromJson", (kind, tx) => {
    const stx = signTx(tx, keys.secretKey);
    const json = jsonOf(stx);
    expect(json.kind).toBe(kind);
    const back = signedTxFromJson(json);
    expect(back.tx).toEqual(tx);
    expect(wireHex(back)).toBe(wireHex(stx));
  });

  it("writes each payload in its documented form", () => {
    const [ct, rc] = txs.map(([, tx]) => jsonOf(signTx(tx, keys.secretKey)).payload);
    expect(ct).toEqual({
      to: addressToText(bytes(20, 9)),
      destination: { chainId: 4, shard: 65535 },
      amount: "42",
    });
    expect(rc).toEqual({
      receipt: {
        id: "aa".repeat(32),
        from: addressToText(sender),
        to: addressToText(bytes(20, 7)),
        amount: "18446744073709551615",
        source: { chainId: 1, shard: 3 },
        destination: { chainId: 0, shard: 0 },
      },
      sourceHeight: 12,
      proof: { index: 2, leafCount: 5, siblings: ["01".repeat(32), "02".repeat(32)] },
    });
  });

  it("receiptToJson / receiptFromJson round-trip and name a bad field", () => {
    const json = receiptToJson(receipt);
    expect(receiptFromJson(JSON.parse(JSON.stringify(json)), "receipt")).toEqual(receipt);
    const badTo = apiError(() => receiptFromJson({ ...json, to: `${json.to.slice(0, -1)}0` }, "r"));
    expect([badTo.status, badTo.code]).toEqual([400, "ADDRESS_ERROR_CHECKSUM"]);
    expect(badTo.message).toMatch(/^r\.to: invalid address/);
    const badShard = apiError(() => receiptFromJson({ ...json, source: { chainId: 1, shard: 65536 } }, "r"));
    expect(badShard.message).toBe("r.source.shard: expected an integer in 0..65535");
    expect(apiError(() => receiptFromJson({ ...json, id: "ab" }, "r")).message).toBe(
      "r.id: expected 64 lower-case hex digits",
    );
    expect(apiError(() => receiptFromJson({ ...json, amount: "18446744073709551616" }, "r")).message).toBe(
      "r.amount: 18446744073709551616 is outside 0..2^64-1",
    );
    expect(apiError(() => receiptFromJson(null, "r")).message).toBe("r: expected an object");
  });

  it("a bad address in a cross-transfer or a receive's receipt is a 400 naming the field", () => {
    const ct = jsonOf(signTx(crossTransfer, keys.secretKey)) as CrossTransferTxJson;
    const err = apiError(() =>
      signedTxFromJson({ ...ct, payload: { ...ct.payload, to: "vs1234" } }, "body[2]"),
    );
    expect([err.status, err.code]).toEqual([400, "ADDRESS_ERROR_FORMAT"]);
    expect(err.message).toMatch(/^body\[2\]\.payload\.to: invalid address 'vs1234'/);
    const rc = jsonOf(signTx(receive, keys.secretKey)) as ReceiveTxJson;
    const from = `${rc.payload.receipt.from.slice(0, -1)}x`;
    const bad = { ...rc, payload: { ...rc.payload, receipt: { ...rc.payload.receipt, from } } };
    expect(apiError(() => signedTxFromJson(bad)).message).toMatch(
      /^body\.payload\.receipt\.from: invalid address/,
    );
  });
});

describe("txJsonSchema for the cross-shard kinds (through fastify's validator)", () => {
  const { post, close } = txJsonEchoServer();
  afterAll(close);

  it.each(txs)("accepts the JSON of a %s tx and answers it unchanged", async (_kind, tx) => {
    const json = jsonOf(signTx(tx, keys.secretKey));
    const res = await post(json);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(json);
  });

  it("refuses a cross-transfer to a bad address with a 400 naming body.payload.to", async () => {
    const json = jsonOf(signTx(crossTransfer, keys.secretKey)) as CrossTransferTxJson;
    const to = `${json.payload.to.slice(0, -1)}${json.payload.to.endsWith("0") ? "1" : "0"}`;
    const res = await post({ ...json, payload: { ...json.payload, to } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      code: "ADDRESS_ERROR_CHECKSUM",
      message: `body.payload.to: invalid address '${to}': checksum does not match (mistyped address?)`,
    });
  });

  it.each([
    ["a shard past 65535", 0, { destination: { chainId: 1, shard: 65536 } }, "payload/destination/shard"],
    ["a destination without its chain", 0, { destination: { shard: 1 } }, "payload/destination"],
    ["a negative amount", 0, { amount: "-1" }, "payload/amount"],
    ["a short receipt id", 1, { receipt: { ...receiptToJson(receipt), id: "aa" } }, "payload/receipt/id"],
    [
      "a sibling of 31 bytes",
      1,
      { proof: { index: 0, leafCount: 1, siblings: ["01".repeat(31)] } },
      "siblings/0",
    ],
    ["a fractional source height", 1, { sourceHeight: 1.5 }, "payload/sourceHeight"],
  ] as const)("refuses %s with a 400 naming the field", async (_name, index, change, field) => {
    const json = jsonOf(signTx(txs[index][1], keys.secretKey));
    const res = await post({ ...json, payload: { ...json.payload, ...change } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain(field);
  });
});
