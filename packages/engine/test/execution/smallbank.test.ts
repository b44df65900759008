import { bytesToHex, sha256 } from "@vshard/crypto";
import {
  encodeSmallbankRecord,
  MAX_INT64,
  MIN_INT64,
  RecordNamespace,
  SmallbankOp,
  type SmallbankRecord,
} from "@vshard/types";
import { describe, expect, it } from "vitest";
import { stateKeyOf } from "../../src/chain/assembleBlock.ts";
import { executeTxs, touchedAddresses } from "../../src/execution/executeTxs.ts";
import type { RecordWrites } from "../../src/execution/recordState.ts";
import { recordValueHashOf } from "../../src/execution/recordStateKey.ts";
import { smallbankRecordKey } from "../../src/execution/smallbank.ts";
import { touchedRecords } from "../../src/execution/touchedRecords.ts";
import {
  customers,
  fundedAccounts,
  noopTx,
  proposerHex,
  recordAfter,
  recordsOf,
  smallbankTx,
} from "./smallbankFixtures.ts";

const r = (checking: bigint, savings: bigint): SmallbankRecord => ({ checking, savings });

/** Runs one Smallbank op of customer 0 (with customer 1 as `other` when given) on the given records. */
function runOne(
  op: SmallbankOp,
  amount: bigint,
  records: Array<SmallbankRecord | undefined>,
  other?: number,
) {
  const base = recordsOf(records);
  const result = executeTxs(
    [smallbankTx(0, 0, op, amount, other)],
    fundedAccounts(10n),
    proposerHex,
    {
      skipInvalid: false,
    },
    base,
  );
  return {
    result,
    outcome: result.outcomes[0],
    c: recordAfter(0, base, result.records),
    c2: recordAfter(1, base, result.records),
  };
}

describe("Smallbank execution, op by op", () => {
  it("Balance changes nothing, even for a customer never written", () => {
    const { outcome, result, c } = runOne(SmallbankOp.Balance, 0n, [r(5n, 7n)]);
    expect(outcome).toEqual({ status: "ok" });
    expect(result.records.size).toBe(0);
    expect(c).toEqual(r(5n, 7n));
    expect(runOne(SmallbankOp.Balance, 0n, []).c).toEqual(r(0n, 0n));
  });

  it("DepositChecking adds to checking, and aborts on a negative amount", () => {
    expect(runOne(SmallbankOp.DepositChecking, 30n, [r(5n, 7n)]).c).toEqual(r(35n, 7n));
    const bad = runOne(SmallbankOp.DepositChecking, -1n, [r(5n, 7n)]);
    expect(bad.outcome).toEqual({ status: "aborted", reason: "negative amount" });
    expect(bad.result.records.size).toBe(0);
  });

  it("TransactSavings adds a signed amount, and aborts when savings would go negative", () => {
    expect(runOne(SmallbankOp.TransactSavings, 3n, [r(5n, 7n)]).c).toEqual(r(5n, 10n));
    expect(runOne(SmallbankOp.TransactSavings, -7n, [r(5n, 7n)]).c).toEqual(r(5n, 0n));
    const bad = runOne(SmallbankOp.TransactSavings, -8n, [r(5n, 7n)]);
    expect(bad.outcome).toEqual({ status: "aborted", reason: "insufficient savings" });
    expect(bad.c).toEqual(r(5n, 7n));
  });

  it("Amalgamate moves all of c's savings and checking into c2's checking", () => {
    const { outcome, c, c2 } = runOne(SmallbankOp.Amalgamate, 0n, [r(-4n, 10n), r(1n, 2n)], 1);
    expect(outcome.status).toBe("ok");
    expect(c).toEqual(r(0n, 0n));
    expect(c2).toEqual(r(1n + 6n, 2n));
    // With itself as the second customer, savings move into checking.
    expect(runOne(SmallbankOp.Amalgamate, 0n, [r(3n, 10n)], 0).c).toEqual(r(13n, 0n));
  });

  it("WriteCheck debits checking, with a penalty of 1 when savings + checking < amount", () => {
    expect(runOne(SmallbankOp.WriteCheck, 15n, [r(5n, 10n)]).c).toEqual(r(-10n, 10n));
    const overdraft = runOne(SmallbankOp.WriteCheck, 16n, [r(5n, 10n)]);
    expect(overdraft.outcome.status).toBe("ok");
    expect(overdraft.c).toEqual(r(5n - 17n, 10n));
    expect(runOne(SmallbankOp.WriteCheck, 1n, []).c).toEqual(r(-2n, 0n));
  });

  it("SendPayment moves amount between checkings, and aborts when short or negative", () => {
    const { c, c2 } = runOne(SmallbankOp.SendPayment, 5n, [r(5n, 100n), r(-3n, 0n)], 1);
    expect([c, c2]).toEqual([r(0n, 100n), r(2n, 0n)]);
    const short = runOne(SmallbankOp.SendPayment, 6n, [r(5n, 100n)], 1);
    expect(short.outcome).toEqual({ status: "aborted", reason: "insufficient checking" });
    expect(short.result.records.size).toBe(0);
    expect(runOne(SmallbankOp.SendPayment, -1n, [r(5n, 0n)], 1).outcome).toEqual({
      status: "aborted",
      reason: "negative amount",
    });
    expect(runOne(SmallbankOp.SendPayment, 5n, [r(5n, 1n)], 0).c).toEqual(r(5n, 1n));
  });

  it("aborts whatever would leave the int64 range, changing no record", () => {
    const overflow = { status: "aborted", reason: "int64 overflow" };
    expect(runOne(SmallbankOp.DepositChecking, 1n, [r(MAX_INT64, 0n)]).outcome).toEqual(overflow);
    expect(runOne(SmallbankOp.TransactSavings, MAX_INT64, [r(0n, 1n)]).outcome).toEqual(overflow);
    expect(runOne(SmallbankOp.WriteCheck, 1n, [r(MIN_INT64, 0n)]).outcome).toEqual(overflow);
    const amalgamate = runOne(SmallbankOp.Amalgamate, 0n, [r(1n, 0n), r(MAX_INT64, 0n)], 1);
    expect(amalgamate.outcome).toEqual(overflow);
    expect([amalgamate.c, amalgamate.c2]).toEqual([r(1n, 0n), r(MAX_INT64, 0n)]);
    expect(runOne(SmallbankOp.SendPayment, 1n, [r(1n, 0n), r(MAX_INT64, 0n)], 1).outcome).toEqual(overflow);
  });
});

describe("noop and Smallbank txs as a whole", () => {
  it("an aborted tx is still applied: fee to the proposer, nonce consumed", () => {
    const txs = [smallbankTx(0, 0, SmallbankOp.SendPayment, 5n, 1, 3n), noopTx(0, 1, 2n)];
    const res = executeTxs(txs, fundedAccounts(10n), proposerHex, { skipInvalid: false });
    expect(res.applied).toEqual(txs);
    expect(res.outcomes).toEqual([{ status: "aborted", reason: "insufficient checking" }, { status: "ok" }]);
    expect(res.changed.get(customers[0].hex)).toEqual({ balance: 5n, nonce: 2 });
    expect(res.changed.get(proposerHex)).toEqual({ balance: 5n, nonce: 0 });
    expect(res.fees).toBe(5n);
    expect(res.records.size).toBe(0);
  });

  it("the fee must be covered by the native balance, and the nonce must match", () => {
    const poor = fundedAccounts(2n);
    expect(() =>
      executeTxs([smallbankTx(0, 0, SmallbankOp.Balance, 0n, undefined, 3n)], poor, proposerHex, {
        skipInvalid: false,
      }),
    ).toThrowError(expect.objectContaining({ code: "TX_ERROR_INSUFFICIENT_BALANCE" }));
    const res = executeTxs([noopTx(1, 0, 3n), noopTx(2, 1), noopTx(3, 0, 2n)], poor, proposerHex, {
      skipInvalid: true,
    });
    expect(res.rejected.map((x) => x.error.code)).toEqual([
      "TX_ERROR_INSUFFICIENT_BALANCE",
      "TX_ERROR_NONCE_MISMATCH",
    ]);
    expect(res.rejected[0].error.message).toBe("balance 2 is less than the fee = 3");
    expect(res.outcomes).toEqual([{ status: "ok" }]);
    expect(res.changed.get(customers[3].hex)).toEqual({ balance: 0n, nonce: 1 });
  });

  it("does not mutate the committed records it is given", () => {
    const base = recordsOf([r(5n, 5n), r(1n, 1n)]);
    const before = structuredClone([...base]);
    executeTxs(
      [smallbankTx(0, 0, SmallbankOp.Amalgamate, 0n, 1)],
      fundedAccounts(5n),
      proposerHex,
      {
        skipInvalid: false,
      },
      base,
    );
    expect([...base]).toEqual(before);
  });

  it("touches the sender's account and both customers' records", () => {
    const txs = [smallbankTx(0, 0, SmallbankOp.SendPayment, 1n, 2), noopTx(3, 0)];
    expect(touchedAddresses(txs, proposerHex)).toEqual(
      new Set([proposerHex, customers[0].hex, customers[3].hex]),
    );
    const touched = touchedRecords(txs);
    expect([...touched.values()]).toEqual(
      [0, 2].map((i) => ({ namespace: RecordNamespace.Smallbank, id: customers[i].address })),
    );
    expect([...touched.keys()]).toEqual(
      [0, 2].map((i) => bytesToHex(smallbankRecordKey(customers[i].address))),
    );
  });
});

describe("Smallbank state-tree entries", () => {
  it("key records apart from accounts: sha256('smallbank' || address) against sha256(address)", () => {
    const a = customers[0].address;
    expect(smallbankRecordKey(a)).toEqual(sha256(new TextEncoder().encode("smallbank"), a));
    expect(smallbankRecordKey(a)).not.toEqual(stateKeyOf(a));
    expect(recordValueHashOf(encodeSmallbankRecord(r(-1n, 2n)))).toEqual(
      sha256(encodeSmallbankRecord(r(-1n, 2n))),
    );
  });

  it("a record map entry carries its namespace, address and encoded record", () => {
    const res = runOne(SmallbankOp.DepositChecking, 1n, []);
    const entries: RecordWrites = res.result.records;
    expect([...entries.values()]).toEqual([
      {
        namespace: RecordNamespace.Smallbank,
        id: customers[0].address,
        value: Uint8Array.from(encodeSmallbankRecord({ checking: 1n, savings: 0n })),
      },
    ]);
  });
});
