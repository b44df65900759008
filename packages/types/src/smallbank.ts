import { ADDRESS_LENGTH } from "./address.ts";
import {
  decodeTuple,
  encodeTuple,
  expectBytes,
  expectInt64,
  expectTuple,
  expectUint,
  int64ToWire,
} from "./codec.ts";
import { CodecError } from "./errors.ts";

export { RecordNamespace } from "./recordNamespace.ts";

/**
 * The operations of the Smallbank benchmark. Numbers are part of the encoding: a retired number is never reused.
 * The customer is the tx sender; `other` names the second customer of Amalgamate and SendPayment.
 */
export enum SmallbankOp {
  /** Reads savings + checking; changes nothing. */
  Balance = 0,
  /** checking += amount; aborts when amount < 0. */
  DepositChecking = 1,
  /** savings += amount (amount may be negative); aborts when savings would go negative. */
  TransactSavings = 2,
  /** Moves all of the sender's savings and checking into `other`'s checking. */
  Amalgamate = 3,
  /** checking -= amount, and 1 more (overdraft penalty) when savings + checking < amount. */
  WriteCheck = 4,
  /** Moves amount from the sender's checking to `other`'s checking; aborts when checking < amount or amount < 0. */
  SendPayment = 5,
}

/** Highest `SmallbankOp` number. */
const MAX_SMALLBANK_OP = SmallbankOp.SendPayment;

/** The payload of a Smallbank tx: canonical tuple [op, other (empty bytes when absent), amount (int64)]. */
export interface SmallbankPayload {
  op: SmallbankOp;
  /** 20-byte address of the second customer, for Amalgamate and SendPayment only. */
  other?: Uint8Array;
  /** Signed, in the int64 range. */
  amount: bigint;
}

/** A Smallbank customer: both fields are int64; checking may go negative through WriteCheck's overdraft. */
export interface SmallbankRecord {
  checking: bigint;
  savings: bigint;
}

/** The record of a customer never written. */
export const EMPTY_SMALLBANK_RECORD: Readonly<SmallbankRecord> = Object.freeze({ checking: 0n, savings: 0n });

/** The canonical tuple of a Smallbank payload. */
export function smallbankPayloadToTuple(p: SmallbankPayload): unknown[] {
  return [p.op, p.other ?? new Uint8Array(0), int64ToWire(p.amount)];
}

/** Reads a Smallbank payload from its decoded tuple; `other` must be empty or a 20-byte address. */
export function smallbankPayloadFromTuple(value: unknown, what: string): SmallbankPayload {
  const [op, other, amount] = expectTuple(value, 3, what);
  const code = expectUint(op, `${what}.op`);
  if (code > MAX_SMALLBANK_OP)
    throw new CodecError(
      { code: "CODEC_ERROR_OUT_OF_RANGE", what: `${what}.op` },
      `${what}.op: unknown smallbank op ${code}`,
    );
  const otherBytes = expectBytes(other, `${what}.other`);
  if (otherBytes.length !== 0 && otherBytes.length !== ADDRESS_LENGTH)
    throw new CodecError(
      { code: "CODEC_ERROR_OUT_OF_RANGE", what: `${what}.other` },
      `${what}.other: expected 0 or ${ADDRESS_LENGTH} bytes, got ${otherBytes.length}`,
    );
  const payload: SmallbankPayload = { op: code, amount: expectInt64(amount, `${what}.amount`) };
  if (otherBytes.length > 0) payload.other = otherBytes;
  return payload;
}

/** Canonical bytes of a Smallbank record: [checking, savings]. */
export function encodeSmallbankRecord(r: SmallbankRecord): Uint8Array {
  return encodeTuple([int64ToWire(r.checking), int64ToWire(r.savings)]);
}

/** Decodes a Smallbank record; malformed bytes throw `CodecError`. */
export function decodeSmallbankRecord(bytes: Uint8Array): SmallbankRecord {
  const [checking, savings] = decodeTuple(bytes, 2, "smallbankRecord");
  return {
    checking: expectInt64(checking, "smallbankRecord.checking"),
    savings: expectInt64(savings, "smallbankRecord.savings"),
  };
}
