export * from "./election.ts";
