import { addressToText, EpochProofPurpose, TxKind } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { epochProofWindow, registryReaderOf } from "../../src/registry/index.ts";
import {
  mine,
  mineTo,
  openChain,
  RULES,
  refusedAtAdmission,
  refusedAtExecution,
  registration,
  signed,
  users,
} from "./registryFixtures.ts";

const { Seed, Sortition } = EpochProofPurpose;
/** Any 80 bytes: proofs are not verified on entry. */
const proofBytes = (fill: number) => new Uint8Array(80).fill(fill);
const proofTx = (from: number, nonce: number, epoch: number, purpose: EpochProofPurpose, fill = 5) =>
  signed(from, nonce, TxKind.EpochProof, { epoch, purpose, proof: proofBytes(fill) });

/** A main chain (epochs of 4 blocks) where users 0 and 1 registered as validators in block 1. */
async function chainWithValidators() {
  const chain = await openChain();
  await mine(chain, [
    signed(0, 0, TxKind.RegisterValidator, registration(0)),
    signed(1, 0, TxKind.RegisterValidator, registration(1)),
  ]);
  return chain;
}

describe("epoch proofs", () => {
  it("windows: seed proofs of epoch x in its seed phase, sortition proofs of x in the sortition phase of x-1", () => {
    expect(epochProofWindow(0, Seed, RULES)).toEqual({ from: 0, to: 2 });
    expect(epochProofWindow(3, Seed, RULES)).toEqual({ from: 12, to: 14 });
    expect(epochProofWindow(1, Sortition, RULES)).toEqual({ from: 2, to: 4 });
    expect(epochProofWindow(3, Sortition, RULES)).toEqual({ from: 10, to: 12 });
    expect(epochProofWindow(0, Sortition, RULES)).toEqual({ from: 0, to: 0 });
  });

  it("records proofs inside their window (unverified), listed by epoch and purpose in validator key order", async () => {
    const chain = await chainWithValidators();
    await mine(chain, [proofTx(1, 1, 1, Sortition, 6), proofTx(0, 1, 1, Sortition, 7)]); // height 2
    await mineTo(chain, 3);
    await mine(chain, [proofTx(0, 2, 1, Seed, 8)]); // height 4
    const registry = registryReaderOf(chain);
    const sortition = await registry.epochProofs(1, Sortition);
    const sorted = [users[0], users[1]].sort((a, b) => Buffer.compare(a.keys.publicKey, b.keys.publicKey));
    expect(sortition.map((e) => e.validator)).toEqual(sorted.map((u) => u.keys.publicKey));
    const mine0 = sortition.find((e) => Buffer.from(e.validator).equals(users[0].keys.publicKey));
    expect(mine0).toEqual({ proof: proofBytes(7), height: 2, validator: users[0].keys.publicKey });
    expect(await registry.epochProofs(1, Seed)).toEqual([
      { proof: proofBytes(8), height: 4, validator: users[0].keys.publicKey },
    ]);
    expect(await registry.epochProofs(0, Seed)).toEqual([]);
    expect(await registry.epochProofs(2, Sortition)).toEqual([]);
  });

  it("refuses a proof outside its window, saying which heights are allowed (at admission once it has passed)", async () => {
    const chain = await chainWithValidators();
    expect(await refusedAtAdmission(chain, proofTx(0, 1, 0, Seed))).toEqual({
      code: "TX_ERROR_OUTSIDE_EPOCH_WINDOW",
      message:
        "a seed proof for epoch 0 is accepted in main heights 0..1 (the seed phase of epoch 0); this block is at height 2",
    });
    // Too early: admitted (a later block may lie in its window), refused by the block it lands in.
    expect(await refusedAtExecution(chain, proofTx(0, 1, 2, Sortition))).toEqual({
      code: "TX_ERROR_OUTSIDE_EPOCH_WINDOW",
      message:
        "a sortition proof for epoch 2 is accepted in main heights 6..7 (the sortition phase of epoch 1); this block is at height 2",
    });
    expect(await refusedAtAdmission(chain, proofTx(0, 1, 0, Sortition))).toEqual({
      code: "TX_ERROR_OUTSIDE_EPOCH_WINDOW",
      message:
        "a sortition proof for epoch 0 is never accepted (epoch 0's sortition proofs come with the genesis); this block is at height 3",
    });
  });

  it("refuses a second proof of one validator for the same epoch and purpose: within one block, then at admission", async () => {
    const chain = await chainWithValidators();
    const block = await mine(chain, [proofTx(0, 1, 1, Sortition, 1), proofTx(0, 2, 1, Sortition, 2)]);
    expect(block.execution.applied).toHaveLength(1);
    expect(block.execution.rejected[0].error.code).toBe("TX_ERROR_DUPLICATE_EPOCH_PROOF");
    expect(await refusedAtAdmission(chain, proofTx(0, 2, 1, Sortition, 3))).toEqual({
      code: "TX_ERROR_DUPLICATE_EPOCH_PROOF",
      message: `${addressToText(users[0].address)} already published its sortition proof for epoch 1`,
    });
    expect((await registryReaderOf(chain).epochProofs(1, Sortition))[0].proof).toEqual(proofBytes(1));
  });

  it("refuses a proof from an account that is not a registered validator, at admission", async () => {
    const chain = await chainWithValidators();
    expect(await refusedAtAdmission(chain, proofTx(2, 0, 1, Sortition))).toEqual({
      code: "TX_ERROR_NOT_A_VALIDATOR",
      message: `${addressToText(users[2].address)} is not a registered validator`,
    });
  });
});
