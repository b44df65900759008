export { applyCrossTransfer, applyReceive, isCrossShardTx, planReceive } from "./crossShardTxs.ts";
export type { NotarisedBlock, ReceiptSourceLoader, ReceiptSourceQuery, ReceiptSources } from "./interface.ts";
export * from "./receiptRecords.ts";
export * from "./receiptRouting.ts";
export { receiptSourcesFromRecords } from "./receiptSourcesFromRecords.ts";
