export * from "./cryptoBench.ts";
