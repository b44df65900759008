import { compareBytes } from "@vshard/crypto";
import type { Account } from "@vshard/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CandidateInfo, electProducers, isEligibleCandidate } from "../../src/staking/election.ts";

function candidate(
  id: number,
  votesReceived: bigint,
  opts: { stake?: bigint; candidate?: boolean } = {},
): CandidateInfo {
  const address = new Uint8Array(20).fill(id);
  const account: Account = {
    balance: 0n,
    nonce: 0,
    staking: { stake: opts.stake ?? 10n, votes: [], candidate: opts.candidate ?? true, votesReceived },
  };
  return { publicKey: new Uint8Array(32).fill(id), address, account };
}

const ids = (cs: CandidateInfo[]) => cs.map((c) => c.address[0]);

describe("electProducers", () => {
  it("orders by votes received, highest first, and keeps the top `count`", () => {
    const cs = [candidate(1, 50n), candidate(2, 300n), candidate(3, 70n), candidate(4, 1_000n)];
    expect(ids(electProducers(cs, 3))).toEqual([4, 2, 3]);
  });

  it("breaks ties by address, lowest first, whatever the input order", () => {
    const cs = [candidate(9, 5n), candidate(3, 5n), candidate(7, 5n), candidate(1, 2n)];
    expect(ids(electProducers(cs, 3))).toEqual([3, 7, 9]);
    expect(ids(electProducers([...cs].reverse(), 3))).toEqual([3, 7, 9]);
  });

  it("leaves out slashed or unstaked candidates, accounts that are not candidates, and plain accounts", () => {
    const plain: CandidateInfo = { ...candidate(6, 0n), account: { balance: 10n, nonce: 0 } };
    const cs = [
      candidate(1, 900n, { stake: 0n }),
      candidate(2, 800n, { candidate: false }),
      plain,
      candidate(4, 1n),
    ];
    expect(ids(electProducers(cs, 21))).toEqual([4]);
    expect(cs.map(isEligibleCandidate)).toEqual([false, false, false, true]);
  });

  it("returns every eligible candidate when fewer than `count`, and none for count 0", () => {
    const cs = [candidate(1, 1n), candidate(2, 2n)];
    expect(ids(electProducers(cs, 21))).toEqual([2, 1]);
    expect(electProducers(cs, 0)).toEqual([]);
    expect(electProducers([], 5)).toEqual([]);
  });

  it("does not reorder its input", () => {
    const cs = [candidate(1, 1n), candidate(2, 2n)];
    electProducers(cs, 2);
    expect(ids(cs)).toEqual([1, 2]);
  });

  it("is the sorted prefix of the eligible candidates for any input (property)", () => {
    const arb = fc.array(
      fc.record({
        id: fc.integer({ min: 0, max: 255 }),
        votes: fc.bigInt({ min: 0n, max: 5n }),
        stake: fc.bigInt({ min: 0n, max: 2n }),
        candidate: fc.boolean(),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 40 }), (rows, count) => {
        const cs = rows.map((r) => candidate(r.id, r.votes, r));
        const out = electProducers(cs, count);
        const eligible = cs.filter(
          (c) => c.account.staking?.candidate && (c.account.staking?.stake ?? 0n) > 0n,
        );
        expect(out).toHaveLength(Math.min(count, eligible.length));
        for (let i = 1; i < out.length; i++) {
          const [a, b] = [out[i - 1], out[i]];
          const [va, vb] = [a.account.staking?.votesReceived ?? 0n, b.account.staking?.votesReceived ?? 0n];
          expect(va > vb || (va === vb && compareBytes(a.address, b.address) <= 0)).toBe(true);
        }
        // Nobody left out beats the last one elected.
        const last = out[out.length - 1];
        if (last)
          for (const c of eligible)
            if (!out.includes(c))
              expect(
                (c.account.staking?.votesReceived ?? 0n) <= (last.account.staking?.votesReceived ?? 0n),
              ).toBe(true);
      }),
    );
  });
});
