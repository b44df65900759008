export * from "./bftConsensus.ts";
export * from "./bftError.ts";
export * from "./certificate.ts";
export * from "./messages.ts";
export * from "./options.ts";
export * from "./roundState.ts";
export * from "./voteSet.ts";
