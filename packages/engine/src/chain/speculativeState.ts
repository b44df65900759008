import { bytesToHex } from "@vshard/crypto";
import type { ChainHead } from "@vshard/storage";
import { headerHash } from "@vshard/types";
import type { AccountMap } from "../execution/executeTxs.ts";
import type { RecordMap, RecordWrites } from "../execution/recordState.ts";
import type { AssembledBlock, StateLoaders } from "./assembleBlock.ts";

/**
 * The state after blocks executed but not committed (a fork-aware plugin's branch): what they wrote, over the
 * committed state. Nothing here is stored; committing the blocks in order writes the same values.
 */
export interface SpeculativeState {
  /** The last block of the branch, as the next block's parent. */
  parent: ChainHead & { time: number };
  accounts: AccountMap;
  /** Records the branch wrote, by state-key hex. */
  records: RecordWrites;
  /** State-tree nodes the branch made, by hash hex: the next update walks them. */
  nodes: Map<string, Uint8Array>;
}

/** The state after `ancestors` (oldest first; the first extends the committed head). */
export function speculativeStateOf(ancestors: AssembledBlock[]): SpeculativeState {
  const accounts: AccountMap = new Map();
  const records: RecordWrites = new Map();
  const nodes = new Map<string, Uint8Array>();
  for (const a of ancestors) {
    for (const [hex, account] of a.execution.changed) accounts.set(hex, account);
    for (const [key, record] of a.execution.records) records.set(key, record);
    for (const [hash, bytes] of a.stateNodes) nodes.set(bytesToHex(hash), bytes);
  }
  const last = ancestors[ancestors.length - 1].block.header;
  return {
    parent: { height: last.height, hash: headerHash(last), stateRoot: last.stateRoot, time: last.time },
    accounts,
    records,
    nodes,
  };
}

/** Loaders that read the branch's writes first, then the committed state. */
export function speculativeLoaders(base: StateLoaders, state: SpeculativeState): StateLoaders {
  return {
    async loadAccounts(hexes) {
      const missing = hexes.filter((h) => !state.accounts.has(h));
      const out: AccountMap = missing.length > 0 ? await base.loadAccounts(missing) : new Map();
      for (const h of hexes) {
        const a = state.accounts.get(h);
        if (a) out.set(h, a);
      }
      return out;
    },
    async loadRecords(touched) {
      const missing = new Map([...touched].filter(([key]) => !state.records.has(key)));
      const out: RecordMap = missing.size > 0 ? await base.loadRecords(missing) : new Map();
      for (const key of touched.keys()) {
        const r = state.records.get(key);
        if (r) out.set(key, r);
      }
      return out;
    },
  };
}
