export * from "./registry.ts";
export * from "./solo/soloConsensus.ts";
export * from "./sync/blockSync.ts";
