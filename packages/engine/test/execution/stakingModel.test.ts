import { bytesToHex } from "@vshard/crypto";
import { BURN_ADDRESS } from "@vshard/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AccountMap, executeTxs, type PreparedTx } from "../../src/execution/executeTxs.ts";
import {
  evidenceTx,
  proposerHex,
  stakeTx,
  stakingGenesis,
  transferTx,
  unstakeTx,
  users,
  voteTx,
} from "./stakingFixtures.ts";

/** One step of a random history; `nonce` is filled in from the model's own count. */
type Step =
  | { kind: "stake" | "unstake"; from: number; amount: bigint }
  | { kind: "vote"; from: number; candidates: number[] }
  | { kind: "transfer"; from: number; to: number; amount: bigint }
  | { kind: "evidence"; from: number; offender: number };

const user = fc.integer({ min: 0, max: users.length - 1 });
const amount = fc.bigInt({ min: 0n, max: 400n });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constantFrom("stake" as const, "unstake" as const), from: user, amount }),
  // Users 3-5 are not candidates: voting for them is refused.
  fc.record({
    kind: fc.constant("vote" as const),
    from: user,
    candidates: fc.uniqueArray(user, { maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant("transfer" as const), from: user, to: user, amount }),
  fc.record({ kind: fc.constant("evidence" as const), from: user, offender: user }),
);

function txOf(step: Step, nonce: number): PreparedTx {
  switch (step.kind) {
    case "stake":
      return stakeTx(step.from, nonce, step.amount);
    case "unstake":
      return unstakeTx(step.from, nonce, step.amount);
    case "vote":
      return voteTx(step.from, nonce, step.candidates);
    case "transfer":
      return transferTx(step.from, nonce, step.to, step.amount);
    case "evidence":
      return evidenceTx(step.from, nonce, step.offender);
  }
}

/** Σ balance + Σ stake over every account. */
function supply(state: AccountMap): bigint {
  let sum = 0n;
  for (const a of state.values()) sum += a.balance + (a.staking?.stake ?? 0n);
  return sum;
}

/** Each account's votesReceived, and what the stakes voting for it add up to. */
function tallies(state: AccountMap): Array<[string, bigint, bigint]> {
  const expected = new Map<string, bigint>();
  for (const a of state.values())
    for (const c of a.staking?.votes ?? []) {
      const hex = bytesToHex(c);
      expected.set(hex, (expected.get(hex) ?? 0n) + (a.staking?.stake ?? 0n));
    }
  return [...state].map(([hex, a]) => [hex, a.staking?.votesReceived ?? 0n, expected.get(hex) ?? 0n]);
}

describe("staking model (property)", () => {
  it("random histories keep Σ balance + Σ stake constant and every tally equal to the stakes voting for it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(stepArb, { maxLength: 12 }), { minLength: 1, maxLength: 5 }),
        (blocks) => {
          let state: AccountMap = stakingGenesis(500n);
          const initial = supply(state);
          const nonces = new Map<number, number>();
          for (const steps of blocks) {
            // Txs carry the nonce the sender would have if every earlier tx of it applied: refused ones leave gaps,
            // which the nonce check then refuses too (as a real mempool's would be dropped).
            const txs = steps.map((step) => {
              const nonce = nonces.get(step.from) ?? 0;
              nonces.set(step.from, nonce + 1);
              return txOf(step, nonce);
            });
            const built = executeTxs(txs, state, proposerHex, { skipInvalid: true });
            // A validator re-executing what was applied gets the same state, and no failure.
            const checked = executeTxs(built.applied, state, proposerHex, { skipInvalid: false });
            expect([...checked.changed]).toEqual([...built.changed]);
            state = new Map([...state, ...built.changed]);
            for (const [u, n] of nonces) nonces.set(u, Math.min(n, state.get(users[u].hex)?.nonce ?? 0));
            expect(supply(state)).toBe(initial);
            for (const [hex, got, want] of tallies(state)) expect([hex, got]).toEqual([hex, want]);
            for (const a of state.values()) {
              expect(a.balance).toBeGreaterThanOrEqual(0n);
              expect(a.staking?.stake ?? 0n).toBeGreaterThanOrEqual(0n);
            }
          }
          // The burn address holds exactly what was slashed: it never sends.
          expect(state.get(bytesToHex(BURN_ADDRESS))?.nonce ?? 0).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
