import { ed25519KeyPairFromSeed } from "@vshard/crypto";
import type { SubmitResult } from "@vshard/engine";
import { type SignedTx, signTx, TxKind } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { routeTxs, type TxDestination } from "../../src/runtime/txRouting.ts";

const key = ed25519KeyPairFromSeed(new Uint8Array(32).fill(7));

function tx(chainId: number, shard: number, nonce: number): SignedTx {
  return signTx(
    { chainId, shard, kind: TxKind.Noop, sender: key.publicKey, nonce, fee: 1n, payload: {} },
    key.secretKey,
  );
}

/** A destination that accepts everything and records the batches it was given. */
function recording(name: string): TxDestination & { batches: number[][] } {
  const batches: number[][] = [];
  return {
    batches,
    async submitTxs(txs) {
      batches.push(txs.map((t) => ("stx" in t ? t.stx : t).tx.nonce));
      return txs.map(
        (t): SubmitResult => ({ ok: true, hash: `${name}:${("stx" in t ? t.stx : t).tx.nonce}` }),
      );
    },
  };
}

describe("routeTxs", () => {
  it("sends each tx to the shard it names, one batch per shard in order, and answers in the input's order", async () => {
    const a = recording("a");
    const b = recording("b");
    const results = await routeTxs([tx(1, 0, 0), tx(1, 1, 1), tx(1, 0, 2), tx(1, 1, 3)], (chainId, shard) =>
      chainId === 1 ? [a, b][shard] : undefined,
    );
    expect(a.batches).toEqual([[0, 2]]);
    expect(b.batches).toEqual([[1, 3]]);
    expect(results.map((r) => (r.ok ? r.hash : "refused"))).toEqual(["a:0", "b:1", "a:2", "b:3"]);
  });

  it("refuses a tx for a shard the node does not run, naming it, and still admits the others", async () => {
    const a = recording("a");
    const results = await routeTxs([tx(2, 5, 0), tx(1, 0, 1)], (chainId) => (chainId === 1 ? a : undefined));
    expect(results[0].ok).toBe(false);
    if (!results[0].ok) {
      expect(results[0].error.code).toBe("TX_ERROR_WRONG_CHAIN");
      expect(results[0].error.message).toContain("runs no chain 2 shard 5");
    }
    expect(results[1]).toEqual({ ok: true, hash: "a:1" });
  });
});
