import { describe, expect, it } from "vitest";
import { firstFreeNonce } from "../../src/runtime/ownTxSubmitter.ts";

describe("firstFreeNonce (the node's own txs)", () => {
  it("takes the committed nonce, then the first one no pending tx holds: a dropped tx's hole is filled first", () => {
    expect(firstFreeNonce(4, [])).toBe(4);
    expect(firstFreeNonce(4, [4, 5, 6])).toBe(7);
    // Nonce 5 was dropped when a block was built (e.g. an anchor beaten by another): 6 and 7 wait on it.
    expect(firstFreeNonce(4, [4, 6, 7])).toBe(5);
    expect(firstFreeNonce(4, [6, 7])).toBe(4);
  });
});
