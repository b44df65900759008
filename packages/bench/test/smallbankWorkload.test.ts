import type { ApiClient } from "@vshard/node";
import { SmallbankOp } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { SmallbankModel } from "../src/workloads/smallbankModel.ts";
import { SmallbankWorkload } from "../src/workloads/smallbankWorkload.ts";

describe("SmallbankModel", () => {
  it("follows the benchmark's definition, aborts included, and accounts for money in and out", () => {
    const m = new SmallbankModel(2);
    m.apply({ op: SmallbankOp.DepositChecking, customer: 0, other: -1, amount: 50n });
    m.apply({ op: SmallbankOp.DepositChecking, customer: 0, other: -1, amount: -5n }); // aborts
    m.apply({ op: SmallbankOp.TransactSavings, customer: 0, other: -1, amount: 30n });
    m.apply({ op: SmallbankOp.TransactSavings, customer: 1, other: -1, amount: -1n }); // aborts: savings would go negative
    m.apply({ op: SmallbankOp.SendPayment, customer: 0, other: 1, amount: 60n }); // aborts: checking 50 < 60
    m.apply({ op: SmallbankOp.SendPayment, customer: 0, other: 1, amount: 20n });
    m.apply({ op: SmallbankOp.WriteCheck, customer: 1, other: -1, amount: 25n }); // overdraft: 20 < 25, pays 26
    m.apply({ op: SmallbankOp.Amalgamate, customer: 0, other: 1, amount: 0n });
    expect(m.aborted).toBe(3);
    expect([m.checking, m.savings]).toEqual([
      [0n, -6n + 60n],
      [0n, 0n],
    ]);
    expect(m.moneyIn).toBe(80n);
    expect(m.moneyOut).toBe(26n);
    expect(m.total()).toBe(m.moneyIn - m.moneyOut);
  });
});

/** A client answering GET /v1/smallbank/:address from a replay, optionally corrupted. */
function fakeClient(state: Map<string, { checking: bigint; savings: bigint }>, corrupt = false): ApiClient {
  let first = true;
  return {
    request: async (_method: string, path: string) => {
      const s = state.get(decodeURIComponent(path.split("/").pop() as string)) ?? {
        checking: 0n,
        savings: 0n,
      };
      const extra = corrupt && first ? 1n : 0n;
      first = false;
      return { checking: String(s.checking + extra), savings: String(s.savings) };
    },
  } as unknown as ApiClient;
}

describe("SmallbankWorkload", () => {
  const opts = { accounts: 20, seed: 3, chainId: 1, shard: 0, hotspot: 0.5 };

  it("is seeded: the same seed issues the same transactions", () => {
    const a = new SmallbankWorkload(opts).nextTxs(50).map((t) => t.hashHex);
    const b = new SmallbankWorkload(opts).nextTxs(50).map((t) => t.hashHex);
    expect(a).toEqual(b);
    expect(new SmallbankWorkload({ ...opts, seed: 4 }).nextTxs(50).map((t) => t.hashHex)).not.toEqual(a);
  });

  it("passes its conservation check on a faithful state and fails on a state that created money", async () => {
    const w = new SmallbankWorkload(opts);
    const order = [...w.setupTxs(), ...w.nextTxs(400)].map((t) => t.hashHex);
    // The chain's state as an independent replay would give it, keyed by text address.
    const replay = new SmallbankModel(opts.accounts);
    const calls = (w as unknown as { calls: Map<string, Parameters<SmallbankModel["apply"]>[0]> }).calls;
    for (const h of order) replay.apply(calls.get(h)!);
    const addresses = (w as unknown as { accounts: { addresses: Uint8Array[] } }).accounts.addresses;
    const { addressToText } = await import("@vshard/types");
    const state = new Map(
      addresses.map((a, i) => [
        addressToText(a),
        { checking: replay.checking[i], savings: replay.savings[i] },
      ]),
    );
    const ok = await w.check(fakeClient(state), order);
    expect(ok.passed, ok.details).toBe(true);
    const bad = await w.check(fakeClient(state, true), order);
    expect(bad.passed).toBe(false);
    expect(bad.details).toMatch(/1 of 20 customers differ/);
  });
});
