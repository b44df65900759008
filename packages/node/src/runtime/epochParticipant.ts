import { bytesToHex } from "@vshard/crypto";
import {
  type EpochTracker,
  epochOf,
  type Logger,
  type MainChainRules,
  phaseOf,
  proveEpochSeed,
  proveSortition,
  type RegistryReader,
} from "@vshard/engine";
import { EpochProofPurpose, TxKind } from "@vshard/types";
import type { OwnTxSubmitter } from "./ownTxSubmitter.ts";
import { SerialPass } from "./serialPass.ts";

/** A validator's ECVRF key pair: ECVRF-EDWARDS25519 keys are ed25519 keys (RFC 9381 §5.5), kept apart from signing. */
export interface VrfKeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/**
 * A validator's part in epoch randomness: in each epoch's seed phase it publishes its VRF proof over the epoch's seed
 * alpha (contributing to the next seed); once the next seed is fixed, in the sortition phase, its sortition proof for
 * the next epoch. Driven by the main chain's commits; each proof is sent once (the chain refuses a second anyway).
 */
export class EpochParticipant {
  private readonly sent = new Set<string>();
  private readonly passes: SerialPass;

  constructor(
    private readonly opts: { rules: MainChainRules; publicKey: Uint8Array; vrf: VrfKeyPair },
    private readonly modules: {
      tracker: EpochTracker;
      registry: RegistryReader;
      submitter: OwnTxSubmitter;
      committedHeight: () => number;
      logger: Logger;
    },
  ) {
    this.passes = new SerialPass(() => this.pass(), modules.logger, "epoch participation");
  }

  /** Called on every main-chain commit (and once at start): runs a pass, one at a time. */
  onCommit(): void {
    this.passes.request();
  }

  /** Resolves when no pass is running or due. */
  idle(): Promise<void> {
    return this.passes.idle();
  }

  private async pass(): Promise<void> {
    const { rules, publicKey, vrf } = this.opts;
    const { tracker, registry, submitter } = this.modules;
    // The next block is the earliest one a proof sent now can land in.
    const next = this.modules.committedHeight() + 1;
    const epoch = epochOf(next, rules);
    const phase = phaseOf(next, rules);
    const key = `${epoch}/${phase}`;
    if (this.sent.has(key)) return;
    const me = await registry.getValidator(publicKey);
    if (!me || bytesToHex(me.vrfPublicKey) !== bytesToHex(vrf.publicKey)) return;
    if (phase === "seed") {
      const seed = await tracker.seed(epoch);
      if (!seed) return;
      this.sent.add(key);
      await submitter.submit(
        TxKind.EpochProof,
        { epoch, purpose: EpochProofPurpose.Seed, proof: proveEpochSeed(vrf.secretKey, seed.seed, epoch) },
        `seed proof of epoch ${epoch}`,
      );
    } else {
      const nextSeed = await tracker.seed(epoch + 1);
      if (!nextSeed) return;
      this.sent.add(key);
      await submitter.submit(
        TxKind.EpochProof,
        {
          epoch: epoch + 1,
          purpose: EpochProofPurpose.Sortition,
          proof: proveSortition(vrf.secretKey, nextSeed.seed, epoch + 1),
        },
        `sortition proof of epoch ${epoch + 1}`,
      );
    }
  }
}
