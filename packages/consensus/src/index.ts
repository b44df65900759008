export * from "./bft/index.ts";
export * from "./certificateVerifiers.ts";
export * from "./dpos/index.ts";
export * from "./epoched/epochedConsensus.ts";
export * from "./registry.ts";
export * from "./solo/soloConsensus.ts";
export * from "./sync/blockSync.ts";
