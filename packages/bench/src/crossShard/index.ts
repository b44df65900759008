export * from "./benchRelays.ts";
export * from "./blockIntervals.ts";
export * from "./crossShardChart.ts";
export * from "./crossShardReport.ts";
export * from "./followCrossShard.ts";
export * from "./interface.ts";
export * from "./settleTransfers.ts";
export * from "./stageStats.ts";
