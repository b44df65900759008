export * from "./libp2pTransport.ts";
export * from "./p2pCounters.ts";
export * from "./p2pView.ts";
export * from "./peerGuard.ts";
export * from "./peerIdentity.ts";
export * from "./wireTopics.ts";
