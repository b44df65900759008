import type { LedgerDb } from "@vshard/storage";
import type { Account } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { createStateLoaders } from "../../src/chain/stateLoaders.ts";

/** A ledger whose account reads wait until the test releases them, counting reads. */
function slowLedger(state: Map<string, Account>) {
  const pending: Array<() => void> = [];
  let reads = 0;
  const db = {
    async getAccounts(_c: number, _s: number, addresses: Uint8Array[]) {
      reads += addresses.length;
      const snapshot = addresses.map((a) => state.get(Buffer.from(a).toString("hex")) ?? null);
      await new Promise<void>((resolve) => pending.push(resolve));
      return snapshot;
    },
  } as unknown as LedgerDb;
  const release = () => {
    for (const resume of pending.splice(0)) resume();
  };
  return { db, release, reads: () => reads };
}

const A = "aa".repeat(20);

describe("createStateLoaders' account cache", () => {
  it("serves repeated reads from memory, absent accounts included", async () => {
    const ledger = slowLedger(new Map([[A, { balance: 5n, nonce: 1 }]]));
    const loaders = createStateLoaders(ledger.db, { chainId: 1, shard: 0 });
    const first = loaders.loadAccounts([A, "bb".repeat(20)]);
    ledger.release();
    expect((await first).get(A)).toEqual({ balance: 5n, nonce: 1 });
    const again = await loaders.loadAccounts([A, "bb".repeat(20)]);
    expect(again.get(A)).toEqual({ balance: 5n, nonce: 1 });
    expect(again.has("bb".repeat(20))).toBe(false);
    expect(ledger.reads()).toBe(2);
  });

  it("never keeps a value that a commit overtook, and serves what the commit wrote", async () => {
    const state = new Map([[A, { balance: 5n, nonce: 1 }]]);
    const ledger = slowLedger(state);
    const loaders = createStateLoaders(ledger.db, { chainId: 1, shard: 0 });
    const stale = loaders.loadAccounts([A]);
    // A block commits while the read is in flight.
    state.set(A, { balance: 3n, nonce: 2 });
    loaders.onCommitted(new Map([[A, { balance: 3n, nonce: 2 }]]));
    ledger.release();
    expect((await stale).get(A)).toEqual({ balance: 5n, nonce: 1 });
    expect((await loaders.loadAccounts([A])).get(A)).toEqual({ balance: 3n, nonce: 2 });
  });
});
