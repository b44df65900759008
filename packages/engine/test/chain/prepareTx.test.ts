import { SmallbankOp, type SmallbankPayload, TxKind } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { defaultChainOptions } from "../../src/chain/chainOptions.ts";
import { checkTxStateless, prepareTx } from "../../src/chain/prepareTx.ts";
import { TxError } from "../../src/errors.ts";
import { customers, noopTx, smallbankTx } from "../execution/smallbankFixtures.ts";

function smallbank(payload: SmallbankPayload) {
  return prepareTx({
    tx: {
      chainId: 1,
      shard: 0,
      kind: TxKind.Smallbank,
      sender: customers[0].keys.publicKey,
      nonce: 0,
      fee: 1n,
      payload,
    },
    signature: new Uint8Array(64),
  });
}

function refusal(t: ReturnType<typeof prepareTx>): TxError {
  try {
    checkTxStateless(t, defaultChainOptions);
  } catch (err) {
    expect(err).toBeInstanceOf(TxError);
    return err as TxError;
  }
  throw new Error("expected a refusal");
}

describe("checkTxStateless for noop and Smallbank txs", () => {
  it("accepts a noop and every well-formed Smallbank op", () => {
    const ok = [
      noopTx(0, 0),
      smallbankTx(0, 0, SmallbankOp.Balance, 0n),
      smallbankTx(0, 0, SmallbankOp.DepositChecking, -5n),
      smallbankTx(0, 0, SmallbankOp.TransactSavings, -5n),
      smallbankTx(0, 0, SmallbankOp.Amalgamate, 0n, 1),
      smallbankTx(0, 0, SmallbankOp.WriteCheck, 0n),
      smallbankTx(0, 0, SmallbankOp.SendPayment, 9n, 0),
    ];
    for (const t of ok) expect(() => checkTxStateless(t, defaultChainOptions)).not.toThrow();
  });

  it.each([
    [
      { op: SmallbankOp.Amalgamate, amount: 0n },
      "smallbank Amalgamate needs payload.other (the second customer)",
    ],
    [
      { op: SmallbankOp.SendPayment, amount: 1n },
      "smallbank SendPayment needs payload.other (the second customer)",
    ],
    [
      { op: SmallbankOp.Balance, amount: 0n, other: new Uint8Array(20) },
      "smallbank Balance takes no payload.other",
    ],
    [
      { op: SmallbankOp.WriteCheck, amount: 1n, other: new Uint8Array(20) },
      "smallbank WriteCheck takes no payload.other",
    ],
    [{ op: SmallbankOp.Balance, amount: 1n }, "smallbank Balance needs amount 0, got 1"],
    [
      { op: SmallbankOp.Amalgamate, amount: -1n, other: new Uint8Array(20) },
      "smallbank Amalgamate needs amount 0, got -1",
    ],
  ] as const)("refuses %o with TX_ERROR_BAD_PAYLOAD", (payload, message) => {
    const err = refusal(smallbank(payload as SmallbankPayload));
    expect(err.code).toBe("TX_ERROR_BAD_PAYLOAD");
    expect(err.message).toBe(message);
  });

  it("still checks the fee of the new kinds and the zero amount of transfers", () => {
    expect(refusal(noopTx(0, 0, 0n)).code).toBe("TX_ERROR_FEE_TOO_LOW");
    const zero = prepareTx({
      tx: {
        chainId: 1,
        shard: 0,
        kind: TxKind.Transfer,
        sender: customers[0].keys.publicKey,
        nonce: 0,
        fee: 1n,
        payload: { to: customers[1].address, amount: 0n },
      },
      signature: new Uint8Array(64),
    });
    expect(refusal(zero).code).toBe("TX_ERROR_ZERO_AMOUNT");
  });
});
