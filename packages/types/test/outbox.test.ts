import { bytesEqual, EMPTY_MERKLE_ROOT } from "@vshard/crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { outboxRoot, receiptProof, verifyReceiptProof } from "../src/index.ts";
import { receiptArb } from "./arbitraries.ts";

const outboxArb = fc.array(receiptArb, { minLength: 1, maxLength: 12 });

describe("outbox root and receipt proofs", () => {
  it("gives the empty outbox the empty merkle root headers carry today", () => {
    expect(outboxRoot([])).toEqual(EMPTY_MERKLE_ROOT);
  });

  it("proves every receipt of an outbox against its root", () => {
    fc.assert(
      fc.property(outboxArb, (receipts) => {
        const root = outboxRoot(receipts);
        receipts.forEach((r, i) => {
          expect(verifyReceiptProof(root, r, receiptProof(receipts, i))).toBe(true);
        });
      }),
      { numRuns: 40 },
    );
  });

  it("refuses a proof that claims another receipt count, even where the merkle path alone would still verify", () => {
    fc.assert(
      fc.property(outboxArb, fc.integer({ min: 1, max: 40 }), (receipts, extra) => {
        const root = outboxRoot(receipts);
        const last = receipts.length - 1;
        const proof = receiptProof(receipts, last);
        expect(
          verifyReceiptProof(root, receipts[last], { ...proof, leafCount: proof.leafCount + extra }),
        ).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it("refuses a changed receipt, another index, another outbox's root and malformed proofs", () => {
    fc.assert(
      fc.property(outboxArb, outboxArb, (receipts, others) => {
        const root = outboxRoot(receipts);
        const proof = receiptProof(receipts, 0);
        expect(verifyReceiptProof(root, { ...receipts[0], amount: receipts[0].amount ^ 1n }, proof)).toBe(
          false,
        );
        if (receipts.length > 1)
          expect(verifyReceiptProof(root, receipts[0], { ...proof, index: 1 })).toBe(false);
        const otherRoot = outboxRoot(others);
        if (!bytesEqual(otherRoot, root))
          expect(verifyReceiptProof(otherRoot, receipts[0], proof)).toBe(false);
      }),
      { numRuns: 40 },
    );
    const receipts = fc.sample(outboxArb, { numRuns: 1, seed: 3 })[0];
    const root = outboxRoot(receipts);
    const bad: unknown[] = [
      null,
      7,
      { index: 0 },
      { index: 0, leafCount: 0, siblings: [] },
      { index: -1, leafCount: 1, siblings: [] },
    ];
    for (const proof of bad) expect(verifyReceiptProof(root, receipts[0], proof as never)).toBe(false);
    expect(() => receiptProof(receipts, receipts.length)).toThrow(RangeError);
  });
});
