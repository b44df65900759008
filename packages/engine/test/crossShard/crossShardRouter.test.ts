import { bytesToHex } from "@vshard/crypto";
import { type Receipt, RecordNamespace, type SignedTx } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { prepareTx } from "../../src/chain/prepareTx.ts";
import {
  decodeSpentReceiptEntry,
  ReceiptUse,
  refundReceiptId,
  spentReceiptRecordId,
} from "../../src/crossShard/receiptRecords.ts";
import { type AccountMap, executeTxs } from "../../src/execution/executeTxs.ts";
import type { RecordMap } from "../../src/execution/recordState.ts";
import { recordKeyHex } from "../../src/execution/recordStateKey.ts";
import type { ReceiptSources } from "../../src/index.ts";
import { defaultMainChainRules } from "../../src/registry/options.ts";
import {
  anchoredHeaderRecord,
  at,
  chainRecord,
  crossTransferTx,
  deliveryOf,
  FakeReceiptSources,
  fundedAccounts,
  MAIN,
  PROPOSER_HEX,
  receiptOf,
  receiptTotals,
  receiveTx,
  recordMapOf,
  stateAfter,
  supplyOf,
  users,
} from "./crossShardFixtures.ts";

const MAIN_HEIGHT = 20;
const SOURCE = at(1, 0);
const SOURCE_HEIGHT = 7;
const ANCHORED_AT = 10;

/** Block 7 of chain 1 shard 0, anchored at main height 10: one receipt per routing case. */
const outbox: Receipt[] = [
  receiptOf("forward", SOURCE, at(2, 0), 30n, { from: 0, to: 1 }),
  receiptOf("unknown chain", SOURCE, at(9, 0), 20n, { from: 0, to: 1 }),
  receiptOf("main", SOURCE, MAIN, 50n, { from: 0, to: 2 }),
  receiptOf("added late", SOURCE, at(1, 2), 15n, { from: 3, to: 1 }),
  receiptOf("main shard 3", SOURCE, at(0, 3), 11n, { from: 3, to: 2 }),
  receiptOf("unknown shard", SOURCE, at(2, 5), 12n, { from: 0, to: 2 }),
  receiptOf("same chain", SOURCE, at(1, 1), 13n, { from: 0, to: 2 }),
];

/** The main chain's registry as its state holds it: chain 1 (shards 0, 1 at 0, shard 2 at 15), chain 2 (one shard). */
const mainRecords = (): RecordMap =>
  recordMapOf([
    chainRecord(1, [0, 0, 15]),
    chainRecord(2, [3]),
    anchoredHeaderRecord(SOURCE, SOURCE_HEIGHT, outbox, ANCHORED_AT),
  ]);

/** Executes `stxs` on the main chain (its sources are its own records) and checks the supply invariant. */
function runMain(stxs: SignedTx[], state: { accounts: AccountMap; records: RecordMap }) {
  const txs = stxs.map(prepareTx);
  const context = { main: defaultMainChainRules, height: MAIN_HEIGHT };
  const result = executeTxs(txs, state.accounts, PROPOSER_HEX, { skipInvalid: true, context }, state.records);
  const after = stateAfter(state.accounts, state.records, result);
  expect(supplyOf(after.accounts, after.records)).toBe(supplyOf(state.accounts, state.records));
  return { txs, result, after, codes: result.rejected.map((r) => r.error.code) };
}

const deliverAtMain = (index: number, relay = 0) =>
  receiveTx(relay, MAIN, deliveryOf(outbox, index, SOURCE_HEIGHT));
const spentUse = (records: RecordMap, source: Receipt["source"], id: Uint8Array) => {
  const value = records.get(
    recordKeyHex({ namespace: RecordNamespace.SpentReceipt, id: spentReceiptRecordId(source, id) }),
  )?.value;
  return value ? decodeSpentReceiptEntry(value).use : null;
};

describe("the main chain as router", () => {
  it("forwards to another chain's existing shard, refunds what has no destination, credits its own shard", () => {
    const state = { accounts: fundedAccounts(1_000n), records: mainRecords() };
    const { result, after, codes } = runMain(
      [0, 1, 2, 3, 4, 5].map((i) => deliverAtMain(i)),
      state,
    );
    expect(codes).toEqual([]);
    const refund = (r: Receipt): Receipt => ({
      id: refundReceiptId(r.id),
      from: r.to,
      to: r.from,
      amount: r.amount,
      source: MAIN,
      destination: SOURCE,
    });
    expect(result.receipts).toEqual([
      { ...outbox[0], source: MAIN },
      refund(outbox[1]),
      refund(outbox[3]),
      refund(outbox[4]),
      refund(outbox[5]),
    ]);
    // Only the receipt for (0, 0) moves a balance; no fee, no proposer change.
    expect([...result.changed]).toEqual([[users[2].hex, { balance: 1_050n, nonce: 0 }]]);
    const routed = 30n + 20n + 15n + 11n + 12n;
    expect(receiptTotals(after.records)).toEqual({ sent: routed, consumed: routed + 50n });
    const uses = [0, 1, 2, 3, 4, 5].map((i) => spentUse(after.records, SOURCE, outbox[i].id));
    expect(uses).toEqual([
      ReceiptUse.Forwarded,
      ReceiptUse.Refunded,
      ReceiptUse.Credited,
      ReceiptUse.Refunded,
      ReceiptUse.Refunded,
      ReceiptUse.Refunded,
    ]);
  });

  it("refuses what it must not route, what is not anchored, and what it consumed already", () => {
    const state = { accounts: fundedAccounts(1_000n), records: mainRecords() };
    const sameChain = runMain([deliverAtMain(6)], state);
    expect(sameChain.codes).toEqual(["TX_ERROR_RECEIPT_ROUTE"]);
    expect(sameChain.result.rejected[0].error.message).toContain("consumed by chain 1 shard 1");

    const unanchored = runMain([receiveTx(0, MAIN, deliveryOf(outbox, 0, SOURCE_HEIGHT + 1))], state);
    expect(unanchored.codes).toEqual(["TX_ERROR_RECEIPT_NOT_ANCHORED"]);

    const first = runMain([deliverAtMain(0, 0), deliverAtMain(0, 1)], state);
    expect(first.codes).toEqual(["TX_ERROR_RECEIPT_SPENT"]);
    expect(runMain([deliverAtMain(0, 1)], first.after).codes).toEqual(["TX_ERROR_RECEIPT_SPENT"]);
  });

  it("reads the source header from its own AnchoredHeader records only", () => {
    const bare = {
      accounts: fundedAccounts(1_000n),
      records: recordMapOf([chainRecord(1, [0, 0]), chainRecord(2, [3])]),
    };
    expect(runMain([deliverAtMain(0)], bare).codes).toEqual(["TX_ERROR_RECEIPT_NOT_ANCHORED"]);
  });

  it("the forward is credited at the other chain, the refund back to the sender at the source", () => {
    const state = { accounts: fundedAccounts(1_000n), records: mainRecords() };
    const { result } = runMain([deliverAtMain(0), deliverAtMain(1)], state);
    const mainOutbox = result.receipts;
    const mainSources: ReceiptSources = new FakeReceiptSources().notarise(
      MAIN,
      MAIN_HEIGHT,
      mainOutbox,
      MAIN_HEIGHT,
    );
    const runWorker = (here: typeof SOURCE, index: number) => {
      const accounts = fundedAccounts(1_000n);
      const txs = [prepareTx(receiveTx(0, here, deliveryOf(mainOutbox, index, MAIN_HEIGHT)))];
      const context = { height: 30, sources: mainSources };
      const r = executeTxs(txs, accounts, PROPOSER_HEX, { skipInvalid: false, context });
      const after = stateAfter(accounts, new Map(), r);
      expect(supplyOf(after.accounts, after.records)).toBe(supplyOf(accounts, new Map()));
      return r;
    };
    expect(runWorker(at(2, 0), 0).changed.get(users[1].hex)?.balance).toBe(1_030n);
    expect(runWorker(SOURCE, 1).changed.get(users[0].hex)?.balance).toBe(1_020n);
    // Neither goes anywhere else.
    const elsewhere = () => runWorker(at(2, 1), 0);
    expect(elsewhere).toThrowError(expect.objectContaining({ code: "TX_ERROR_RECEIPT_ROUTE" }));
  });
});

describe("cross transfer on the main chain", () => {
  it("sends to a registered chain's shard and refuses unknown chains, unknown shards and the main chain", () => {
    const state = { accounts: fundedAccounts(1_000n, [0]), records: mainRecords() };
    const send = (destination: typeof SOURCE) =>
      runMain([crossTransferTx(0, 0, MAIN, { to: users[1].address, destination, amount: 25n })], state);
    const ok = send(at(2, 0));
    expect(ok.codes).toEqual([]);
    expect(ok.result.receipts).toEqual([
      {
        id: ok.txs[0].hash,
        from: users[0].address,
        to: users[1].address,
        amount: 25n,
        source: MAIN,
        destination: at(2, 0),
      },
    ]);
    expect(ok.result.changed.get(users[0].hex)).toEqual({ balance: 974n, nonce: 1 });
    expect(receiptTotals(ok.after.records).sent).toBe(25n);
    const refused: Array<[typeof SOURCE, string]> = [
      [at(9, 0), "TX_ERROR_UNKNOWN_SHARD"],
      [at(2, 1), "TX_ERROR_UNKNOWN_SHARD"],
      [MAIN, "TX_ERROR_BAD_DESTINATION"],
      [at(0, 1), "TX_ERROR_BAD_DESTINATION"],
    ];
    for (const [destination, code] of refused) {
      const r = send(destination);
      expect(r.codes).toEqual([code]);
      expect(r.result.changed.size).toBe(0);
    }
    expect(bytesToHex(ok.result.receipts[0].id)).toBe(ok.txs[0].hashHex);
  });
});
