import type { SignatureVerifier } from "@vshard/crypto";
import type { LedgerDb } from "@vshard/storage";
import type { AnchorVerifier, ChainRoles } from "../registry/interface.ts";
import type { ChainOptions } from "./chainOptions.ts";

/** What `ShardChain.create` runs on. */
export interface ShardChainModules {
  db: LedgerDb;
  verifier: SignatureVerifier;
  /** Checks anchored worker shard certificates (main chain only); absent: every anchor is refused. */
  anchorVerifier?: AnchorVerifier;
}

/** The role of a chain as its block execution sees it: main chain rules, worker schema, anchor verifier. */
export function chainRolesOf(opts: ChainOptions, anchorVerifier?: AnchorVerifier): ChainRoles {
  return {
    ...(opts.main ? { main: opts.main } : {}),
    ...(opts.schema ? { schema: opts.schema } : {}),
    ...(anchorVerifier ? { anchorVerifier } : {}),
  };
}
