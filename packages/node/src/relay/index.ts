export { type Delivery, DeliveryBook } from "./deliveries.ts";
export { classifySubmitError, HttpRelayEndpoint, outboxPageFromJson } from "./httpRelayEndpoint.ts";
export type * from "./interface.ts";
export { BACKOFF_JITTER, backoffMs, defaultRelayOptions, type RelayOptions } from "./options.ts";
export { emptyPassReport, type PassReport, type RelayCounters } from "./passReport.ts";
export { Relay } from "./relay.ts";
export * from "./relayState.ts";
export { signedReceive } from "./signedReceive.ts";
export * from "./startRelay.ts";
