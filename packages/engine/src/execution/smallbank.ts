import { bytesEqual } from "@vshard/crypto";
import {
  decodeSmallbankRecord,
  EMPTY_SMALLBANK_RECORD,
  encodeSmallbankRecord,
  MAX_INT64,
  MIN_INT64,
  RecordNamespace,
  type RecordRef,
  SmallbankOp,
  type SmallbankPayload,
  type SmallbankRecord,
} from "@vshard/types";
import type { RecordState } from "./recordState.ts";
import { recordStateKey } from "./recordStateKey.ts";

/** What an applied tx did: `ok`, or `aborted` (included, fee charged, nonce consumed, no record change). */
export type TxOutcome = { status: "ok" } | { status: "aborted"; reason: string };

/** The outcome of every tx that is not aborted. */
export const TX_OK: TxOutcome = Object.freeze({ status: "ok" });

/** State-tree key of a customer's record: sha256(utf8("smallbank") || address), apart from account keys sha256(address). */
export function smallbankRecordKey(address: Uint8Array): Uint8Array {
  return recordStateKey(RecordNamespace.Smallbank, address);
}

/** The Smallbank records a Smallbank tx of `sender` may read: the customer's and the second customer's. */
export function smallbankRecordsTouched(p: SmallbankPayload, sender: Uint8Array): RecordRef[] {
  const refs: RecordRef[] = [{ namespace: RecordNamespace.Smallbank, id: sender }];
  if (p.other) refs.push({ namespace: RecordNamespace.Smallbank, id: p.other });
  return refs;
}

/** A customer's current record, decoded from the generic record state; a record never written reads as zeros. */
export function readSmallbankRecord(state: RecordState, address: Uint8Array): SmallbankRecord {
  const bytes = state.read(RecordNamespace.Smallbank, address);
  return bytes === null ? { ...EMPTY_SMALLBANK_RECORD } : decodeSmallbankRecord(bytes);
}

/** Sets a customer's record in the generic record state, as its canonical encoding. */
export function writeSmallbankRecord(state: RecordState, address: Uint8Array, record: SmallbankRecord): void {
  state.write(RecordNamespace.Smallbank, address, encodeSmallbankRecord(record));
}

/** Which ops name a second customer in `other`. */
export function smallbankOpNeedsOther(op: SmallbankOp): boolean {
  return op === SmallbankOp.Amalgamate || op === SmallbankOp.SendPayment;
}

/** What is wrong with a Smallbank payload before any state is read, or null when nothing is. */
export function smallbankPayloadProblem(p: SmallbankPayload): string | null {
  const name = SmallbankOp[p.op];
  if (name === undefined) return `unknown smallbank op ${p.op}`;
  if (smallbankOpNeedsOther(p.op) && p.other === undefined)
    return `smallbank ${name} needs payload.other (the second customer)`;
  if (!smallbankOpNeedsOther(p.op) && p.other !== undefined)
    return `smallbank ${name} takes no payload.other`;
  if ((p.op === SmallbankOp.Balance || p.op === SmallbankOp.Amalgamate) && p.amount !== 0n)
    return `smallbank ${name} needs amount 0, got ${p.amount}`;
  if (p.amount < MIN_INT64 || p.amount > MAX_INT64) return `amount ${p.amount} is outside -2^63..2^63-1`;
  return null;
}

const aborted = (reason: string): TxOutcome => ({ status: "aborted", reason });
const inInt64 = (v: bigint): boolean => v >= MIN_INT64 && v <= MAX_INT64;

/** Writes every record of `writes` in order, or none of them when a value would leave the int64 range. */
function writeAll(state: RecordState, writes: Array<[Uint8Array, SmallbankRecord]>): TxOutcome {
  for (const [, r] of writes)
    if (!inInt64(r.checking) || !inInt64(r.savings)) return aborted("int64 overflow");
  for (const [address, r] of writes) writeSmallbankRecord(state, address, r);
  return TX_OK;
}

/**
 * Applies one Smallbank op of customer `c` (the sender) to the record state (pure apart from `state`). An abort
 * changes no record. With c2 = payload.other and v = payload.amount:
 * Balance: no change. DepositChecking: aborts if v < 0, else checking += v. TransactSavings: aborts if
 * savings + v < 0, else savings += v. Amalgamate: all of c's savings and checking go to c2's checking.
 * WriteCheck: checking -= v, or v + 1 when savings + checking < v. SendPayment: aborts if v < 0 or checking < v,
 * else v moves from c's checking to c2's. Any value leaving the int64 range aborts.
 */
export function applySmallbank(p: SmallbankPayload, c: Uint8Array, state: RecordState): TxOutcome {
  const v = p.amount;
  const a = readSmallbankRecord(state, c);
  switch (p.op) {
    case SmallbankOp.Balance:
      return TX_OK;
    case SmallbankOp.DepositChecking:
      if (v < 0n) return aborted("negative amount");
      return writeAll(state, [[c, { checking: a.checking + v, savings: a.savings }]]);
    case SmallbankOp.TransactSavings:
      if (a.savings + v < 0n) return aborted("insufficient savings");
      return writeAll(state, [[c, { checking: a.checking, savings: a.savings + v }]]);
    case SmallbankOp.Amalgamate: {
      const c2 = p.other as Uint8Array;
      const emptied = { checking: 0n, savings: 0n };
      const b = bytesEqual(c, c2) ? emptied : readSmallbankRecord(state, c2);
      const total = a.savings + a.checking;
      return writeAll(state, [
        [c, emptied],
        [c2, { checking: b.checking + total, savings: b.savings }],
      ]);
    }
    case SmallbankOp.WriteCheck: {
      const debit = a.savings + a.checking < v ? v + 1n : v;
      return writeAll(state, [[c, { checking: a.checking - debit, savings: a.savings }]]);
    }
    case SmallbankOp.SendPayment: {
      if (v < 0n) return aborted("negative amount");
      if (a.checking < v) return aborted("insufficient checking");
      const c2 = p.other as Uint8Array;
      const after = { checking: a.checking - v, savings: a.savings };
      const b = bytesEqual(c, c2) ? after : readSmallbankRecord(state, c2);
      return writeAll(state, [
        [c, after],
        [c2, { checking: b.checking + v, savings: b.savings }],
      ]);
    }
  }
}
