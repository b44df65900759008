import { bytesToHex } from "@vshard/crypto";
import { EpochProofPurpose, TxKind, txHash } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { MAX_REJECTED_TXS, RejectedTxs } from "../../src/chain/rejectedTxs.ts";
import { TxError } from "../../src/errors.ts";
import {
  exampleSchemaBytes,
  mine,
  mineTo,
  openChain,
  registration,
  signed,
} from "../registry/registryFixtures.ts";

const error = (message: string) => new TxError({ code: "TX_ERROR_NONCE_MISMATCH" }, message);
const hashOf = (stx: ReturnType<typeof signed>) => bytesToHex(txHash(stx.tx));

describe("RejectedTxs", () => {
  it("keeps the code and message of the last `max` dropped txs, forgetting the oldest first", () => {
    const rejected = new RejectedTxs(2);
    rejected.add("a", error("first"));
    rejected.add("b", error("second"));
    rejected.add("a", error("again")); // a is now the newest, with its latest reason
    rejected.add("c", error("third"));
    expect(rejected.get("b")).toBeUndefined();
    expect(rejected.get("a")).toEqual({ code: "TX_ERROR_NONCE_MISMATCH", message: "again" });
    expect(rejected.get("c")).toEqual({ code: "TX_ERROR_NONCE_MISMATCH", message: "third" });
    expect(rejected.size()).toBe(2);
  });

  it("defaults to MAX_REJECTED_TXS and refuses a bound below 1", () => {
    const rejected = new RejectedTxs();
    for (let i = 0; i <= MAX_REJECTED_TXS; i++) rejected.add(String(i), error(`#${i}`));
    expect(rejected.size()).toBe(MAX_REJECTED_TXS);
    expect(rejected.get("0")).toBeUndefined();
    expect(rejected.get("1")?.message).toBe("#1");
    expect(() => new RejectedTxs(0)).toThrow(new RangeError("max must be a positive integer"));
  });
});

describe("ShardChain.getTx of a tx dropped while building a block", () => {
  it("reports it rejected with the refusal execution gave, while the tx taken is included", async () => {
    const chain = await openChain();
    const gpu = exampleSchemaBytes("gpu-rental");
    // Both admitted on a registry without the name: the block takes the first, its execution refuses the second.
    const first = signed(0, 0, TxKind.RegisterChain, { schema: gpu });
    const second = signed(1, 0, TxKind.RegisterChain, { schema: gpu });
    const block = await mine(chain, [first, second]);
    expect(block.execution.rejected.map((r) => r.tx.hashHex)).toEqual([hashOf(second)]);
    expect(chain.mempool.size()).toBe(0);
    expect(await chain.getTx(hashOf(second))).toEqual({
      status: "rejected",
      code: "TX_ERROR_CHAIN_NAME_TAKEN",
      message: "chain name 'gpu-rental' is taken by chain 1",
    });
    expect(await chain.getTx(hashOf(first))).toMatchObject({ status: "included", height: 1, index: 0 });
    expect(await chain.getTx("00".repeat(32))).toBeNull();
  });

  it("reports a rejected tx sent again as pending, then included (the new status wins)", async () => {
    const chain = await openChain();
    await mine(chain, [signed(0, 0, TxKind.RegisterValidator, registration(0))]);
    // A sortition proof for epoch 2 (main heights 6..7) sent at height 1: admitted, refused by block 2.
    const early = signed(0, 1, TxKind.EpochProof, {
      epoch: 2,
      purpose: EpochProofPurpose.Sortition,
      proof: new Uint8Array(80),
    });
    await mine(chain, [early]);
    expect(await chain.getTx(hashOf(early))).toEqual({
      status: "rejected",
      code: "TX_ERROR_OUTSIDE_EPOCH_WINDOW",
      message:
        "a sortition proof for epoch 2 is accepted in main heights 6..7 (the sortition phase of epoch 1); this block is at height 2",
    });
    await mineTo(chain, 5);
    expect((await chain.submitTxs([early]))[0].ok).toBe(true);
    expect((await chain.getTx(hashOf(early)))?.status).toBe("pending");
    await mine(chain);
    expect(await chain.getTx(hashOf(early))).toMatchObject({ status: "included", height: 6 });
  });
});
