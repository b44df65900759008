import { CodecError, encodeTuple } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { decodeTxLocation, encodeTxLocation, type TxLocation } from "../src/index.ts";

const blockHash = new Uint8Array(32).fill(7);

describe("tx location records", () => {
  it("round-trip with their outcome: ok without a reason, aborted with one", () => {
    const ok: TxLocation = { height: 3, index: 1, blockHash, status: 0 };
    const aborted: TxLocation = { height: 3, index: 2, blockHash, status: 1, reason: "insufficient savings" };
    expect(decodeTxLocation(encodeTxLocation(ok))).toEqual(ok);
    expect(decodeTxLocation(encodeTxLocation(ok))).not.toHaveProperty("reason");
    expect(decodeTxLocation(encodeTxLocation(aborted))).toEqual(aborted);
  });

  it.each([
    [
      "an ok tx with a reason",
      [3, 1, blockHash, 0, "why"],
      "txLocation.reason: an ok tx has no abort reason",
    ],
    ["an unknown status", [3, 1, blockHash, 2, ""], "txLocation.status: 2 is outside 0..1"],
    ["the old 3-field form", [3, 1, blockHash], "expected 5 fields, got 3"],
    ["a reason that is not text", [3, 1, blockHash, 1, 5], "txLocation.reason: expected a string"],
  ])("refuses %s with a CodecError", (_name, tuple, message) => {
    expect(() => decodeTxLocation(encodeTuple(tuple))).toThrowError(CodecError);
    expect(() => decodeTxLocation(encodeTuple(tuple))).toThrowError(message);
  });
});
