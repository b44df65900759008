import { readFileSync } from "node:fs";
import { bytesToHex, ed25519KeyPairFromSeed } from "@vshard/crypto";
import {
  EpochProofPurpose,
  encodeHeader,
  encodeRecord,
  encodeSchema,
  encodeSignedTx,
  type Header,
  MAX_SCHEMA_BYTES,
  parseWorkerChainSchema,
  recordTypeIndex,
  type SignedTx,
  schemaToJson,
  signTx,
  type Tx,
  TxKind,
  validateRecord,
} from "@vshard/types";
import { afterAll, describe, expect, it } from "vitest";
import { ApiError } from "../../src/api/apiError.ts";
import type {
  MainChainTxJson,
  RegisterChainTxJson,
  UpdateChainTxJson,
} from "../../src/api/mainChainTxJson.ts";
import { signedTxFromJson, signedTxToJson, type TxJson } from "../../src/api/txJson.ts";
import { txJsonEchoServer } from "./txJsonEchoServer.ts";

const gpuJson = JSON.parse(
  readFileSync(new URL("../../../../examples/gpu-rental.json", import.meta.url), "utf8"),
) as Record<string, unknown>;
const gpu = parseWorkerChainSchema(gpuJson);
const keys = ed25519KeyPairFromSeed(new Uint8Array(32).fill(9));
const base = { chainId: 0, shard: 0, sender: keys.publicKey, nonce: 4, fee: 2n };
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
/** The canonical bytes of a signed tx, in hex: equal exactly when the txs are (the encoding is canonical). */
const wireHex = (stx: SignedTx): string => bytesToHex(encodeSignedTx(stx));

const header: Header = {
  chainId: 3,
  shard: 1,
  height: 77,
  parentHash: bytes(32, 1),
  stateRoot: bytes(32, 2),
  txRoot: bytes(32, 3),
  receiptRoot: bytes(32, 4),
  bodyCid: bytes(36, 5),
  proposer: bytes(32, 6),
  time: 1_700_000_000_000,
  epoch: 5,
  certificate: bytes(70, 7),
};
const rentalEnd = validateRecord(gpu, "rentalEnd", { rentalId: "r1", end: 5, reason: "completed" });

/** One tx of every issue-5 kind. */
const txs: Array<[string, Tx]> = [
  [
    "register-validator",
    {
      ...base,
      kind: TxKind.RegisterValidator,
      payload: {
        blsPublicKey: bytes(48, 1),
        blsProofOfPossession: bytes(96, 2),
        vrfPublicKey: bytes(32, 3),
        deposit: (1n << 64n) - 1n,
      },
    },
  ],
  ["register-chain", { ...base, kind: TxKind.RegisterChain, payload: { schema: encodeSchema(gpu) } }],
  ["update-chain", { ...base, kind: TxKind.UpdateChain, payload: { chainId: 7, schema: encodeSchema(gpu) } }],
  [
    "record",
    {
      ...base,
      chainId: 7,
      kind: TxKind.Record,
      payload: {
        recordType: recordTypeIndex(gpu, "rentalEnd"),
        record: encodeRecord(gpu, "rentalEnd", rentalEnd),
      },
    },
  ],
  ["anchor", { ...base, kind: TxKind.Anchor, payload: { header } }],
  [
    "epoch-proof",
    {
      ...base,
      kind: TxKind.EpochProof,
      payload: { epoch: 12, purpose: EpochProofPurpose.Seed, proof: bytes(80, 8) },
    },
  ],
];

/** The JSON of `tx` as a client would send it (through JSON text). */
const jsonOf = (stx: SignedTx): TxJson => JSON.parse(JSON.stringify(signedTxToJson(stx)));

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

describe("JSON form of the main-chain kinds", () => {
  it.each(txs)("%s round-trips through signedTxToJson / signedTxFromJson", (kind, tx) => {
    const stx = signTx(tx, keys.secretKey);
    const json = jsonOf(stx);
    expect(json.kind).toBe(kind);
    const back = signedTxFromJson(json);
    expect(back.tx.kind).toBe(tx.kind);
    expect(wireHex(back)).toBe(wireHex(stx));
  });

  it("writes each payload in its documented form", () => {
    const [rv, rc, uc, rec, anchor, proof] = txs.map(([, tx]) => jsonOf(signTx(tx, keys.secretKey)).payload);
    expect(rv).toEqual({
      blsPublicKey: "01".repeat(48),
      blsProofOfPossession: "02".repeat(96),
      vrfPublicKey: "03".repeat(32),
      deposit: "18446744073709551615",
    });
    expect(rc).toEqual({ schema: schemaToJson(gpu) });
    expect(parseWorkerChainSchema((rc as { schema: unknown }).schema)).toEqual(gpu);
    expect(uc).toEqual({ chainId: 7, schema: schemaToJson(gpu) });
    expect(rec).toEqual({ recordType: 2, record: bytesToHex(encodeRecord(gpu, "rentalEnd", rentalEnd)) });
    expect(anchor).toEqual({ header: bytesToHex(encodeHeader(header)) });
    expect(proof).toEqual({ epoch: 12, purpose: "seed", proof: "08".repeat(80) });
  });

  it("shows schema bytes that do not decode as {schemaHex}", () => {
    const tx: Tx = { ...base, kind: TxKind.RegisterChain, payload: { schema: bytes(3, 0xab) } };
    expect(jsonOf(signTx(tx, keys.secretKey)).payload).toEqual({ schemaHex: "ababab" });
    const update: Tx = { ...base, kind: TxKind.UpdateChain, payload: { chainId: 2, schema: bytes(1, 0xc1) } };
    expect(jsonOf(signTx(update, keys.secretKey)).payload).toEqual({ chainId: 2, schemaHex: "c1" });
  });
});

describe("JSON input errors of the main-chain kinds", () => {
  const registerChain = () => jsonOf(signTx(txs[1][1], keys.secretKey)) as RegisterChainTxJson;

  it("a bad schema is a 400 SCHEMA_ERROR_INVALID naming the tx field and the schema path", () => {
    const json = registerChain();
    (
      json.payload as { schema: { shards: Array<{ consensus: { params: { producers?: number } } }> } }
    ).schema.shards[2].consensus.params.producers = 0;
    const err = apiError(() => signedTxFromJson(json, "body[3]"));
    expect(err.status).toBe(400);
    expect(err.code).toBe("SCHEMA_ERROR_INVALID");
    expect(err.message).toMatch(
      /^body\[3\]\.payload\.schema: schema \$\.shards\[2\]\.consensus\.params\.producers: /,
    );
  });

  it("an update-chain's bad schema names its field too; schemaHex is read only", () => {
    const json = jsonOf(signTx(txs[2][1], keys.secretKey)) as UpdateChainTxJson;
    (json.payload as { schema: Record<string, unknown> }).schema.name = "Bad Name";
    expect(apiError(() => signedTxFromJson(json)).message).toMatch(
      /^body\.payload\.schema: schema \$\.name: /,
    );
    const hex = { ...json, payload: { chainId: 7, schemaHex: "00" } } as MainChainTxJson;
    const err = apiError(() => signedTxFromJson(hex));
    expect([err.status, err.code]).toEqual([400, "API_ERROR_VALIDATION"]);
    expect(err.message).toContain("body.payload.schema: schemaHex is read only");
  });

  it("a schema that encodes past MAX_SCHEMA_BYTES is a 400 naming its size", () => {
    const json = registerChain();
    const values = Array.from({ length: 256 }, (_, i) => `v${i}-${"x".repeat(26)}`);
    const fields = Array.from({ length: 10 }, (_, i) => ({ name: `f${i}`, type: "enum", values }));
    (json.payload as { schema: Record<string, unknown> }).schema.recordTypes = [{ name: "big", fields }];
    const err = apiError(() => signedTxFromJson(json));
    expect([err.status, err.code]).toEqual([400, "CODEC_ERROR_OUT_OF_RANGE"]);
    expect(err.message).toMatch(
      new RegExp(
        `^body\\.payload\\.schema: the schema encodes to \\d+ bytes, more than the ${MAX_SCHEMA_BYTES}`,
      ),
    );
  });

  it("a malformed anchor header is a 400 naming the header field; a deposit past 2^64-1 names the deposit", () => {
    const anchor = jsonOf(signTx(txs[4][1], keys.secretKey));
    const short = { ...anchor, payload: { header: bytesToHex(encodeHeader(header)).slice(0, -2) } } as TxJson;
    const err = apiError(() => signedTxFromJson(short));
    expect([err.status, err.code]).toEqual([400, "CODEC_ERROR_MALFORMED"]);
    expect(err.message).toMatch(/^body\.payload\.header: /);
    const rv = jsonOf(signTx(txs[0][1], keys.secretKey));
    const big = { ...rv, payload: { ...rv.payload, deposit: "18446744073709551616" } } as TxJson;
    expect(apiError(() => signedTxFromJson(big)).message).toBe(
      "body.payload.deposit: 18446744073709551616 is outside 0..2^64-1",
    );
  });
});

describe("txJsonSchema for the main-chain kinds (through fastify's validator)", () => {
  const { post, close } = txJsonEchoServer();
  afterAll(close);

  it.each(txs)("accepts the JSON of a %s tx and answers it unchanged", async (_kind, tx) => {
    const json = jsonOf(signTx(tx, keys.secretKey));
    const res = await post(json);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(json);
  });

  it.each([
    ["a 47-byte BLS key", 0, { blsPublicKey: "01".repeat(47) }, "blsPublicKey"],
    ["a 79-byte VRF proof", 5, { proof: "08".repeat(79) }, "proof"],
    ["an unknown purpose", 5, { purpose: "lottery" }, "purpose"],
    ["record type 64", 3, { recordType: 64 }, "recordType"],
    ["an empty record", 3, { record: "" }, "record"],
    ["update of chain 0", 2, { chainId: 0 }, "chainId"],
    ["a schema as a string", 1, { schema: "{}" }, "schema"],
    ["an odd-length header hex", 4, { header: "abc" }, "header"],
  ] as const)("refuses %s with a 400 naming the field", async (_name, index, change, field) => {
    const json = jsonOf(signTx(txs[index][1], keys.secretKey));
    const res = await post({ ...json, payload: { ...json.payload, ...change } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain(`payload/${field}`);
  });
});
