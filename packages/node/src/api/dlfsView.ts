import type { SignedTx, TxInclusionProof } from "@vshard/types";
import type { DlfsStats, FetchReport } from "../dlfs/dlfsClient.ts";

/** Where a proven block's body came from: the node's own database, or the DLFS (with the replicas skipped). */
export type BodySource = { from: "local" } | { from: "dlfs"; report: FetchReport };

/** A tx's inclusion proof as a node serves it. */
export interface TxProofAnswer {
  proof: TxInclusionProof;
  tx: SignedTx;
  blockHash: Uint8Array;
  body: BodySource;
}

/** What the API sees of a node's DLFS side. */
export interface DlfsView {
  /** The node's storage role. */
  role: "archive" | "full" | "light";
  /** The network's DLFS figures (asks every storage node), with this node's own publishing figures. */
  stats(): Promise<DlfsStats & { thisNode: Record<string, unknown> }>;
  /**
   * The inclusion proof of tx `txHash` in block `height` of a chain shard this node follows; throws `ApiError` 404
   * when it does not follow the shard, has no such block, or the block does not hold the tx.
   */
  txProof(chainId: number, shard: number, height: number, txHash: Uint8Array): Promise<TxProofAnswer>;
}
