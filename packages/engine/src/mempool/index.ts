export * from "./createMempoolEntry.ts";
export * from "./interface.ts";
export * from "./mempool.ts";
export * from "./mempoolError.ts";
export * from "./options.ts";
