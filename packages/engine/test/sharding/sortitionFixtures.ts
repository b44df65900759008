import { ed25519KeyPairFromSeed, sha256, u64be } from "@vshard/crypto";
import type { ShardRef } from "@vshard/types";
import { proveSortition, type ValidatorVrfProof } from "../../src/sharding/committeeSelection.ts";
import {
  epochSeed,
  epochSeedAlpha,
  genesisSeed,
  type ProducerVrfOutput,
  proveEpochSeed,
} from "../../src/sharding/epochSeed.ts";

/** A validator's keys: an ed25519 id and a separate VRF key pair, both derived from a label and an index. */
export interface TestValidator {
  id: Uint8Array;
  vrfSecretKey: Uint8Array;
  vrfPublicKey: Uint8Array;
}

const text = (s: string) => new TextEncoder().encode(s);

/** `count` deterministic validators. */
export function makeValidators(count: number, label = "validator"): TestValidator[] {
  return Array.from({ length: count }, (_, i) => {
    const id = ed25519KeyPairFromSeed(sha256(text(`${label}/id`), u64be(i))).publicKey;
    const vrf = ed25519KeyPairFromSeed(sha256(text(`${label}/vrf`), u64be(i)));
    return { id, vrfSecretKey: vrf.secretKey, vrfPublicKey: vrf.publicKey };
  });
}

/** What each validator publishes for the epoch. */
export function publishProofs(
  validators: readonly TestValidator[],
  seed: Uint8Array,
  epoch: number,
): ValidatorVrfProof[] {
  return validators.map((v) => ({
    id: v.id,
    vrfPublicKey: v.vrfPublicKey,
    proof: proveSortition(v.vrfSecretKey, seed, epoch),
  }));
}

/** What the epoch's producers publish towards the next seed. */
export function producerProofs(
  producers: readonly TestValidator[],
  previousSeed: Uint8Array,
  epoch: number,
): ProducerVrfOutput[] {
  return producers.map((p) => ({
    publicKey: p.vrfPublicKey,
    proof: proveEpochSeed(p.vrfSecretKey, previousSeed, epoch),
  }));
}

/** The seeds of epochs 0..count-1, each derived from the previous epoch's producers' proofs. */
export function seedChain(
  mainChainId: number,
  producers: readonly TestValidator[],
  count: number,
): { seeds: Uint8Array[]; published: ProducerVrfOutput[][] } {
  const seeds = [genesisSeed(mainChainId)];
  const published: ProducerVrfOutput[][] = [];
  for (let e = 0; seeds.length < count; e++) {
    const proofs = producerProofs(producers, seeds[e], e);
    published.push(proofs);
    seeds.push(epochSeed(seeds[e], proofs, epochSeedAlpha(seeds[e], e)));
  }
  return { seeds, published };
}

/** `chains` worker chains (ids 1..chains) × `shardsPerChain` shards. */
export function shardGrid(chains: number, shardsPerChain: number): ShardRef[] {
  return Array.from({ length: chains * shardsPerChain }, (_, i) => ({
    chainId: 1 + Math.floor(i / shardsPerChain),
    shard: i % shardsPerChain,
  }));
}

/** Flips one bit of a copy. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3] ^= 1 << (bit & 7);
  return out;
}
