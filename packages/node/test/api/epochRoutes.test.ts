import { bytesToHex, ecvrf } from "@vshard/crypto";
import {
  assignmentFromJson,
  type CommitteeAssignmentJson,
  epochSeed,
  epochSeedAlpha,
  genesisSeed,
  proveEpochSeed,
  proveSortition,
  verifyAssignment,
} from "@vshard/engine";
import { EpochProofPurpose } from "@vshard/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addressOf, createFakeNetwork, type FakeNetwork, get, keyOf } from "./fakeNetwork.ts";

type ErrorBody = { code: string; message: string };

const ids = [0, 1, 2].map((i) => keyOf("validator", i));
const vrfs = [0, 1, 2].map((i) => keyOf("vrf", i));

let net: FakeNetwork;
beforeEach(async () => {
  net = await createFakeNetwork();
  for (const [i, k] of ids.entries())
    net.registry.validators.push({
      publicKey: k.publicKey,
      blsPublicKey: new Uint8Array(48).fill(i + 1),
      vrfPublicKey: vrfs[i].publicKey,
      deposit: 1_000n,
      registeredHeight: 0,
    });
  // Epoch 0's sortition proofs are in the genesis state.
  for (const [i, k] of ids.entries())
    net.registry.proofs.push({
      epoch: 0,
      purpose: EpochProofPurpose.Sortition,
      validator: k.publicKey,
      proof: proveSortition(vrfs[i].secretKey, genesisSeed(0), 0),
      height: 0,
    });
});
afterEach(async () => {
  await net.close();
});

async function commitMain(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await net.commit(net.main.chain);
}

describe("GET /v1/epochs", () => {
  it("says where the main chain's committed head stands in its epochs", async () => {
    expect(await get(net.app, "/v1/epochs")).toEqual({
      status: 200,
      body: {
        epoch: 0,
        epochBlocks: 4,
        phase: "seed",
        committedHeight: 0,
        epochStart: 0,
        sortitionPhaseStart: 2,
        nextEpochStart: 4,
      },
    });
    await commitMain(7);
    expect((await get(net.app, "/v1/epochs")).body).toEqual({
      epoch: 1,
      epochBlocks: 4,
      phase: "sortition",
      committedHeight: 7,
      epochStart: 4,
      sortitionPhaseStart: 6,
      nextEpochStart: 8,
    });
  });
});

describe("GET /v1/epochs/:n", () => {
  it("serves epoch 0's genesis seed", async () => {
    expect(await get(net.app, "/v1/epochs/0")).toEqual({
      status: 200,
      body: { epoch: 0, seed: bytesToHex(genesisSeed(0)), fallback: false, contributions: [] },
    });
  });

  it("serves a seed with the proofs that made it, invalid ones flagged, once it is fixed", async () => {
    expect(await get(net.app, "/v1/epochs/1")).toEqual({
      status: 404,
      body: {
        code: "EPOCH_NOT_FIXED",
        message: "the seed of epoch 1 is not fixed yet: it is once main height 1 is committed (now 0)",
      },
    });
    const alpha = epochSeedAlpha(genesisSeed(0), 0);
    const proofs = [
      proveEpochSeed(vrfs[0].secretKey, genesisSeed(0), 0),
      proveEpochSeed(vrfs[1].secretKey, genesisSeed(0), 0),
      // Validator 2 proves with validator 0's VRF key: its proof does not verify against its own key.
      proveEpochSeed(vrfs[0].secretKey, genesisSeed(0), 0),
    ];
    for (const [i, k] of ids.entries())
      net.registry.proofs.push({
        epoch: 0,
        purpose: EpochProofPurpose.Seed,
        validator: k.publicKey,
        proof: proofs[i],
        height: 1,
      });
    await commitMain(1);
    const { status, body } = await get<{ contributions: Array<{ validator: string; valid: boolean }> }>(
      net.app,
      "/v1/epochs/1",
    );
    expect(status).toBe(200);
    const expectedSeed = epochSeed(
      genesisSeed(0),
      [0, 1].map((i) => ({ publicKey: vrfs[i].publicKey, proof: proofs[i] })),
      alpha,
    );
    expect(body).toMatchObject({ epoch: 1, seed: bytesToHex(expectedSeed), fallback: false });
    const byValidator = Object.fromEntries(body.contributions.map((c) => [c.validator, c]));
    for (const [i, k] of ids.entries())
      expect(byValidator[bytesToHex(k.publicKey)]).toEqual({
        validator: bytesToHex(k.publicKey),
        address: addressOf(k),
        vrfPublicKey: bytesToHex(vrfs[i].publicKey),
        proof: bytesToHex(proofs[i]),
        height: 1,
        valid: i < 2,
      });
    expect(ecvrf.verify(vrfs[2].publicKey, proofs[2], alpha)).toBeNull();
  });

  it("refuses an epoch that is not a non-negative integer", async () => {
    expect((await get<ErrorBody>(net.app, "/v1/epochs/-1")).body).toEqual({
      code: "API_ERROR_VALIDATION",
      message: "params.n: must be >= 0",
    });
    expect((await get<ErrorBody>(net.app, "/v1/epochs/x/committees")).status).toBe(400);
  });
});

describe("GET /v1/epochs/:n/committees", () => {
  it("publishes the assignment so that a third party recomputes it with verifyAssignment", async () => {
    const { status, body } = await get<{ epoch: number; assignment: CommitteeAssignmentJson }>(
      net.app,
      "/v1/epochs/0/committees",
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ epoch: 0, seed: bytesToHex(genesisSeed(0)), fixedAtHeight: 0 });
    const assignment = assignmentFromJson(body.assignment);
    // Only shard 0 of chain 1 existed before epoch 0's cut; shard 1 was added at height 6.
    expect(assignment.committees.map((c) => [c.chainId, c.shard])).toEqual([[1, 0]]);
    expect(assignment.committees[0].members).toHaveLength(3);
    expect(assignment.committees[0].witnesses).toHaveLength(1);
    const check = verifyAssignment(assignment, {
      seed: genesisSeed(0),
      registry: ids.map((k, i) => ({ id: k.publicKey, vrfPublicKey: vrfs[i].publicKey })),
    });
    expect(check).toEqual({ ok: true, differences: [] });
  });

  it("answers null when there was no shard to draw for", async () => {
    net.registry.chains.clear();
    expect((await get(net.app, "/v1/epochs/0/committees")).body).toEqual({
      epoch: 0,
      seed: bytesToHex(genesisSeed(0)),
      fixedAtHeight: 0,
      assignment: null,
    });
  });

  it("answers EPOCH_NOT_FIXED until the epoch's last sortition block is committed", async () => {
    await commitMain(2);
    expect(await get(net.app, "/v1/epochs/1/committees")).toEqual({
      status: 404,
      body: {
        code: "EPOCH_NOT_FIXED",
        message:
          "the committee assignment of epoch 1 is not fixed yet: it is once main height 3 is committed (now 2)",
      },
    });
  });
});
