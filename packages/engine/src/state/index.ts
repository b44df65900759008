export * from "./sparseMerkleTree.ts";
export * from "./stateError.ts";
export * from "./stateNode.ts";
export * from "./stateProof.ts";
