export * from "./registry.ts";
export * from "./solo/soloConsensus.ts";
