export * from "./account.ts";
export * from "./address.ts";
export * from "./block.ts";
export * from "./codec.ts";
export * from "./errors.ts";
export * from "./receipt.ts";
export * from "./smallbank.ts";
export * from "./tx.ts";
