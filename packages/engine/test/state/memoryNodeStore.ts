import { bytesToHex } from "@vshard/crypto";
import type { StateUpdateResult, TreeNodeReader } from "../../src/state/index.ts";

/** Map-backed node store for tests: persists `newNodes` and counts reads. */
export class MemoryNodeStore implements TreeNodeReader {
  readonly nodes = new Map<string, Uint8Array>();
  reads = 0;

  async get(hash: Uint8Array): Promise<Uint8Array | null> {
    this.reads++;
    return this.nodes.get(bytesToHex(hash)) ?? null;
  }

  /** Stores an update's new nodes and returns its root. */
  persist(result: StateUpdateResult): Uint8Array {
    for (const [hash, node] of result.newNodes) this.nodes.set(bytesToHex(hash), node);
    return result.root;
  }
}
