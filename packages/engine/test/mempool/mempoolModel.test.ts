import type { Account } from "@vshard/types";
import fc from "fast-check";
import { describe, it } from "vitest";
import { Mempool, type MempoolEntry, MempoolError } from "../../src/mempool/index.ts";
import { entry, options, senderHexOf } from "./mempoolFixtures.ts";

const SENDERS = 5;
const opts = options({
  maxTxs: 12,
  maxBytes: 2400,
  maxPerSender: 4,
  maxNonceGap: 5,
  replaceFeeBumpPercent: 10,
});

type Op =
  | { kind: "add"; sender: number; ahead: number; fee: number; amount: number; size: number }
  | { kind: "commit"; maxTxs: number; maxBytes: number }
  | { kind: "external"; sender: number; used: number; balance: number }
  | { kind: "remove"; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("add" as const),
      sender: fc.nat(SENDERS - 1),
      ahead: fc.nat(opts.maxNonceGap + 1),
      fee: fc.integer({ min: 1, max: 20 }),
      amount: fc.nat(60),
      size: fc.integer({ min: 100, max: 400 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("commit" as const),
      maxTxs: fc.nat(6),
      maxBytes: fc.integer({ min: 0, max: 1500 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("external" as const),
      sender: fc.nat(SENDERS - 1),
      used: fc.nat(2),
      balance: fc.nat(300),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("remove" as const), pick: fc.nat() }) },
);

/** A plain assertion: `expect` in an inner loop of hundreds of runs costs seconds. */
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`invariant broken: ${what}`);
}

/** Checks what must hold after every step, against the model's accounts and held entries. */
function checkInvariants(
  pool: Mempool,
  held: Map<string, MempoolEntry>,
  accounts: Map<string, Account>,
): void {
  let bytes = 0;
  for (const e of held.values()) bytes += e.size;
  check(pool.size() === held.size, `size() ${pool.size()} != ${held.size} held`);
  check(pool.bytes() === bytes, `bytes() ${pool.bytes()} != ${bytes}`);
  check(pool.size() <= opts.maxTxs && pool.bytes() <= opts.maxBytes, "pool over its limits");
  let counted = 0;
  for (let s = 0; s < SENDERS; s++) {
    const hex = senderHexOf(s);
    const account = accounts.get(hex) as Account;
    const pending = pool.pendingOf(hex);
    counted += pending.length;
    check(pending.length <= opts.maxPerSender, "sender over maxPerSender");
    let cost = 0n;
    pending.forEach((e, i) => {
      check(held.get(e.hashHex) === e && pool.has(e.hashHex), "pending entry not held");
      check(i === 0 || e.nonce > pending[i - 1].nonce, "pending not in nonce order");
      check(e.nonce >= account.nonce, "stale entry kept");
      cost += e.cost;
    });
    check(cost <= account.balance, `sender ${s} owes ${cost} with balance ${account.balance}`);
  }
  check(counted === held.size, "entries outside the senders' queues");
}

describe("Mempool model", () => {
  it("keeps counts exact, txs payable, and selected runs gap-free through random adds and commits", () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 30, maxLength: 100 }), (ops) => {
        const pool = new Mempool(opts);
        const held = new Map<string, MempoolEntry>();
        const accounts = new Map<string, Account>();
        for (let s = 0; s < SENDERS; s++) accounts.set(senderHexOf(s), { balance: 200n, nonce: 0 });
        const nonceOf = (hex: string) => (accounts.get(hex) as Account).nonce;
        for (const op of ops) {
          if (op.kind === "add") {
            const hex = senderHexOf(op.sender);
            const account = accounts.get(hex) as Account;
            const e = entry(op.sender, account.nonce + op.ahead, op.fee, {
              amount: BigInt(op.amount),
              size: op.size,
            });
            const before = { size: pool.size(), bytes: pool.bytes() };
            try {
              const { replaced, evicted } = pool.add(e, account);
              if (replaced) {
                check(replaced.nonce === e.nonce, "replaced a tx of another nonce");
                held.delete(replaced.hashHex);
              }
              held.set(e.hashHex, e);
              for (const gone of evicted) {
                held.delete(gone.hashHex);
                // Lower nonces never go before higher ones: nothing of that sender above an evicted tx remains.
                const above = pool.pendingOf(gone.senderHex).filter((p) => p.nonce > gone.nonce);
                check(above.length === 0, "evicted a lower nonce before a higher one");
              }
            } catch (err) {
              check(err instanceof MempoolError, `unexpected error ${err}`);
              check(
                pool.size() === before.size && pool.bytes() === before.bytes,
                "a refused add changed the pool",
              );
            }
          } else if (op.kind === "commit") {
            const limits = { maxTxs: op.maxTxs, maxBytes: op.maxBytes };
            const picked = pool.selectForBlock(limits, nonceOf);
            check(picked.length <= limits.maxTxs, "selection over maxTxs");
            check(picked.reduce((s, e) => s + e.size, 0) <= limits.maxBytes, "selection over maxBytes");
            // Execute: every picked tx must be the sender's next nonce and payable.
            const changed = new Map<string, Account>();
            for (const e of picked) {
              const account = changed.get(e.senderHex) ?? { ...(accounts.get(e.senderHex) as Account) };
              check(
                e.nonce === account.nonce,
                `selected nonce ${e.nonce}, expected ${account.nonce}: run skips a nonce`,
              );
              check(account.balance >= e.cost, "selected a tx its sender cannot pay");
              changed.set(e.senderHex, { balance: account.balance - e.cost, nonce: account.nonce + 1 });
            }
            for (const [hex, account] of changed) accounts.set(hex, account);
            const removed = pool.onBlockCommitted(
              picked.map((e) => e.hashHex),
              changed,
            );
            for (const e of picked) check(removed.includes(e), "an included tx stayed in the pool");
            for (const e of removed) held.delete(e.hashHex);
          } else if (op.kind === "external") {
            // Another proposer's block used nonces we never saw and changed the balance.
            const hex = senderHexOf(op.sender);
            const account = { balance: BigInt(op.balance), nonce: nonceOf(hex) + op.used };
            accounts.set(hex, account);
            for (const e of pool.onBlockCommitted([], new Map([[hex, account]]))) held.delete(e.hashHex);
          } else {
            const keys = [...held.keys()];
            if (keys.length === 0) continue;
            const hex = keys[op.pick % keys.length];
            check(pool.remove(hex), "remove() missed a held tx");
            held.delete(hex);
          }
          checkInvariants(pool, held, accounts);
        }
      }),
      { numRuns: 200 },
    );
  });
});
