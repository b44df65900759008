import { addressToText, EpochProofPurpose, TxKind } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { registryReaderOf } from "../../src/registry/index.ts";
import {
  exampleSchemaBytes,
  mine,
  mineTo,
  openChain,
  refusedAtAdmission,
  registration,
  signed,
  users,
} from "./registryFixtures.ts";

const { Sortition } = EpochProofPurpose;
const registerValidator = (i: number) => signed(i, 0, TxKind.RegisterValidator, registration(i));
const proofTx = (from: number, nonce: number, epoch: number) =>
  signed(from, nonce, TxKind.EpochProof, { epoch, purpose: Sortition, proof: new Uint8Array(80).fill(from) });
const gpuVersion = (version: number) =>
  exampleSchemaBytes("gpu-rental", (json) => {
    json.version = version;
  });
const updateGpu = (from: number, nonce: number, version: number) =>
  signed(from, nonce, TxKind.UpdateChain, { chainId: 1, schema: gpuVersion(version) });

describe("registry admission", () => {
  // Epochs of 4 blocks: sortition proofs for epoch 2 are accepted in main heights 6..7.
  it("admits an epoch proof while the next block may lie in its window, refuses it once the window has passed", async () => {
    const chain = await openChain();
    await mine(chain, [0, 1, 2].map(registerValidator));
    await mineTo(chain, 5);
    // The next block, 6, opens the window.
    expect((await chain.submitTxs([proofTx(0, 1, 2)]))[0].ok).toBe(true);
    await mine(chain);
    // The next block, 7, is the window's last.
    expect((await chain.submitTxs([proofTx(1, 1, 2)]))[0].ok).toBe(true);
    await mine(chain);
    expect(await refusedAtAdmission(chain, proofTx(2, 1, 2))).toEqual({
      code: "TX_ERROR_OUTSIDE_EPOCH_WINDOW",
      message:
        "a sortition proof for epoch 2 is accepted in main heights 6..7 (the sortition phase of epoch 1); this block is at height 8",
    });
    const heights = (await registryReaderOf(chain).epochProofs(2, Sortition)).map((p) => p.height);
    expect(heights.sort()).toEqual([6, 7]);
  });

  it("leaves to execution the refusals that an earlier pending tx of the same sender lifts", async () => {
    const chain = await openChain();
    await mine(chain);
    // Each tx below would be refused on the committed registry alone: not a validator yet, chain 1 not registered,
    // version 3 is not the version in force (none) plus 1.
    const block = await mine(chain, [
      registerValidator(0),
      proofTx(0, 1, 1),
      signed(1, 0, TxKind.RegisterChain, { schema: gpuVersion(1) }),
      updateGpu(1, 1, 2),
      updateGpu(1, 2, 3),
    ]);
    expect(block.execution.rejected).toEqual([]);
    expect(block.execution.applied).toHaveLength(5);
    const registry = registryReaderOf(chain);
    expect((await registry.getChain(1))?.version).toBe(3);
    expect(await registry.epochProofs(1, Sortition)).toHaveLength(1);
  });

  it("still refuses what no pending tx can lift, and what the next nonce alone would meet", async () => {
    const chain = await openChain();
    await mine(chain, [signed(1, 0, TxKind.RegisterChain, { schema: gpuVersion(1) })]);
    // User 2 has a noop pending: its update still meets an owner that no tx of its can change.
    expect((await chain.submitTxs([signed(2, 0, TxKind.Noop, {})]))[0].ok).toBe(true);
    expect(await refusedAtAdmission(chain, updateGpu(2, 1, 2))).toEqual({
      code: "TX_ERROR_NOT_CHAIN_OWNER",
      message: `chain 1 ('gpu-rental') is owned by ${addressToText(users[1].address)}, not by the sender ${addressToText(users[2].address)}`,
    });
    // The owner's next tx: nothing pending of its can bring version 2 in first.
    expect(await refusedAtAdmission(chain, updateGpu(1, 1, 3))).toEqual({
      code: "TX_ERROR_BAD_SCHEMA_UPDATE",
      message: "payload.schema: schema update $.version: expected 2 (the version in force, 1, plus 1), got 3",
    });
    expect(chain.mempool.size()).toBe(1);
  });

  it("checks a batch's registry txs each against the committed registry, refusing only the ones at fault", async () => {
    const chain = await openChain();
    await mine(chain, [registerValidator(0)]);
    const results = await chain.submitTxs([
      signed(0, 1, TxKind.RegisterValidator, registration(3)),
      registerValidator(1),
      signed(2, 0, TxKind.RegisterValidator, { ...registration(2), vrfPublicKey: users[0].vrf.publicKey }),
    ]);
    expect(results.map((r) => (r.ok ? "ok" : r.error.code))).toEqual([
      "TX_ERROR_VALIDATOR_REGISTERED",
      "ok",
      "TX_ERROR_VRF_KEY_TAKEN",
    ]);
    expect(chain.mempool.size()).toBe(1);
  });
});
