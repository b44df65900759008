/**
 * Epoch seeds and committee assignments as the main chain's committed (final) state fixes them. Epoch e covers main
 * heights [e·E, (e+1)·E): in its seed phase (first half) main-chain validators publish their VRF proofs over
 * `epochSeedAlpha(seed_e, e)` (EpochProof txs, purpose Seed), which give seed_{e+1}; in its sortition phase (second
 * half) validators publish their sortition proofs over `committeeAlpha(seed_{e+1}, e+1)` (purpose Sortition). The
 * assignment of epoch e+1 draws every shard added before the sortition phase began. Epoch 0 uses `genesisSeed` and the
 * sortition proofs in the genesis state. Everything here is read from committed records, so every node derives the
 * same seeds and committees, and anyone can recompute them from the published proofs (`verifyAssignment`).
 */

import { bytesToHex, concatBytes, ecvrf, sha256, u64be } from "@vshard/crypto";
import { EpochProofPurpose, type ShardRef } from "@vshard/types";
import type {
  ChainEntry,
  EpochProofEntryWithKey,
  MainChainRules,
  RegistryReader,
} from "../registry/index.ts";
import { epochStart, sortitionPhaseStart } from "../registry/index.ts";
import { assignCommittees, type CommitteeAssignment, type ValidatorVrfProof } from "./committeeSelection.ts";
import { EPOCH_SEED_DOMAIN, epochSeed, epochSeedAlpha, genesisSeed } from "./epochSeed.ts";

/** Hash tag of the seed an epoch gets when no valid seed proof was published (predictable: logged as a warning). */
const EMPTY_SEED_TAG = new TextEncoder().encode("no-seed-proofs");

/** One published seed proof and whether it verified. */
export interface SeedContribution {
  validator: Uint8Array;
  vrfPublicKey: Uint8Array | null;
  proof: Uint8Array;
  height: number;
  valid: boolean;
}

/** What an epoch's seed was made of. */
export interface EpochSeedRecord {
  epoch: number;
  seed: Uint8Array;
  /** The proofs of the previous epoch's seed phase that made it (empty for epoch 0). */
  contributions: SeedContribution[];
  /** True when no valid proof was published and the seed was derived from the previous one alone. */
  fallback: boolean;
}

/** An epoch's committees with the shards they were drawn for. */
export interface EpochCommittees {
  epoch: number;
  seed: Uint8Array;
  /** Main height up to which the data that fixed it lies (the last block of the previous epoch; 0 for epoch 0). */
  fixedAtHeight: number;
  /** Null when there was no shard to draw for. */
  assignment: CommitteeAssignment | null;
}

/** Reads epoch seeds and assignments off the main chain's committed registry, caching what is final. */
export class EpochTracker {
  private readonly seeds = new Map<number, EpochSeedRecord>();
  private readonly committees = new Map<number, EpochCommittees>();

  constructor(
    private readonly opts: {
      mainChainId: number;
      rules: MainChainRules;
      /** Witnesses drawn in each committee (the members that vote). */
      witnessesPerCommittee: number;
    },
    private readonly modules: {
      registry: RegistryReader;
      /** Height of the main chain's last committed (final) block. */
      committedHeight: () => number;
    },
  ) {}

  /** The epoch the main chain's committed head is in. */
  currentEpoch(): number {
    return Math.floor(this.modules.committedHeight() / this.opts.rules.epochBlocks);
  }

  /** Whether every proof that fixes epoch e's seed is committed. */
  seedKnown(epoch: number): boolean {
    return (
      epoch === 0 || this.modules.committedHeight() >= sortitionPhaseStart(epoch - 1, this.opts.rules) - 1
    );
  }

  /** Whether every proof that fixes epoch e's assignment is committed. */
  committeesKnown(epoch: number): boolean {
    return epoch === 0 || this.modules.committedHeight() >= epochStart(epoch, this.opts.rules) - 1;
  }

  /** Epoch e's seed and what made it; null while it is not fixed yet. */
  async seed(epoch: number): Promise<EpochSeedRecord | null> {
    const cached = this.seeds.get(epoch);
    if (cached) return cached;
    if (!this.seedKnown(epoch)) return null;
    let record: EpochSeedRecord;
    if (epoch === 0)
      record = { epoch, seed: genesisSeed(this.opts.mainChainId), contributions: [], fallback: false };
    else {
      const previous = await this.seed(epoch - 1);
      if (!previous) return null;
      record = await this.deriveSeed(epoch, previous.seed);
    }
    this.seeds.set(epoch, record);
    return record;
  }

  /** Epoch e's committees; null while they are not fixed yet. */
  async committeesOf(epoch: number): Promise<EpochCommittees | null> {
    const cached = this.committees.get(epoch);
    if (cached) return cached;
    if (!this.committeesKnown(epoch)) return null;
    const seedRecord = await this.seed(epoch);
    if (!seedRecord) return null;
    const cut = epoch === 0 ? 1 : sortitionPhaseStart(epoch - 1, this.opts.rules);
    const shards = shardsAddedBefore(await this.modules.registry.listChains(), cut);
    const proofs = await this.sortitionProofs(epoch);
    const assignment =
      shards.length === 0
        ? null
        : assignCommittees({
            seed: seedRecord.seed,
            epoch,
            validators: proofs,
            shards,
            witnessesPerCommittee: this.opts.witnessesPerCommittee,
          });
    const result: EpochCommittees = {
      epoch,
      seed: seedRecord.seed,
      fixedAtHeight: epoch === 0 ? 0 : epochStart(epoch, this.opts.rules) - 1,
      assignment,
    };
    this.committees.set(epoch, result);
    return result;
  }

  /** The published sortition proofs of epoch e, with each validator's registered VRF key. */
  async sortitionProofs(epoch: number): Promise<ValidatorVrfProof[]> {
    const entries = await this.modules.registry.epochProofs(epoch, EpochProofPurpose.Sortition);
    const out: ValidatorVrfProof[] = [];
    for (const e of entries) {
      const validator = await this.modules.registry.getValidator(e.validator);
      // A proof recorded on chain always comes from a registered validator; a missing one means a corrupt store.
      if (!validator)
        throw new Error(`epoch ${epoch}: sortition proof of unregistered ${bytesToHex(e.validator)}`);
      out.push({ id: e.validator, vrfPublicKey: validator.vrfPublicKey, proof: e.proof });
    }
    return out;
  }

  private async deriveSeed(epoch: number, previousSeed: Uint8Array): Promise<EpochSeedRecord> {
    const alpha = epochSeedAlpha(previousSeed, epoch - 1);
    const entries: EpochProofEntryWithKey[] = await this.modules.registry.epochProofs(
      epoch - 1,
      EpochProofPurpose.Seed,
    );
    const contributions: SeedContribution[] = [];
    for (const e of entries) {
      const validator = await this.modules.registry.getValidator(e.validator);
      const vrfPublicKey = validator?.vrfPublicKey ?? null;
      const valid = vrfPublicKey !== null && ecvrf.verify(vrfPublicKey, e.proof, alpha) !== null;
      contributions.push({ validator: e.validator, vrfPublicKey, proof: e.proof, height: e.height, valid });
    }
    const valid = contributions.filter((c) => c.valid);
    if (valid.length === 0)
      return {
        epoch,
        seed: sha256(concatBytes(EPOCH_SEED_DOMAIN, previousSeed, u64be(epoch), EMPTY_SEED_TAG)),
        contributions,
        fallback: true,
      };
    const seed = epochSeed(
      previousSeed,
      valid.map((c) => ({ publicKey: c.vrfPublicKey as Uint8Array, proof: c.proof })),
      alpha,
    );
    return { epoch, seed, contributions, fallback: false };
  }
}

/** Every shard of every chain added at a main height below `cut`. */
export function shardsAddedBefore(chains: readonly ChainEntry[], cut: number): ShardRef[] {
  return chains.flatMap((c) =>
    c.shardsAddedAt.flatMap((addedAt, shard) => (addedAt < cut ? [{ chainId: c.chainId, shard }] : [])),
  );
}

/**
 * The first epoch whose assignment includes a shard added at main height `addedAt`: epoch 0 for genesis shards,
 * otherwise the first epoch e ≥ 1 whose sortition cut (the start of epoch e-1's sortition phase) lies after it.
 */
export function firstEpochIncluding(addedAt: number, rules: MainChainRules): number {
  if (addedAt === 0) return 0;
  let e = Math.floor(addedAt / rules.epochBlocks) + 1;
  while (sortitionPhaseStart(e - 1, rules) <= addedAt) e++;
  return e;
}
