export * from "./networkError.ts";
export * from "./realTimeScheduler.ts";
export * from "./scheduler.ts";
export * from "./simNetwork.ts";
export * from "./simTransport.ts";
export * from "./simulator.ts";
export * from "./transport.ts";
