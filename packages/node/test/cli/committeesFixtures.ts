import { bytesToHex, ed25519KeyPairFromSeed, sha256, u64be } from "@vshard/crypto";
import {
  assignCommittees,
  assignmentToJson,
  epochSeed,
  epochSeedAlpha,
  genesisSeed,
  proveEpochSeed,
  proveSortition,
} from "@vshard/engine";
import type { EpochCommitteesJson, EpochJson } from "../../src/client/apiClient.ts";
import { testKeys } from "./cliFixtures.ts";

/** A validator's ed25519 id and its separate VRF key pair. */
interface Validator {
  id: Uint8Array;
  vrfSecretKey: Uint8Array;
  vrfPublicKey: Uint8Array;
}

const validators: Validator[] = Array.from({ length: 8 }, (_, i) => {
  const vrf = ed25519KeyPairFromSeed(sha256(new TextEncoder().encode("vshard/cli-test/vrf"), u64be(i)));
  return { id: testKeys(100 + i).publicKey, vrfSecretKey: vrf.secretKey, vrfPublicKey: vrf.publicKey };
});

/** The shards drawn for: chain 1's two shards. */
const SHARDS = [
  { chainId: 1, shard: 0 },
  { chainId: 1, shard: 1 },
];

/** What a node publishes of epochs 0 and 1 (main chain 0): seeds with their proofs and both assignments. */
export interface PublishedEpochs {
  seeds: Map<number, EpochJson>;
  committees: Map<number, EpochCommitteesJson>;
}

function committeesOf(seed: Uint8Array, epoch: number, fixedAtHeight: number): EpochCommitteesJson {
  const proofs = validators.map((v, i) => ({
    id: v.id,
    vrfPublicKey: v.vrfPublicKey,
    // The last validator proves over the wrong epoch: it is excluded (BAD_PROOF).
    proof: proveSortition(v.vrfSecretKey, seed, i === validators.length - 1 ? epoch + 1 : epoch),
  }));
  const assignment = assignCommittees({
    seed,
    epoch,
    validators: proofs,
    shards: SHARDS,
    witnessesPerCommittee: 2,
  });
  return { epoch, seed: bytesToHex(seed), fixedAtHeight, assignment: assignmentToJson(assignment) };
}

/** Epochs 0 and 1 as an honest node publishes them: epoch 1's seed from the first three validators' seed proofs. */
export function publishedEpochs(): PublishedEpochs {
  const seed0 = genesisSeed(0);
  const producers = validators.slice(0, 3);
  const outputs = producers.map((p) => ({
    publicKey: p.vrfPublicKey,
    proof: proveEpochSeed(p.vrfSecretKey, seed0, 0),
  }));
  const seed1 = epochSeed(seed0, outputs, epochSeedAlpha(seed0, 0));
  const contributions = producers.map((p, i) => ({
    validator: bytesToHex(p.id),
    vrfPublicKey: bytesToHex(p.vrfPublicKey),
    proof: bytesToHex(outputs[i].proof),
    height: 3 + i,
    valid: true,
  }));
  return {
    seeds: new Map([
      [0, { epoch: 0, seed: bytesToHex(seed0), fallback: false, contributions: [] }],
      [1, { epoch: 1, seed: bytesToHex(seed1), fallback: false, contributions }],
    ]),
    committees: new Map([
      [0, committeesOf(seed0, 0, 0)],
      [1, committeesOf(seed1, 1, 39)],
    ]),
  };
}
