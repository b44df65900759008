import { MAX_INT64, MIN_INT64, SmallbankOp, type SmallbankRecord } from "@vshard/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PreparedTx } from "../../src/execution/executeTxs.ts";
import { executeTxs } from "../../src/execution/executeTxs.ts";
import {
  customers,
  fundedAccounts,
  noopTx,
  proposerHex,
  recordAfter,
  recordsOf,
  smallbankTx,
} from "./smallbankFixtures.ts";

type Spec = { op: SmallbankOp | "noop"; from: number; other: number; amount: bigint };

const fits = (v: bigint) => v >= MIN_INT64 && v <= MAX_INT64;

/**
 * The reference: Smallbank written out plainly over an array of records. Returns the final records, each op's
 * status and the money it created (deposits and transacts) or destroyed (write-check debits, penalties included).
 */
function model(initial: SmallbankRecord[], specs: Spec[]) {
  const s = initial.map((x) => ({ ...x }));
  const statuses: string[] = [];
  let created = 0n;
  for (const { op, from: c, other: c2, amount: v } of specs) {
    if (op === "noop") continue;
    let ok = true;
    const a = s[c];
    if (op === SmallbankOp.DepositChecking) {
      ok = v >= 0n && fits(a.checking + v);
      if (ok) {
        a.checking += v;
        created += v;
      }
    } else if (op === SmallbankOp.TransactSavings) {
      ok = a.savings + v >= 0n && fits(a.savings + v);
      if (ok) {
        a.savings += v;
        created += v;
      }
    } else if (op === SmallbankOp.Amalgamate) {
      const total = a.savings + a.checking;
      const target = c === c2 ? total : s[c2].checking + total;
      ok = fits(target);
      if (ok) {
        a.savings = 0n;
        a.checking = 0n;
        s[c2].checking = target;
      }
    } else if (op === SmallbankOp.WriteCheck) {
      const debit = a.savings + a.checking < v ? v + 1n : v;
      ok = fits(a.checking - debit);
      if (ok) {
        a.checking -= debit;
        created -= debit;
      }
    } else if (op === SmallbankOp.SendPayment) {
      ok = v >= 0n && a.checking >= v && (c === c2 || fits(s[c2].checking + v));
      if (ok && c !== c2) {
        a.checking -= v;
        s[c2].checking += v;
      }
    }
    statuses.push(ok ? "ok" : "aborted");
  }
  return { final: s, statuses, created };
}

const recordArb = fc.record({
  checking: fc.oneof(
    fc.bigInt({ min: -1_000n, max: 1_000n }),
    fc.constantFrom(MAX_INT64 - 5n, MIN_INT64 + 5n),
  ),
  savings: fc.oneof(fc.bigInt({ min: 0n, max: 1_000n }), fc.constant(MAX_INT64 - 5n)),
});

const specArb: fc.Arbitrary<Spec> = fc.record({
  op: fc.constantFrom<SmallbankOp | "noop">(
    "noop",
    SmallbankOp.Balance,
    SmallbankOp.DepositChecking,
    SmallbankOp.TransactSavings,
    SmallbankOp.Amalgamate,
    SmallbankOp.WriteCheck,
    SmallbankOp.SendPayment,
  ),
  from: fc.integer({ min: 0, max: customers.length - 1 }),
  other: fc.integer({ min: 0, max: customers.length - 1 }),
  amount: fc.oneof(fc.bigInt({ min: -300n, max: 600n }), fc.constantFrom(MAX_INT64, MIN_INT64, 0n)),
});

/** The tx of a spec, valid for the stateless rules (amount 0 for Balance and Amalgamate, `other` only where named). */
function txOf(spec: Spec, nonce: number): PreparedTx {
  if (spec.op === "noop") return noopTx(spec.from, nonce);
  const needsOther = spec.op === SmallbankOp.Amalgamate || spec.op === SmallbankOp.SendPayment;
  const zero = spec.op === SmallbankOp.Balance || spec.op === SmallbankOp.Amalgamate;
  return smallbankTx(spec.from, nonce, spec.op, zero ? 0n : spec.amount, needsOther ? spec.other : undefined);
}

const sum = (rs: SmallbankRecord[]) => rs.reduce((n, x) => n + x.checking + x.savings, 0n);

describe("Smallbank execution against a reference model (property)", () => {
  it("ends with the model's records and outcomes; money changes only by deposits, transacts and write-checks", () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { minLength: customers.length, maxLength: customers.length }),
        fc.array(specArb, { maxLength: 60 }),
        (initial, rawSpecs) => {
          const specs = rawSpecs.map((s) =>
            s.op === SmallbankOp.Balance || s.op === SmallbankOp.Amalgamate ? { ...s, amount: 0n } : s,
          );
          const nonces = customers.map(() => 0);
          const txs = specs.map((s) => txOf(s, nonces[s.from]++));
          const base = recordsOf(initial);
          const res = executeTxs(txs, fundedAccounts(1_000n), proposerHex, { skipInvalid: false }, base);
          const expected = model(initial, specs);

          expect(res.applied).toHaveLength(txs.length);
          const statuses = res.outcomes.filter((_, i) => specs[i].op !== "noop").map((o) => o.status);
          expect(statuses).toEqual(expected.statuses);
          const final = customers.map((_, i) => recordAfter(i, base, res.records));
          expect(final).toEqual(expected.final);
          expect(sum(final)).toBe(sum(initial) + expected.created);
          customers.forEach((c, i) => {
            expect(res.changed.get(c.hex)?.nonce ?? 0).toBe(nonces[i]);
            expect(res.changed.get(c.hex)?.balance ?? 1_000n).toBe(1_000n - BigInt(nonces[i]));
          });
          expect(res.fees).toBe(BigInt(txs.length));
        },
      ),
      { numRuns: 300 },
    );
  });
});
