import { bytesToHex } from "@vshard/crypto";
import { type Receipt, RecordNamespace, type SignedTx } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { defaultChainOptions } from "../../src/chain/chainOptions.ts";
import { checkTxStateless, prepareTx } from "../../src/chain/prepareTx.ts";
import {
  decodeSpentReceiptEntry,
  ReceiptUse,
  spentReceiptRecordId,
} from "../../src/crossShard/receiptRecords.ts";
import { TxError } from "../../src/errors.ts";
import { type AccountMap, executeTxs } from "../../src/execution/executeTxs.ts";
import type { RecordMap } from "../../src/execution/recordState.ts";
import { recordKeyHex } from "../../src/execution/recordStateKey.ts";
import type { ReceiptSources } from "../../src/index.ts";
import {
  at,
  crossTransferTx,
  deliveryOf,
  FakeReceiptSources,
  fundedAccounts,
  PROPOSER_HEX,
  receiptOf,
  receiptTotals,
  receiveTx,
  stateAfter,
  supplyOf,
  users,
} from "./crossShardFixtures.ts";

/** The worker shard under test, and a sibling shard of its chain. */
const HERE = at(1, 0);
const SIBLING = at(1, 1);
const HEIGHT = 5;

/** Executes `stxs` on HERE, checks the supply invariant, and returns the result with the state after it. */
function run(
  stxs: SignedTx[],
  state: { accounts: AccountMap; records?: RecordMap },
  opts: { skipInvalid?: boolean; sources?: ReceiptSources; height?: number } = {},
) {
  const records = state.records ?? new Map();
  const context = { height: opts.height ?? HEIGHT, ...(opts.sources ? { sources: opts.sources } : {}) };
  const txs = stxs.map(prepareTx);
  const result = executeTxs(
    txs,
    state.accounts,
    PROPOSER_HEX,
    { skipInvalid: opts.skipInvalid ?? true, context },
    records,
  );
  const after = stateAfter(state.accounts, records, result);
  expect(supplyOf(after.accounts, after.records)).toBe(supplyOf(state.accounts, records));
  return { txs, result, after, codes: result.rejected.map((r) => r.error.code) };
}

const to = users[2].address;

describe("cross transfer on a worker shard", () => {
  it("debits fee + amount, bumps the nonce, emits the receipt and raises the sent total", () => {
    const accounts = fundedAccounts(1_000n, [0]);
    const stx = crossTransferTx(0, 0, HERE, { to, destination: SIBLING, amount: 100n }, { fee: 3n });
    const { txs, result, after } = run([stx], { accounts }, { skipInvalid: false });
    expect(result.changed.get(users[0].hex)).toEqual({ balance: 897n, nonce: 1 });
    expect(result.changed.get(PROPOSER_HEX)).toEqual({ balance: 3n, nonce: 0 });
    expect(result.fees).toBe(3n);
    const expected: Receipt = {
      id: txs[0].hash,
      from: users[0].address,
      to,
      amount: 100n,
      source: HERE,
      destination: SIBLING,
    };
    expect(result.receipts).toEqual([expected]);
    expect(receiptTotals(after.records)).toEqual({ sent: 100n, consumed: 0n });
  });

  it("keeps outbox order over several transfers and adds them to the sent total", () => {
    const accounts = fundedAccounts(1_000n, [0, 1]);
    const stxs = [
      crossTransferTx(0, 0, HERE, { to, destination: SIBLING, amount: 10n }),
      crossTransferTx(1, 0, HERE, { to, destination: at(2, 0), amount: 20n }),
      crossTransferTx(0, 1, HERE, { to, destination: at(0, 0), amount: 30n }),
    ];
    const { txs, result, after } = run(stxs, { accounts }, { skipInvalid: false });
    expect(result.receipts.map((r) => [bytesToHex(r.id), r.amount])).toEqual(
      txs.map((t, i) => [t.hashHex, BigInt(10 * (i + 1))]),
    );
    expect(receiptTotals(after.records).sent).toBe(60n);
  });

  it("is refused: zero amount (stateless), same-shard destination, insufficient balance; nothing is debited", () => {
    const zero = prepareTx(crossTransferTx(0, 0, HERE, { to, destination: SIBLING, amount: 0n }));
    expect(() => checkTxStateless(zero, defaultChainOptions)).toThrowError(
      expect.objectContaining({ code: "TX_ERROR_ZERO_AMOUNT" }),
    );
    const accounts = fundedAccounts(100n, [0]);
    const cases: Array<[string, SignedTx]> = [
      ["TX_ERROR_BAD_DESTINATION", crossTransferTx(0, 0, HERE, { to, destination: HERE, amount: 5n })],
      [
        "TX_ERROR_INSUFFICIENT_BALANCE",
        crossTransferTx(0, 0, HERE, { to, destination: SIBLING, amount: 98n }, { fee: 3n }),
      ],
    ];
    for (const [code, stx] of cases) {
      const { result, codes, after } = run([stx], { accounts });
      expect(codes).toEqual([code]);
      expect(result.changed.size).toBe(0);
      expect(result.receipts).toEqual([]);
      expect(receiptTotals(after.records)).toEqual({ sent: 0n, consumed: 0n });
      expect(() => run([stx], { accounts }, { skipInvalid: false })).toThrowError(TxError);
    }
    // The whole balance may go: fee + amount = balance.
    const all = run([crossTransferTx(0, 0, HERE, { to, destination: SIBLING, amount: 97n }, { fee: 3n })], {
      accounts,
    });
    expect(all.result.changed.get(users[0].hex)).toEqual({ balance: 0n, nonce: 1 });
  });
});

/** The outbox of block 7 of SIBLING: two receipts for HERE, one for shard 2 of the chain. */
const SOURCE_HEIGHT = 7;
const outbox = [
  receiptOf("a", SIBLING, HERE, 40n, { to: 1 }),
  receiptOf("b", SIBLING, at(1, 2), 5n),
  receiptOf("c", SIBLING, HERE, 60n, { to: 2 }),
];
const sources = () =>
  new FakeReceiptSources()
    .notarise(SIBLING, SOURCE_HEIGHT, outbox, 10)
    .addShard(HERE, 0)
    .addShard(SIBLING, 0)
    .addShard(at(1, 2), 0);
const deliver = (index: number, relay = 0, receipts = outbox, height = SOURCE_HEIGHT) =>
  receiveTx(relay, HERE, deliveryOf(receipts, index, height));

describe("receive on a worker shard", () => {
  it("credits the receipt once, with no fee and no nonce, and records it spent", () => {
    const accounts = fundedAccounts(1_000n);
    const { txs, result, after } = run(
      [deliver(0)],
      { accounts },
      { sources: sources(), skipInvalid: false },
    );
    expect(result.changed.get(users[1].hex)).toEqual({ balance: 1_040n, nonce: 0 });
    expect(result.changed.size).toBe(1);
    expect(result.fees).toBe(0n);
    expect(result.receipts).toEqual([]);
    expect(receiptTotals(after.records)).toEqual({ sent: 0n, consumed: 40n });
    const key = recordKeyHex({
      namespace: RecordNamespace.SpentReceipt,
      id: spentReceiptRecordId(SIBLING, outbox[0].id),
    });
    const spent = decodeSpentReceiptEntry(after.records.get(key)?.value ?? new Uint8Array());
    expect(spent).toEqual({ height: HEIGHT, txHash: txs[0].hash, use: ReceiptUse.Credited });
  });

  it("refuses the same receipt again: in the same block, and in a later block over the written records", () => {
    const accounts = fundedAccounts(1_000n);
    const first = run([deliver(0, 0), deliver(0, 1), deliver(2, 1)], { accounts }, { sources: sources() });
    expect(first.result.applied.map((t) => t.hashHex)).toEqual([first.txs[0].hashHex, first.txs[2].hashHex]);
    expect(first.codes).toEqual(["TX_ERROR_RECEIPT_SPENT"]);
    expect(receiptTotals(first.after.records)).toEqual({ sent: 0n, consumed: 100n });
    for (const relay of [0, 1]) {
      const later = run([deliver(0, relay)], first.after, { sources: sources(), height: HEIGHT + 1 });
      expect(later.codes).toEqual(["TX_ERROR_RECEIPT_SPENT"]);
      expect(later.result.rejected[0].error.message).toContain(`consumed at height ${HEIGHT}`);
      expect(() =>
        run([deliver(0, relay)], first.after, { sources: sources(), skipInvalid: false }),
      ).toThrowError(expect.objectContaining({ code: "TX_ERROR_RECEIPT_SPENT" }));
    }
  });

  it("refuses forged proofs: a flipped sibling, a wrong index, a wrong leaf count, a changed receipt", () => {
    const good = deliveryOf(outbox, 0, SOURCE_HEIGHT);
    const flipped = good.proof.siblings.map((s, i) =>
      i === 0 ? Uint8Array.from(s, (b, k) => (k === 0 ? b ^ 1 : b)) : s,
    );
    const forged = [
      { ...good, proof: { ...good.proof, siblings: flipped } },
      { ...good, proof: { ...good.proof, index: 1 } },
      { ...good, proof: { ...good.proof, leafCount: 4 } },
      { ...good, proof: { ...good.proof, leafCount: 2 } },
      { ...good, proof: { ...good.proof, siblings: good.proof.siblings.slice(1) } },
      { ...good, receipt: { ...good.receipt, amount: 41n } },
      { ...deliveryOf(outbox, 2, SOURCE_HEIGHT), receipt: outbox[0] },
    ];
    for (const payload of forged) {
      const { codes } = run(
        [receiveTx(0, HERE, payload)],
        { accounts: fundedAccounts(1_000n) },
        { sources: sources() },
      );
      expect(codes).toEqual(["TX_ERROR_BAD_RECEIPT_PROOF"]);
    }
  });

  it("refuses a source block that is not notarised, and any receive where the node has no sources", () => {
    const accounts = fundedAccounts(1_000n);
    const unanchored = run([deliver(0, 0, outbox, SOURCE_HEIGHT + 1)], { accounts }, { sources: sources() });
    expect(unanchored.codes).toEqual(["TX_ERROR_RECEIPT_NOT_ANCHORED"]);
    expect(unanchored.result.rejected[0].error.message).toContain("not anchored");
    expect(run([deliver(0)], { accounts }).codes).toEqual(["TX_ERROR_RECEIPT_NOT_ANCHORED"]);
  });

  it("refuses receipts this shard does not consume: another shard's, another chain's, a shard added late, its own", () => {
    const accounts = fundedAccounts(1_000n);
    const route = (payload: ReturnType<typeof deliveryOf>, s: ReceiptSources) =>
      run([receiveTx(0, HERE, payload)], { accounts }, { sources: s });
    const other = route(deliveryOf(outbox, 1, SOURCE_HEIGHT), sources());
    expect(other.codes).toEqual(["TX_ERROR_RECEIPT_ROUTE"]);
    expect(other.result.rejected[0].error.message).toContain("consumed by chain 1 shard 2");

    const crossChain = [receiptOf("x", at(2, 0), HERE, 8n)];
    const viaRouter = route(deliveryOf(crossChain, 0, 3), sources().notarise(at(2, 0), 3, crossChain));
    expect(viaRouter.codes).toEqual(["TX_ERROR_RECEIPT_ROUTE"]);
    expect(viaRouter.result.rejected[0].error.message).toContain("the main chain routes it");

    const late = new FakeReceiptSources().notarise(SIBLING, SOURCE_HEIGHT, outbox, 10).addShard(HERE, 11);
    expect(route(deliveryOf(outbox, 0, SOURCE_HEIGHT), late).codes).toEqual(["TX_ERROR_RECEIPT_ROUTE"]);

    const own = [receiptOf("own", HERE, SIBLING, 8n)];
    expect(route(deliveryOf(own, 0, 2), sources().notarise(HERE, 2, own)).codes).toEqual([
      "TX_ERROR_RECEIPT_ROUTE",
    ]);
  });

  it("credits a receipt the main chain sent (straight to its destination)", () => {
    const fromMain = [receiptOf("main", at(0, 0), HERE, 70n, { to: 3 })];
    const s = sources().notarise(at(0, 0), 12, fromMain, 12);
    const { result } = run(
      [receiveTx(1, HERE, deliveryOf(fromMain, 0, 12))],
      { accounts: fundedAccounts(1_000n) },
      { sources: s, skipInvalid: false },
    );
    expect(result.changed.get(users[3].hex)?.balance).toBe(1_070n);
  });
});
