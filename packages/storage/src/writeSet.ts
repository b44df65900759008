import type { RecordNamespace, RecordRef } from "@vshard/types";
import { decodeTuple, encodeTuple, expectArray, expectBytes, expectTuple, expectUint } from "@vshard/types";

/**
 * The state keys one block wrote: the addresses of the accounts and the (namespace, id) of the records it changed.
 * Stored with every block, so that a restart can rebuild the state tree from the last checkpoint by reading exactly
 * what changed since, whatever the txs were (a record id that execution derived from the state, e.g. a new chain's,
 * cannot be told from the txs alone).
 */
export interface WriteSet {
  accounts: Uint8Array[];
  records: RecordRef[];
}

/** Canonical encoding: [[address…], [[namespace, id]…]]. */
export function encodeWriteSet(w: WriteSet): Uint8Array {
  return encodeTuple([w.accounts, w.records.map((r) => [r.namespace, r.id])]);
}

/** Decodes a stored write set; malformed bytes are a `CodecError`. */
export function decodeWriteSet(bytes: Uint8Array): WriteSet {
  const [accounts, records] = decodeTuple(bytes, 2, "write set");
  return {
    accounts: expectArray(accounts, "write set accounts", (v, what) => expectBytes(v, what)),
    records: expectArray(records, "write set records", (v, what) => {
      const [namespace, id] = expectTuple(v, 2, what);
      return {
        namespace: expectUint(namespace, `${what}.namespace`, 255) as RecordNamespace,
        id: expectBytes(id, `${what}.id`),
      };
    }),
  };
}
