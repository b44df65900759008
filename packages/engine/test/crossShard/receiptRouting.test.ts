import { EMPTY_ACCOUNT, type ShardRef, sameShard } from "@vshard/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prepareTx } from "../../src/chain/prepareTx.ts";
import { type CrossShardScope, planReceive } from "../../src/crossShard/crossShardTxs.ts";
import { ReceiptUse } from "../../src/crossShard/receiptRecords.ts";
import { MAIN_SHARD, receiptDeliveryPoint, routerAction } from "../../src/crossShard/receiptRouting.ts";
import { RecordState } from "../../src/execution/recordState.ts";
import { at, deliveryOf, FakeReceiptSources, MAIN, receiptOf, receiveTx } from "./crossShardFixtures.ts";

const r = (source: ShardRef, destination: ShardRef) => receiptOf("routing", source, destination, 5n);

describe("receiptDeliveryPoint", () => {
  // [case, source, destination, anchoredAt, destinationAddedAt, expected consumer]
  const cases: Array<[string, ShardRef, ShardRef, number, number | null, ShardRef]> = [
    ["main source: straight to its destination", MAIN, at(1, 2), 10, 3, at(1, 2)],
    ["main source, even if this node knows no such shard", MAIN, at(1, 2), 10, null, at(1, 2)],
    ["main destination: the main chain", at(1, 0), MAIN, 10, null, MAIN],
    ["main chain shard other than 0: the router (which refunds)", at(1, 0), at(0, 3), 10, null, MAIN],
    ["same chain, shard existing before the anchor", at(1, 0), at(1, 2), 10, 3, at(1, 2)],
    ["same chain, shard added at the anchor's own height", at(1, 0), at(1, 2), 10, 10, at(1, 2)],
    ["same chain, shard added after the anchor", at(1, 0), at(1, 2), 10, 11, MAIN],
    ["same chain, unknown shard", at(1, 0), at(1, 9), 10, null, MAIN],
    ["another chain, existing shard", at(1, 0), at(2, 0), 10, 0, MAIN],
    ["another chain, unknown", at(1, 0), at(7, 0), 10, null, MAIN],
  ];
  it.each(cases)("%s", (_, source, destination, anchoredAt, addedAt, expected) => {
    expect(receiptDeliveryPoint(r(source, destination), anchoredAt, addedAt)).toEqual(expected);
  });
});

describe("routerAction", () => {
  // [case, source, destination, destinationAddedAt, expected]
  const cases: Array<[string, ShardRef, ShardRef, number | null, "credit" | "forward" | "refund"]> = [
    ["for the main chain's shard: credit", at(1, 0), MAIN, null, "credit"],
    ["for a main chain shard other than 0: refund", at(1, 0), at(0, 3), null, "refund"],
    ["another chain's existing shard: forward", at(1, 0), at(2, 1), 4, "forward"],
    ["another chain, unknown (or unknown shard): refund", at(1, 0), at(2, 1), null, "refund"],
    ["same chain, shard added after the anchor: refund", at(1, 0), at(1, 2), 11, "refund"],
    ["same chain, unknown shard: refund", at(1, 0), at(1, 9), null, "refund"],
  ];
  it.each(cases)("%s", (_, source, destination, addedAt, expected) => {
    expect(routerAction(r(source, destination), addedAt)).toBe(expected);
  });
});

const SOURCE_HEIGHT = 7;

/** planReceive of `receipt` at `here` under sources where the source block is anchored at `anchoredAt`. */
function planAt(
  here: ShardRef,
  receiptArgs: { source: ShardRef; destination: ShardRef },
  anchoredAt: number,
  addedAt: number | null,
) {
  const receipt = receiptOf("property", receiptArgs.source, receiptArgs.destination, 9n);
  const sources = new FakeReceiptSources().notarise(receipt.source, SOURCE_HEIGHT, [receipt], anchoredAt);
  if (addedAt !== null) sources.addShard(receipt.destination, addedAt);
  const scope: CrossShardScope = {
    store: { read: () => EMPTY_ACCOUNT, write: () => {} },
    records: new RecordState(new Map()),
    sources,
    height: 30,
    outbox: [],
  };
  const t = prepareTx(receiveTx(0, here, deliveryOf([receipt], 0, SOURCE_HEIGHT)));
  return { receipt, plan: planReceive(t, scope) };
}

const workerRef = fc.record({
  chainId: fc.integer({ min: 1, max: 3 }),
  shard: fc.integer({ min: 0, max: 3 }),
});
const anyRef = fc.oneof(
  workerRef,
  fc.constant(MAIN),
  fc.record({ chainId: fc.constant(0), shard: fc.integer({ min: 1, max: 3 }) }),
);
/** A receipt some shard can make: the main chain sends only to worker chains' existing shards. */
const routeArb = fc.oneof(
  fc.record({ source: workerRef, destination: anyRef, addedAt: fc.option(fc.integer({ min: 0, max: 20 })) }),
  fc.record({ source: fc.constant(MAIN), destination: workerRef, addedAt: fc.integer({ min: 0, max: 20 }) }),
);

describe("delivery (property)", () => {
  it("exactly one shard consumes a receipt, the delivery point, and the router never credits a worker chain's receipt", () => {
    fc.assert(
      fc.property(
        routeArb,
        fc.integer({ min: 0, max: 20 }),
        ({ source, destination, addedAt }, anchoredAt) => {
          fc.pre(!sameShard(source, destination));
          const candidates: ShardRef[] = [
            source,
            destination,
            MAIN,
            at(destination.chainId, destination.shard + 1),
            at(source.chainId, source.shard + 1),
          ];
          const unique = candidates.filter((c, i) => candidates.findIndex((d) => sameShard(c, d)) === i);
          const consumers = unique.flatMap((here) => {
            const { plan } = planAt(here, { source, destination }, anchoredAt, addedAt);
            if ("code" in plan) {
              expect(plan.code).toBe("TX_ERROR_RECEIPT_ROUTE");
              return [];
            }
            return [{ here, plan }];
          });
          const receipt = receiptOf("property", source, destination, 9n);
          const addedForPoint = destination.chainId === 0 ? null : addedAt;
          expect(consumers.map((c) => c.here)).toEqual([
            receiptDeliveryPoint(receipt, anchoredAt, addedForPoint),
          ]);
          const [{ here, plan }] = consumers;
          if (sameShard(here, MAIN_SHARD) && destination.chainId !== 0)
            expect(plan.use).not.toBe(ReceiptUse.Credited);
          if (sameShard(here, destination)) expect(plan.use).toBe(ReceiptUse.Credited);
          if (plan.use === ReceiptUse.Credited) expect(plan.emit).toBeUndefined();
          else expect(plan.emit?.source).toEqual(MAIN_SHARD);
        },
      ),
    );
  });
});
