import { blsProvePossession, bytesToHex } from "@vshard/crypto";
import { EpochProofPurpose, RecordNamespace } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { type GenesisJson, genesisFromJson } from "../../src/chain/genesis.ts";
import { buildGenesisBlock } from "../../src/chain/genesisBlock.ts";
import { GenesisError } from "../../src/errors.ts";
import { recordStateKey, recordValueHashOf } from "../../src/execution/recordStateKey.ts";
import { chainRecordId, registryReaderOf } from "../../src/registry/index.ts";
import { proveSortition } from "../../src/sharding/committeeSelection.ts";
import { genesisSeed } from "../../src/sharding/epochSeed.ts";
import { verifyStateProof } from "../../src/state/index.ts";
import { loadExample, mainGenesisJson, openChain, users } from "./registryFixtures.ts";

type ValidatorJson = NonNullable<GenesisJson["validators"]>[number];

/** Genesis validator JSON of user `i`: registered (BLS key, proof of possession, VRF key, epoch-0 proof). */
function validatorJson(i: number, overrides: Partial<ValidatorJson> = {}): ValidatorJson {
  const u = users[i];
  return {
    publicKey: bytesToHex(u.keys.publicKey),
    blsPublicKey: bytesToHex(u.bls.publicKey),
    blsProofOfPossession: bytesToHex(blsProvePossession(u.bls.secretKey)),
    vrfPublicKey: bytesToHex(u.vrf.publicKey),
    sortitionProof: bytesToHex(proveSortition(u.vrf.secretKey, genesisSeed(0), 0)),
    stake: "5000",
    ...overrides,
  };
}

/** A main genesis whose validators are users 3 and 4 (users 0..2 stay plain accounts). */
function genesisWith(validators: ValidatorJson[], chains?: unknown[]): GenesisJson {
  const base = mainGenesisJson();
  return { ...base, accounts: base.accounts.slice(0, 3), validators, ...(chains ? { chains } : {}) };
}

function expectGenesisError(json: unknown, path: string, message: string): void {
  let error: unknown;
  try {
    genesisFromJson(json);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(GenesisError);
  expect((error as GenesisError).type.path).toBe(path);
  expect((error as GenesisError).message).toBe(`genesis ${path}: ${message}`);
}

describe("main-chain genesis", () => {
  it("writes the registry of its validators and chains into the genesis state", async () => {
    const json = genesisWith(
      [validatorJson(3), validatorJson(4, { sortitionProof: undefined })],
      [loadExample("gpu-rental"), loadExample("token-ledger")],
    );
    const chain = await openChain(json);
    const registry = registryReaderOf(chain);
    expect(await registry.getValidator(users[3].keys.publicKey)).toEqual({
      publicKey: users[3].keys.publicKey,
      blsPublicKey: users[3].bls.publicKey,
      vrfPublicKey: users[3].vrf.publicKey,
      deposit: 5_000n,
      registeredHeight: 0,
    });
    expect(await registry.listValidators()).toHaveLength(2);
    const vrfOwner = await chain.getRecord(RecordNamespace.VrfKey, users[4].vrf.publicKey);
    expect(vrfOwner.value).toEqual(users[4].keys.publicKey);
    expect(await registry.epochProofs(0, EpochProofPurpose.Sortition)).toEqual([
      {
        proof: proveSortition(users[3].vrf.secretKey, genesisSeed(0), 0),
        height: 0,
        validator: users[3].keys.publicKey,
      },
    ]);
    const chains = await registry.listChains();
    expect(chains.map((c) => [c.chainId, c.name, c.shardsAddedAt])).toEqual([
      [1, "gpu-rental", [0, 0, 0, 0]],
      [2, "token-ledger", [0, 0]],
    ]);
    expect(chains[1].owner).toEqual(chain.genesis.authority);
    // The genesis state root covers the records.
    const { value, proof, head } = await chain.getRecord(RecordNamespace.Chain, chainRecordId(2));
    const key = recordStateKey(RecordNamespace.Chain, chainRecordId(2));
    expect(verifyStateProof(head.stateRoot, key, recordValueHashOf(value as Uint8Array), proof)).toBe(true);
    const { block: bare } = await buildGenesisBlock(genesisFromJson({ ...json, chains: [] }));
    expect(bytesToHex(bare.header.stateRoot)).not.toBe(bytesToHex(head.stateRoot));
  });

  it("writes no registry for another chain's genesis, nor for validators without a VRF key", async () => {
    const registered = genesisWith([validatorJson(3)]);
    const worker = { ...registered, chainId: 1 };
    const plain = { ...worker, validators: [{ publicKey: validatorJson(3).publicKey, stake: "5000" }] };
    expect((await buildGenesisBlock(genesisFromJson(worker))).records).toEqual([]);
    const [a, b] = await Promise.all([worker, plain].map((g) => buildGenesisBlock(genesisFromJson(g))));
    expect(a.block.header.stateRoot).toEqual(b.block.header.stateRoot);
    const unregistered = genesisWith([{ publicKey: validatorJson(3).publicKey, stake: "5000" }]);
    expect((await buildGenesisBlock(genesisFromJson(unregistered))).records).toEqual([]);
  });

  it("refuses bad registration keys, naming the path", () => {
    const at = "$.validators[0]";
    expectGenesisError(
      genesisWith([
        validatorJson(3, { blsProofOfPossession: bytesToHex(blsProvePossession(users[4].bls.secretKey)) }),
      ]),
      `${at}.blsProofOfPossession`,
      "not a proof of possession of blsPublicKey's secret key",
    );
    expectGenesisError(
      genesisWith([validatorJson(3, { blsPublicKey: undefined })]),
      `${at}.blsProofOfPossession`,
      "a proof of possession needs a blsPublicKey",
    );
    expectGenesisError(
      genesisWith([validatorJson(3, { blsProofOfPossession: undefined })]),
      `${at}.vrfPublicKey`,
      "a registered validator needs a blsPublicKey and its blsProofOfPossession too",
    );
    expectGenesisError(
      genesisWith([validatorJson(3, { vrfPublicKey: "ff".repeat(32) })]),
      `${at}.vrfPublicKey`,
      "not a valid edwards25519 point",
    );
    expectGenesisError(
      genesisWith([validatorJson(3, { vrfPublicKey: undefined })]),
      `${at}.sortitionProof`,
      "a sortition proof needs a vrfPublicKey",
    );
    expectGenesisError(
      genesisWith([validatorJson(3, { sortitionProof: "ab" })]),
      `${at}.sortitionProof`,
      "expected 160 lower-case hex digits (an ECVRF proof)",
    );
    expectGenesisError(
      genesisWith([validatorJson(3), validatorJson(4, { vrfPublicKey: bytesToHex(users[3].vrf.publicKey) })]),
      "$.validators[1].vrfPublicKey",
      "also the VRF key of $.validators[0]",
    );
  });

  it("refuses bad chains: schema faults under $.chains[i], duplicate names, chains in a worker genesis", () => {
    const gpu = loadExample("gpu-rental");
    const broken = { ...gpu, shards: [{ consensus: { plugin: "raft" } }] };
    let error: unknown;
    try {
      genesisFromJson(genesisWith([], [gpu, broken]));
    } catch (err) {
      error = err;
    }
    expect((error as GenesisError).type.path).toBe("$.chains[1].shards[0].consensus.plugin");
    expect((error as GenesisError).message).toMatch(
      /^genesis \$\.chains\[1\]\.shards\[0\]\.consensus\.plugin: /,
    );
    expectGenesisError(
      genesisWith([], [gpu, { ...gpu, version: 2 }]),
      "$.chains[1].name",
      "chain name 'gpu-rental' is also $.chains[0]'s",
    );
    expectGenesisError(genesisWith([], gpu as unknown as unknown[]), "$.chains", "expected an array");
    expectGenesisError(
      { ...genesisWith([], [gpu]), chainId: 3 },
      "$.chains",
      "worker chains are registered on the main chain (chain 0), not on chain 3",
    );
  });
});
