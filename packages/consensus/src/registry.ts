import type { ConsensusFactory } from "@vshard/engine";
import { BftConsensus } from "./bft/bftConsensus.ts";
import { DposConsensus } from "./dpos/dposConsensus.ts";
import { SoloConsensus } from "./solo/soloConsensus.ts";

/** Consensus plugins by the name a chain's configuration gives. */
export const consensusPlugins: Readonly<Record<string, ConsensusFactory>> = Object.freeze({
  solo: (ctx) => new SoloConsensus(ctx),
  bft: (ctx) => new BftConsensus(ctx),
  dpos: (ctx) => new DposConsensus(ctx),
});

/** The factory of a plugin; the error lists the names that exist. */
export function consensusFactory(name: string): ConsensusFactory {
  const factory = Object.hasOwn(consensusPlugins, name) ? consensusPlugins[name] : undefined;
  if (!factory)
    throw new Error(
      `unknown consensus plugin '${name}'; available: ${Object.keys(consensusPlugins).join(", ")}`,
    );
  return factory;
}
