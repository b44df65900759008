export * from "./car.ts";
export * from "./chunkStore.ts";
export * from "./cid.ts";
export * from "./dlfsError.ts";
export * from "./manifest.ts";
export * from "./packBody.ts";
export * from "./rendezvous.ts";
