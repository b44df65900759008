import { bytesToHex, concatBytes } from "@vshard/crypto";
import { CodecError, encodeTuple, RecordNamespace } from "@vshard/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addToReceiptTotal,
  decodeReceiptTotal,
  decodeSpentReceiptEntry,
  encodeReceiptTotal,
  encodeSpentReceiptEntry,
  ReceiptTotal,
  ReceiptUse,
  receiptTotalRecordId,
  refundReceiptId,
  spentReceiptRecordId,
} from "../../src/crossShard/receiptRecords.ts";
import { RecordState } from "../../src/execution/recordState.ts";
import { at } from "./crossShardFixtures.ts";

const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const entryArb = fc.record({
  height: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
  txHash: hash32,
  use: fc.constantFrom(ReceiptUse.Credited, ReceiptUse.Forwarded, ReceiptUse.Refunded),
});

describe("spent receipt entries", () => {
  it("round trip (property)", () => {
    fc.assert(
      fc.property(entryArb, (e) => {
        const back = decodeSpentReceiptEntry(encodeSpentReceiptEntry(e));
        expect({ ...back, txHash: bytesToHex(back.txHash) }).toEqual({ ...e, txHash: bytesToHex(e.txHash) });
      }),
    );
  });

  it("refuses an unknown use, a short tx hash and a wrong arity with a CodecError naming the field", () => {
    const bad: Array<[unknown[], string]> = [
      [[5, new Uint8Array(32), 3], "spentReceipt.use"],
      [[5, new Uint8Array(31), 0], "spentReceipt.txHash"],
      [[5, new Uint8Array(32)], "spentReceipt"],
    ];
    for (const [tuple, field] of bad) {
      const decode = () => decodeSpentReceiptEntry(encodeTuple(tuple));
      expect(decode).toThrowError(CodecError);
      expect(decode).toThrowError(field);
    }
  });

  it("ids are u32be(source chain) || u16be(source shard) || receipt id: one per source shard and id", () => {
    const id = new Uint8Array(32).fill(9);
    expect(bytesToHex(spentReceiptRecordId(at(0x01020304, 0x0506), id))).toBe(
      bytesToHex(concatBytes(Uint8Array.of(1, 2, 3, 4, 5, 6), id)),
    );
    fc.assert(
      fc.property(
        fc.record({ chainId: fc.nat({ max: 0xffff_ffff }), shard: fc.nat({ max: 0xffff }) }),
        fc.record({ chainId: fc.nat({ max: 0xffff_ffff }), shard: fc.nat({ max: 0xffff }) }),
        hash32,
        hash32,
        (a, b, idA, idB) => {
          const same = a.chainId === b.chainId && a.shard === b.shard && bytesToHex(idA) === bytesToHex(idB);
          const equal = bytesToHex(spentReceiptRecordId(a, idA)) === bytesToHex(spentReceiptRecordId(b, idB));
          expect(equal).toBe(same);
        },
      ),
    );
  });
});

describe("receipt totals", () => {
  it("encode in 16 bytes and round trip every value below 2^128 (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (v) => {
        const bytes = encodeReceiptTotal(v);
        expect(bytes).toHaveLength(16);
        expect(decodeReceiptTotal(bytes)).toBe(v);
      }),
    );
  });

  it("keep numeric order in byte order (property)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        (a, b) => {
          const cmp = Buffer.compare(encodeReceiptTotal(a), encodeReceiptTotal(b));
          expect(Math.sign(cmp)).toBe(a < b ? -1 : a > b ? 1 : 0);
        },
      ),
    );
  });

  it("an absent total reads 0; additions accumulate past 2^64 in their own record", () => {
    expect(decodeReceiptTotal(null)).toBe(0n);
    const records = new RecordState(new Map());
    const big = (1n << 64n) - 1n;
    addToReceiptTotal(records, ReceiptTotal.Sent, big);
    addToReceiptTotal(records, ReceiptTotal.Sent, big);
    addToReceiptTotal(records, ReceiptTotal.Consumed, 7n);
    const read = (t: ReceiptTotal) =>
      decodeReceiptTotal(records.read(RecordNamespace.ReceiptTotal, receiptTotalRecordId(t)));
    expect(read(ReceiptTotal.Sent)).toBe(2n * big);
    expect(read(ReceiptTotal.Consumed)).toBe(7n);
    expect(records.changed.size).toBe(2);
  });
});

describe("refundReceiptId", () => {
  it("differs from the id, from its own refund, and is one-to-one (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(hash32, { minLength: 2, maxLength: 8, selector: bytesToHex }), (ids) => {
        const refunds = ids.map((id) => bytesToHex(refundReceiptId(id)));
        const originals = new Set(ids.map(bytesToHex));
        expect(new Set(refunds).size).toBe(ids.length);
        for (const [i, id] of ids.entries()) {
          expect(originals.has(refunds[i])).toBe(false);
          expect(bytesToHex(refundReceiptId(refundReceiptId(id)))).not.toBe(refunds[i]);
          expect(bytesToHex(refundReceiptId(id))).toBe(refunds[i]);
        }
      }),
    );
  });
});
