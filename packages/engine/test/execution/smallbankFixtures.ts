import { bytesToHex, ed25519KeyPairFromSeed } from "@vshard/crypto";
import {
  addressFromPublicKey,
  decodeSmallbankRecord,
  encodeSmallbankRecord,
  RecordNamespace,
  type SmallbankOp,
  type SmallbankRecord,
  TxKind,
} from "@vshard/types";
import { prepareTx } from "../../src/chain/prepareTx.ts";
import type { AccountMap, PreparedTx } from "../../src/execution/executeTxs.ts";
import type { RecordMap, RecordWrites } from "../../src/execution/recordState.ts";
import { smallbankRecordKey } from "../../src/execution/smallbank.ts";

/** Customers of the Smallbank tests: fixed keys, their addresses and address hexes. */
export const customers = Array.from({ length: 4 }, (_, i) => {
  const keys = ed25519KeyPairFromSeed(new Uint8Array(32).fill(40 + i));
  const address = addressFromPublicKey(keys.publicKey);
  return { keys, address, hex: bytesToHex(address) };
});

/** Receives the fees. */
export const proposerHex = bytesToHex(new Uint8Array(20).fill(0xee));

/** A prepared Smallbank tx of customer `from` (unsigned: execution does not check signatures). */
export function smallbankTx(
  from: number,
  nonce: number,
  op: SmallbankOp,
  amount: bigint,
  other?: number,
  fee = 1n,
): PreparedTx {
  return prepareTx({
    tx: {
      chainId: 1,
      shard: 0,
      kind: TxKind.Smallbank,
      sender: customers[from].keys.publicKey,
      nonce,
      fee,
      payload: other === undefined ? { op, amount } : { op, amount, other: customers[other].address },
    },
    signature: new Uint8Array(64),
  });
}

/** A prepared noop of customer `from`. */
export function noopTx(from: number, nonce: number, fee = 1n): PreparedTx {
  return prepareTx({
    tx: {
      chainId: 1,
      shard: 0,
      kind: TxKind.Noop,
      sender: customers[from].keys.publicKey,
      nonce,
      fee,
      payload: {},
    },
    signature: new Uint8Array(64),
  });
}

/** Every customer funded with `balance` for fees. */
export function fundedAccounts(balance: bigint): AccountMap {
  return new Map(customers.map((c) => [c.hex, { balance, nonce: 0 }]));
}

/** A committed record state holding `records[i]` for customer i (missing: never written). */
export function recordsOf(records: Array<SmallbankRecord | undefined>): RecordMap {
  const out: RecordMap = new Map();
  records.forEach((r, i) => {
    if (r)
      out.set(bytesToHex(smallbankRecordKey(customers[i].address)), {
        namespace: RecordNamespace.Smallbank,
        id: customers[i].address,
        // A plain copy, as storage reads it back (the codec gives a Node Buffer).
        value: Uint8Array.from(encodeSmallbankRecord(r)),
      });
  });
  return out;
}

/** Customer i's record after execution: written, else committed, else zeros. */
export function recordAfter(i: number, base: RecordMap, changed: RecordWrites): SmallbankRecord {
  const key = bytesToHex(smallbankRecordKey(customers[i].address));
  const value = changed.get(key)?.value ?? base.get(key)?.value;
  // Decodes a copy: msgpackr caches a `dataView` property on the array it reads, which toEqual would then see.
  return value ? decodeSmallbankRecord(value.slice()) : { checking: 0n, savings: 0n };
}
