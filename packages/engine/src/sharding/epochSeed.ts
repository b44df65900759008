/**
 * Epoch randomness. The seed of epoch 0 is `genesisSeed(mainChainId)`; the seed of epoch e+1 is derived from the ECVRF
 * proofs that epoch e's main-chain producers publish over `epochSeedAlpha(seed_e, e)`:
 *
 *   seed_{e+1} = sha256(EPOCH_SEED_DOMAIN || seed_e || beta_1 || ... || beta_n)   (betas ordered by producer key)
 *
 * Unpredictable before: each beta is a VRF output, which nobody can compute without that producer's secret key, so
 * until the producers publish, seed_{e+1} is unknown to everyone else (one honest producer that keeps its key secret
 * is enough). The VRF is deterministic, so a producer cannot grind its own beta either: its only freedom is to publish
 * or to withhold, a choice between two seeds, never a seed of its choosing.
 * Verifiable after: every beta comes with its proof, which anyone checks against the producer's registered VRF key and
 * the public alpha; `epochSeed` itself is the check (it refuses any invalid proof), so recomputing it from the
 * published proofs reproduces the seed exactly.
 * Which producers count (the elected ones whose proofs appeared on the main chain during epoch e) is the caller's rule.
 */

import { bytesEqual, bytesToHex, compareBytes, concatBytes, ecvrf, sha256, u64be } from "@vshard/crypto";
import { LedgerError, MAX_CHAIN_ID } from "@vshard/types";

/** Length of an epoch seed (a sha256 digest). */
export const EPOCH_SEED_LENGTH = 32;

/** Domain of the producers' VRF input and of the seed hash: keeps these bytes apart from every other VRF use. */
export const EPOCH_SEED_DOMAIN: Uint8Array = new TextEncoder().encode("vshard/epoch-seed");

/** Domain of the genesis seed hash. */
export const GENESIS_SEED_DOMAIN: Uint8Array = new TextEncoder().encode("vshard/genesis-seed");

/** Why an epoch seed cannot be derived. */
export type EpochSeedErrorCode =
  | "EPOCH_SEED_ERROR_BAD_INPUT"
  | "EPOCH_SEED_ERROR_NO_PRODUCERS"
  | "EPOCH_SEED_ERROR_DUPLICATE_PRODUCER"
  | "EPOCH_SEED_ERROR_BAD_PROOF";

/** An epoch seed refused: `path` names the input at fault, `producer` the producer's public key (hex) when one is. */
export class EpochSeedError extends LedgerError<{
  code: EpochSeedErrorCode;
  path: string;
  producer?: string;
}> {}

/** One main-chain producer's published VRF proof over the epoch's alpha. */
export interface ProducerVrfOutput {
  /** The producer's registered ECVRF public key (32 bytes). */
  publicKey: Uint8Array;
  /** `ecvrf.prove(secretKey, epochSeedAlpha(previousSeed, epoch))` (80 bytes). */
  proof: Uint8Array;
}

function badInput(path: string, reason: string): EpochSeedError {
  return new EpochSeedError({ code: "EPOCH_SEED_ERROR_BAD_INPUT", path }, `${path}: ${reason}`);
}

function checkSeed(seed: Uint8Array, path: string): void {
  if (!(seed instanceof Uint8Array) || seed.length !== EPOCH_SEED_LENGTH)
    throw badInput(
      path,
      `expected ${EPOCH_SEED_LENGTH} bytes, got ${seed instanceof Uint8Array ? seed.length : typeof seed}`,
    );
}

function checkEpoch(epoch: number, path: string): void {
  if (!Number.isSafeInteger(epoch) || epoch < 0)
    throw badInput(path, `expected a non-negative integer, got ${epoch}`);
}

/** The seed of epoch 0 of the network whose main chain is `chainId`: sha256(GENESIS_SEED_DOMAIN || u64be(chainId)). */
export function genesisSeed(chainId: number): Uint8Array {
  if (!Number.isInteger(chainId) || chainId < 0 || chainId > MAX_CHAIN_ID)
    throw badInput("chainId", `expected an integer in 0..${MAX_CHAIN_ID}, got ${chainId}`);
  return sha256(GENESIS_SEED_DOMAIN, u64be(chainId));
}

/** The VRF input of epoch `epoch`'s producers: EPOCH_SEED_DOMAIN || previousSeed || u64be(epoch). */
export function epochSeedAlpha(previousSeed: Uint8Array, epoch: number): Uint8Array {
  checkSeed(previousSeed, "previousSeed");
  checkEpoch(epoch, "epoch");
  return concatBytes(EPOCH_SEED_DOMAIN, previousSeed, u64be(epoch));
}

/** A producer's contribution to the next seed: its proof over `epochSeedAlpha(previousSeed, epoch)`. */
export function proveEpochSeed(
  vrfSecretKey: Uint8Array,
  previousSeed: Uint8Array,
  epoch: number,
): Uint8Array {
  return ecvrf.prove(vrfSecretKey, epochSeedAlpha(previousSeed, epoch));
}

/**
 * The seed of the next epoch from the previous seed and the proofs its producers published over `alpha` (which must be
 * `epochSeedAlpha(previousSeed, epoch)`: an alpha not bound to `previousSeed` is refused). Every proof is verified;
 * an invalid one, a producer listed twice or an empty list throw `EpochSeedError` naming the producer and its index.
 * The result does not depend on the order of `producerOutputs`.
 */
export function epochSeed(
  previousSeed: Uint8Array,
  producerOutputs: readonly ProducerVrfOutput[],
  alpha: Uint8Array,
): Uint8Array {
  checkSeed(previousSeed, "previousSeed");
  const prefix = concatBytes(EPOCH_SEED_DOMAIN, previousSeed);
  if (
    !(alpha instanceof Uint8Array) ||
    alpha.length !== prefix.length + 8 ||
    !bytesEqual(alpha.subarray(0, prefix.length), prefix)
  )
    throw badInput("alpha", "not epochSeedAlpha(previousSeed, epoch)");
  if (producerOutputs.length === 0)
    throw new EpochSeedError(
      { code: "EPOCH_SEED_ERROR_NO_PRODUCERS", path: "producerOutputs" },
      "producerOutputs: no producer published a VRF proof, the next seed would be predictable",
    );

  const verified: Array<{ publicKey: Uint8Array; output: Uint8Array }> = [];
  const seen = new Map<string, number>();
  producerOutputs.forEach((p, i) => {
    const path = `producerOutputs[${i}]`;
    if (!(p.publicKey instanceof Uint8Array)) throw badInput(`${path}.publicKey`, "expected bytes");
    const producer = bytesToHex(p.publicKey);
    const earlier = seen.get(producer);
    if (earlier !== undefined)
      throw new EpochSeedError(
        { code: "EPOCH_SEED_ERROR_DUPLICATE_PRODUCER", path, producer },
        `${path}: producer ${producer} already contributed at producerOutputs[${earlier}]`,
      );
    seen.set(producer, i);
    const output = ecvrf.verify(p.publicKey, p.proof, alpha);
    if (output === null)
      throw new EpochSeedError(
        { code: "EPOCH_SEED_ERROR_BAD_PROOF", path: `${path}.proof`, producer },
        `${path}.proof: invalid VRF proof from producer ${producer}`,
      );
    verified.push({ publicKey: p.publicKey, output });
  });

  verified.sort((a, b) => compareBytes(a.publicKey, b.publicKey));
  return sha256(EPOCH_SEED_DOMAIN, previousSeed, ...verified.map((v) => v.output));
}
