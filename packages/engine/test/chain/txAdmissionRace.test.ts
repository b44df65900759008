import type { SignatureVerifier } from "@vshard/crypto";
import { type Account, signTx, type Tx, TxKind } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { defaultChainOptions } from "../../src/chain/chainOptions.ts";
import { prepareTx } from "../../src/chain/prepareTx.ts";
import { TxAdmission } from "../../src/chain/txAdmission.ts";
import type { AccountMap, ExecutionResult } from "../../src/execution/executeTxs.ts";
import type { RecordMap } from "../../src/execution/recordState.ts";
import { Mempool } from "../../src/mempool/index.ts";
import { at, users } from "../crossShard/crossShardFixtures.ts";

const here = at(0, 0);
const verifier = {
  verify: async (sets: unknown[]) => sets.map(() => true),
  canAcceptWork: () => true,
} as unknown as SignatureVerifier;

/** A transfer of 1 by user `from`, local or (with `destination`) cross-shard. */
const transfer = (from: number, nonce: number, destination?: { chainId: number; shard: number }) =>
  signTx(
    {
      ...here,
      ...(destination
        ? { kind: TxKind.CrossTransfer, payload: { to: users[3].address, destination, amount: 1n } }
        : { kind: TxKind.Transfer, payload: { to: users[3].address, amount: 1n } }),
      sender: users[from].keys.publicKey,
      nonce,
      fee: 1n,
    } as Tx,
    users[from].keys.secretKey,
  );

describe("TxAdmission when a block commits while it reads", () => {
  it("starts a sender's block selection at its new nonce, not at the one read before the commit", async () => {
    const opts = { ...defaultChainOptions, chainId: 0, shard: 0 };
    const mempool = new Mempool(opts.mempool);
    const accounts: AccountMap = new Map([[users[0].hex, { balance: 1000n, nonce: 0 } as Account]]);
    let head = 5;
    let commitDuringRead: (() => void) | null = null;
    const admission: TxAdmission = new TxAdmission(opts, {
      mempool,
      verifier,
      loadAccounts: async (hexes) =>
        new Map(hexes.flatMap((h) => (accounts.has(h) ? [[h, accounts.get(h) as Account]] : []))),
      loadRecords: async () => {
        // The cross transfer's checks read records: the block holding user 0's nonce-0 tx commits meanwhile.
        commitDuringRead?.();
        commitDuringRead = null;
        return new Map() as RecordMap;
      },
      txLocation: async () => null,
      headHeight: () => head,
    });
    const first = prepareTx(transfer(0, 0));
    expect((await admission.submit([first.stx]))[0].ok).toBe(true);
    commitDuringRead = () => {
      accounts.set(users[0].hex, { balance: 998n, nonce: 1 });
      head++;
      admission.onBlockCommitted({
        applied: [first],
        changed: new Map([[users[0].hex, { balance: 998n, nonce: 1 }]]),
      } as unknown as ExecutionResult);
    };
    // User 0's next tx arrives in a batch with a cross transfer of user 1 (whose checks read storage).
    accounts.set(users[1].hex, { balance: 1000n, nonce: 0 });
    const results = await admission.submit([transfer(0, 1), transfer(1, 0, at(1, 0))]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(admission.committedNonce(users[0].hex)).toBe(1);
    const picked = mempool.selectForBlock({ maxTxs: 10, maxBytes: 1_000_000 }, (hex) =>
      admission.committedNonce(hex),
    );
    expect(picked.map((e) => [e.senderHex, e.nonce])).toContainEqual([users[0].hex, 1]);
  });
});
