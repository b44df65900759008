import { hexToBytes } from "@vshard/crypto";
import type { LedgerDb } from "@vshard/storage";
import { RecordNamespace } from "@vshard/types";
import type { AccountMap } from "../execution/executeTxs.ts";
import type { RecordMap } from "../execution/smallbank.ts";
import type { StateLoaders } from "./assembleBlock.ts";

/** Reads committed accounts and Smallbank records of one chain shard from the ledger, for block assembly and admission. */
export function createStateLoaders(db: LedgerDb, where: { chainId: number; shard: number }): StateLoaders {
  const { chainId, shard } = where;
  return {
    async loadAccounts(hexes: string[]): Promise<AccountMap> {
      const found = await db.getAccounts(chainId, shard, hexes.map(hexToBytes));
      const out: AccountMap = new Map();
      hexes.forEach((hex, i) => {
        const a = found[i];
        if (a) out.set(hex, a);
      });
      return out;
    },
    async loadRecords(touched: Map<string, Uint8Array>): Promise<RecordMap> {
      const keys = [...touched.keys()];
      const addresses = [...touched.values()];
      const found = await db.getRecords(chainId, shard, RecordNamespace.Smallbank, addresses);
      const out: RecordMap = new Map();
      keys.forEach((key, i) => {
        const r = found[i];
        if (r) out.set(key, { address: addresses[i], checking: r.checking, savings: r.savings });
      });
      return out;
    },
  };
}
