import type { MainChainRules } from "./options.ts";

/**
 * Main-chain epochs: epoch e covers main heights [e·E, (e+1)·E) with E = `rules.epochBlocks`; its first half
 * [e·E, e·E + E/2) is the seed phase (seed proofs for seed_{e+1}), its second half the sortition phase (sortition
 * proofs for epoch e+1). Pure functions of the height and the rules.
 */

/** The epoch a main height lies in. */
export function epochOf(height: number, rules: MainChainRules): number {
  return Math.floor(height / rules.epochBlocks);
}

/** First main height of epoch e (e·E). */
export function epochStart(epoch: number, rules: MainChainRules): number {
  return epoch * rules.epochBlocks;
}

/** First main height of epoch e's seed phase (the epoch's start). */
export function seedPhaseStart(epoch: number, rules: MainChainRules): number {
  return epochStart(epoch, rules);
}

/** First main height of epoch e's sortition phase (e·E + E/2). */
export function sortitionPhaseStart(epoch: number, rules: MainChainRules): number {
  return epochStart(epoch, rules) + rules.epochBlocks / 2;
}

/** The phase of its epoch a main height lies in. */
export function phaseOf(height: number, rules: MainChainRules): "seed" | "sortition" {
  return height < sortitionPhaseStart(epochOf(height, rules), rules) ? "seed" : "sortition";
}
