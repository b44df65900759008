import type { SignatureVerifier } from "@vshard/crypto";
import type { LedgerDb } from "@vshard/storage";
import type { ReceiptSourceLoader } from "../crossShard/interface.ts";
import type { AnchorVerifier, ChainRoles } from "../registry/interface.ts";
import type { ChainOptions } from "./chainOptions.ts";

/** What `ShardChain.create` runs on. */
export interface ShardChainModules {
  db: LedgerDb;
  verifier: SignatureVerifier;
  /** Checks anchored worker shard certificates (main chain only); absent: every anchor is refused. */
  anchorVerifier?: AnchorVerifier;
  /** A worker shard's view of the main chain for receives (absent: receives refused); unused on the main chain. */
  receiptSources?: ReceiptSourceLoader;
}

/** The role of a chain as its block execution sees it: main chain rules, worker schema, anchor verifier, receipts. */
export function chainRolesOf(
  opts: ChainOptions,
  modules: Pick<ShardChainModules, "anchorVerifier" | "receiptSources">,
): ChainRoles {
  const { anchorVerifier, receiptSources } = modules;
  return {
    ...(opts.main ? { main: opts.main } : {}),
    ...(opts.schema ? { schema: opts.schema } : {}),
    ...(anchorVerifier ? { anchorVerifier } : {}),
    ...(receiptSources ? { receiptSources } : {}),
  };
}
