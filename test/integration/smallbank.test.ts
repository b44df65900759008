import { bytesToHex, sha256 } from "@vshard/crypto";
import { stateProofFromJson, verifyStateProof } from "@vshard/engine";
import { type SmallbankTxJson, signedTxToJson } from "@vshard/node";
import {
  addressFromPublicKey,
  encodeSmallbankRecord,
  encodeTxBatch,
  SmallbankOp,
  txHash,
} from "@vshard/types";
import { describe, expect, it } from "vitest";
import { addressOf, noop, smallbank, testGenesis, useTestNode } from "../helpers/testNetwork.ts";

type Receipt = { success: boolean; aborted?: string; feePaid: string; blockHeight: number; index: number };

describe("noop and Smallbank txs over HTTP", () => {
  const { json, keys, authority } = testGenesis({ accounts: 3, balance: 1_000n });
  const [alice, bob, carol] = keys;
  const t = useTestNode("smallbank", json, authority);

  async function post(body: unknown) {
    const res = await fetch(`${t.url}/v1/txs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as { code?: string; message?: string; hash?: string },
    };
  }

  /** Resolves once every hash is in a final block. */
  async function untilFinal(hashes: string[]) {
    for (const hash of hashes)
      while ((await t.client.tx(hash)).status !== "final") await new Promise((r) => setTimeout(r, 20));
  }

  it("commits them, serves records with proofs, and reports aborted ops as success: false", async () => {
    const bobAddress = addressFromPublicKey(bob.publicKey);
    const txs = [
      smallbank(alice, 0, { op: SmallbankOp.DepositChecking, amount: 100n }),
      smallbank(alice, 1, { op: SmallbankOp.TransactSavings, amount: 10n }),
      smallbank(alice, 2, { op: SmallbankOp.SendPayment, amount: 40n, other: bobAddress }),
      smallbank(alice, 3, { op: SmallbankOp.WriteCheck, amount: 80n }, 3n),
      noop(bob, 0),
      smallbank(bob, 1, {
        op: SmallbankOp.SendPayment,
        amount: 41n,
        other: addressFromPublicKey(carol.publicKey),
      }),
      smallbank(carol, 0, { op: SmallbankOp.TransactSavings, amount: -1n }),
    ];
    // Alice's go in as JSON one by one, the rest as one msgpack batch.
    for (const stx of txs.slice(0, 4)) {
      const res = await post(signedTxToJson(stx));
      expect(res.status).toBe(202);
      expect(res.body.hash).toBe(bytesToHex(txHash(stx.tx)));
    }
    const batch = await fetch(`${t.url}/v1/txs`, {
      method: "POST",
      headers: { "content-type": "application/msgpack" },
      body: encodeTxBatch(txs.slice(4)),
    });
    expect(batch.status).toBe(202);
    const hashes = txs.map((s) => bytesToHex(txHash(s.tx)));
    await untilFinal(hashes);

    const receipts = await Promise.all(
      hashes.map(async (h) => (await t.client.request<{ receipt: Receipt }>("GET", `/v1/txs/${h}`)).receipt),
    );
    expect(receipts.map((r) => r.success)).toEqual([true, true, true, true, true, false, false]);
    expect(receipts[5].aborted).toBe("insufficient checking");
    expect(receipts[6].aborted).toBe("insufficient savings");
    expect(receipts[0]).not.toHaveProperty("aborted");
    expect(receipts[6].feePaid).toBe("1");

    // Alice: 100 deposited, 40 sent, then a check of 80 against 60 + 10: overdraft, 81 taken.
    const expected = [
      [alice, "-21", "10"],
      [bob, "40", "0"],
      [carol, "0", "0"],
    ] as const;
    for (const [key, checking, savings] of expected) {
      const text = `${addressOf(key)}@0`;
      const body = await t.client.request<{
        address: string;
        checking: string;
        savings: string;
        height: number;
        stateRoot: string;
        proof: unknown;
      }>("GET", `/v1/smallbank/${text}`);
      expect(body).toMatchObject({ address: text, checking, savings });
      const record = { checking: BigInt(checking), savings: BigInt(savings) };
      const written = key !== carol;
      const recordKey = sha256(new TextEncoder().encode("smallbank"), addressFromPublicKey(key.publicKey));
      const proof = stateProofFromJson(body.proof);
      const root = Uint8Array.from(Buffer.from(body.stateRoot, "hex"));
      const valueHash = written ? sha256(encodeSmallbankRecord(record)) : null;
      expect(verifyStateProof(root, recordKey, valueHash, proof)).toBe(true);
    }
    // Fees come from the native balances: 1 + 1 + 1 + 3 for Alice.
    expect((await t.client.account(addressOf(alice))).balance).toBe("994");

    const block = await t.client.request<{ txs: Array<{ kind: string; payload: object }> }>(
      "GET",
      `/v1/blocks/${receipts[0].blockHeight}?txs=full`,
    );
    expect(block.txs[receipts[0].index]).toEqual(
      expect.objectContaining({ kind: "smallbank", payload: { op: "depositChecking", amount: "100" } }),
    );
  });

  it("names the field at fault in malformed Smallbank and noop JSON", async () => {
    const base = signedTxToJson(
      smallbank(carol, 5, { op: SmallbankOp.WriteCheck, amount: 1n }),
    ) as SmallbankTxJson;
    const cases: Array<[unknown, number, string, string]> = [
      [{ ...base, payload: { ...base.payload, op: "steal" } }, 400, "API_ERROR_VALIDATION", "payload.op"],
      [
        { ...base, payload: { ...base.payload, amount: "1.5" } },
        400,
        "API_ERROR_VALIDATION",
        "payload.amount",
      ],
      [
        { ...base, payload: { ...base.payload, amount: "9223372036854775808" } },
        400,
        "CODEC_ERROR_OUT_OF_RANGE",
        "body.payload.amount",
      ],
      [{ ...base, payload: { amount: "1" } }, 400, "API_ERROR_VALIDATION", "payload"],
      [
        { ...base, payload: { ...base.payload, other: `${addressOf(bob).slice(0, -1)}x` } },
        400,
        "ADDRESS_ERROR_FORMAT",
        "body.payload.other",
      ],
      [{ ...base, payload: { op: "amalgamate", amount: "0" } }, 422, "TX_ERROR_BAD_PAYLOAD", "payload.other"],
      [{ ...base, kind: "noop", payload: "none" }, 400, "API_ERROR_VALIDATION", "payload"],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.code).toBe(code);
      expect(res.body.message).toContain(field);
    }
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as { paths: Record<string, object> };
    expect(Object.keys(doc.paths)).toContain("/v1/smallbank/{address}");
    // A noop as JSON round-trips to the same hash.
    const ok = noop(carol, 1);
    const res = await post(signedTxToJson(ok));
    expect(res.body.hash).toBe(bytesToHex(txHash(ok.tx)));
  });
});
