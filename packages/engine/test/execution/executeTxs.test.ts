import { bytesToHex, ed25519KeyPairFromSeed } from "@vshard/crypto";
import { addressFromPublicKey, type SignedTx, TxKind } from "@vshard/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prepareTx } from "../../src/chain/prepareTx.ts";
import { TxError } from "../../src/errors.ts";
import { type AccountMap, executeTxs } from "../../src/execution/executeTxs.ts";

const keys = Array.from({ length: 5 }, (_, i) => ed25519KeyPairFromSeed(new Uint8Array(32).fill(i + 1)));
const hexOf = (i: number) => bytesToHex(addressFromPublicKey(keys[i].publicKey));
const proposerHex = bytesToHex(new Uint8Array(20).fill(0xee));

function tx(from: number, to: number, amount: bigint, nonce: number, fee = 1n): SignedTx {
  return {
    tx: {
      chainId: 1,
      shard: 0,
      kind: TxKind.Transfer,
      sender: keys[from].publicKey,
      nonce,
      fee,
      payload: { to: addressFromPublicKey(keys[to].publicKey), amount },
    },
    signature: new Uint8Array(64),
  };
}

function genesisAccounts(balance: bigint): AccountMap {
  return new Map(keys.map((_, i) => [hexOf(i), { balance, nonce: 0 }]));
}

function total(accounts: AccountMap, changed: AccountMap): bigint {
  const merged = new Map([...accounts, ...changed]);
  let sum = 0n;
  for (const a of merged.values()) sum += a.balance;
  return sum;
}

describe("executeTxs", () => {
  it("moves amount to the receiver, fee to the proposer, and raises the sender's nonce", () => {
    const accounts = genesisAccounts(100n);
    const r = executeTxs([prepareTx(tx(0, 1, 30n, 0, 2n))], accounts, proposerHex, { skipInvalid: false });
    expect(r.changed.get(hexOf(0))).toEqual({ balance: 68n, nonce: 1 });
    expect(r.changed.get(hexOf(1))).toEqual({ balance: 130n, nonce: 0 });
    expect(r.changed.get(proposerHex)).toEqual({ balance: 2n, nonce: 0 });
    expect(r.fees).toBe(2n);
  });

  it("does not mutate the input state", () => {
    const accounts = genesisAccounts(100n);
    executeTxs([prepareTx(tx(0, 1, 30n, 0))], accounts, proposerHex, { skipInvalid: false });
    expect(accounts.get(hexOf(0))).toEqual({ balance: 100n, nonce: 0 });
  });

  it("a self-transfer costs only the fee", () => {
    const r = executeTxs([prepareTx(tx(2, 2, 50n, 0, 3n))], genesisAccounts(100n), proposerHex, {
      skipInvalid: false,
    });
    expect(r.changed.get(hexOf(2))).toEqual({ balance: 97n, nonce: 1 });
  });

  it("throws the precise TxError when validating, skips and reports it when building", () => {
    const bad = [prepareTx(tx(0, 1, 500n, 0)), prepareTx(tx(1, 0, 1n, 3))];
    expect(() =>
      executeTxs(bad.slice(0, 1), genesisAccounts(100n), proposerHex, { skipInvalid: false }),
    ).toThrowError(expect.objectContaining({ code: "TX_ERROR_INSUFFICIENT_BALANCE" }));
    const r = executeTxs(bad, genesisAccounts(100n), proposerHex, { skipInvalid: true });
    expect(r.applied).toHaveLength(0);
    expect(r.rejected.map((x) => x.error.code)).toEqual([
      "TX_ERROR_INSUFFICIENT_BALANCE",
      "TX_ERROR_NONCE_MISMATCH",
    ]);
    expect(r.rejected[1].error).toBeInstanceOf(TxError);
    expect(r.rejected[1].error.message).toContain("account nonce 0");
  });

  it("conserves supply and keeps nonces dense for any sequence of transfers (property)", () => {
    const txArb = fc.record({
      from: fc.integer({ min: 0, max: 4 }),
      to: fc.integer({ min: 0, max: 4 }),
      amount: fc.bigInt({ min: 1n, max: 80n }),
      fee: fc.bigInt({ min: 1n, max: 5n }),
      nonceSkew: fc.constantFrom(0, 0, 0, 1, -1),
    });
    fc.assert(
      fc.property(fc.array(txArb, { maxLength: 40 }), (specs) => {
        const accounts = genesisAccounts(200n);
        const nextNonce = [0, 0, 0, 0, 0];
        const txs = specs.map((s) =>
          prepareTx(tx(s.from, s.to, s.amount, Math.max(0, nextNonce[s.from]++ + s.nonceSkew), s.fee)),
        );
        const r = executeTxs(txs, accounts, proposerHex, { skipInvalid: true });
        expect(r.applied.length + r.rejected.length).toBe(txs.length);
        expect(total(accounts, r.changed)).toBe(200n * 5n);
        for (let i = 0; i < 5; i++) {
          const applied = r.applied.filter((t) => t.senderHex === hexOf(i)).map((t) => t.stx.tx.nonce);
          expect(applied).toEqual(applied.map((_, k) => k));
          expect(r.changed.get(hexOf(i))?.nonce ?? 0).toBe(applied.length);
          expect((r.changed.get(hexOf(i)) ?? accounts.get(hexOf(i)))?.balance).toBeGreaterThanOrEqual(0n);
        }
      }),
    );
  });
});
