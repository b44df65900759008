import { bytesEqual, bytesToHex, compareBytes, ecvrf, sha256, u64be } from "@vshard/crypto";
import { describe, expect, it } from "vitest";
import {
  EPOCH_SEED_DOMAIN,
  EPOCH_SEED_LENGTH,
  EpochSeedError,
  epochSeed,
  epochSeedAlpha,
  GENESIS_SEED_DOMAIN,
  genesisSeed,
} from "../../src/sharding/epochSeed.ts";
import { flipBit, makeValidators, producerProofs, seedChain } from "./sortitionFixtures.ts";

const producers = makeValidators(5, "producer");
const seed0 = genesisSeed(0);
const proofs0 = producerProofs(producers, seed0, 0);
const alpha0 = epochSeedAlpha(seed0, 0);

function refusal(fn: () => unknown): EpochSeedError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EpochSeedError) return err;
    throw err;
  }
  throw new Error("expected an EpochSeedError");
}

describe("genesisSeed", () => {
  it("is sha256(domain || u64be(chainId)): fixed per network, different between networks", () => {
    expect(genesisSeed(7)).toEqual(sha256(GENESIS_SEED_DOMAIN, u64be(7)));
    expect(genesisSeed(7)).toEqual(genesisSeed(7));
    expect(bytesEqual(genesisSeed(0), genesisSeed(1))).toBe(false);
    expect(genesisSeed(0)).toHaveLength(EPOCH_SEED_LENGTH);
  });

  it("refuses a chain id that is not a uint32", () => {
    for (const bad of [-1, 1.5, 2 ** 32, Number.NaN]) {
      const err = refusal(() => genesisSeed(bad));
      expect(err.code).toBe("EPOCH_SEED_ERROR_BAD_INPUT");
      expect(err.type.path).toBe("chainId");
    }
  });
});

describe("epochSeed", () => {
  it("hashes the verified outputs, sorted by producer key, after the domain and the previous seed", () => {
    const sorted = proofs0
      .map((p) => ({ key: p.publicKey, output: ecvrf.verify(p.publicKey, p.proof, alpha0) as Uint8Array }))
      .sort((a, b) => compareBytes(a.key, b.key));
    const expected = sha256(EPOCH_SEED_DOMAIN, seed0, ...sorted.map((s) => s.output));
    expect(epochSeed(seed0, proofs0, alpha0)).toEqual(expected);
    expect(alpha0).toEqual(new Uint8Array([...EPOCH_SEED_DOMAIN, ...seed0, ...u64be(0)]));
  });

  it("does not depend on the order in which the proofs arrive", () => {
    expect(epochSeed(seed0, [...proofs0].reverse(), alpha0)).toEqual(epochSeed(seed0, proofs0, alpha0));
  });

  it("chains over several epochs: every seed new, every one recomputable from the published proofs", () => {
    const { seeds, published } = seedChain(0, producers, 5);
    expect(new Set(seeds.map(bytesToHex)).size).toBe(5);
    expect(seeds[0]).toEqual(seed0);
    for (let e = 0; e < 4; e++) {
      // A third party: only the previous seed, the epoch number and what the producers published.
      expect(epochSeed(seeds[e], published[e], epochSeedAlpha(seeds[e], e))).toEqual(seeds[e + 1]);
    }
  });

  it("changes with any producer's output: withholding one gives another seed, not a chosen one", () => {
    const all = epochSeed(seed0, proofs0, alpha0);
    for (let i = 0; i < proofs0.length; i++) {
      const without = proofs0.filter((_, j) => j !== i);
      expect(bytesEqual(epochSeed(seed0, without, alpha0), all)).toBe(false);
    }
  });

  it("refuses an invalid proof, naming the producer", () => {
    const forged = proofs0.map((p, i) => (i === 2 ? { ...p, proof: flipBit(p.proof, 300) } : p));
    const err = refusal(() => epochSeed(seed0, forged, alpha0));
    expect(err.code).toBe("EPOCH_SEED_ERROR_BAD_PROOF");
    expect(err.type.producer).toBe(bytesToHex(producers[2].vrfPublicKey));
    expect(err.type.path).toBe("producerOutputs[2].proof");
    expect(err.message).toContain(bytesToHex(producers[2].vrfPublicKey));
  });

  it("refuses a proof made over another epoch's alpha, or under another key", () => {
    const stale = producerProofs(producers.slice(0, 1), seed0, 1)[0];
    expect(refusal(() => epochSeed(seed0, [stale, ...proofs0.slice(1)], alpha0)).code).toBe(
      "EPOCH_SEED_ERROR_BAD_PROOF",
    );
    const stolen = { publicKey: producers[1].vrfPublicKey, proof: proofs0[0].proof };
    const err = refusal(() => epochSeed(seed0, [proofs0[0], stolen], alpha0));
    expect(err.code).toBe("EPOCH_SEED_ERROR_BAD_PROOF");
    expect(err.type.path).toBe("producerOutputs[1].proof");
  });

  it("refuses a producer listed twice and an empty list", () => {
    const err = refusal(() => epochSeed(seed0, [...proofs0, proofs0[3]], alpha0));
    expect(err.code).toBe("EPOCH_SEED_ERROR_DUPLICATE_PRODUCER");
    expect(err.type.path).toBe("producerOutputs[5]");
    expect(err.message).toContain("producerOutputs[3]");
    expect(refusal(() => epochSeed(seed0, [], alpha0)).code).toBe("EPOCH_SEED_ERROR_NO_PRODUCERS");
  });

  it("refuses an alpha that is not bound to the previous seed, and a malformed previous seed", () => {
    const other = genesisSeed(1);
    const err = refusal(() => epochSeed(seed0, proofs0, epochSeedAlpha(other, 0)));
    expect(err.code).toBe("EPOCH_SEED_ERROR_BAD_INPUT");
    expect(err.type.path).toBe("alpha");
    expect(refusal(() => epochSeed(seed0, proofs0, alpha0.subarray(1))).type.path).toBe("alpha");
    expect(refusal(() => epochSeed(seed0.subarray(1), proofs0, alpha0)).type.path).toBe("previousSeed");
    expect(refusal(() => epochSeedAlpha(seed0, -1)).type.path).toBe("epoch");
  });
});
