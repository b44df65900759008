import type { RecordEntry, RecordNamespace, RecordRef } from "@vshard/types";
import { recordKeyHex } from "./recordStateKey.ts";

/** A record as read from committed state: its value, or null when it was never written. */
export interface LoadedRecord extends RecordRef {
  value: Uint8Array | null;
}

/** A plain Uint8Array over the same bytes (a new object: no Buffer prototype, no properties cached on it). */
function plainView(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Records by state-key hex (`recordKeyHex`): the part of the record state a block reads. */
export type RecordMap = Map<string, LoadedRecord>;

/** Records written, by state-key hex, with their final values. */
export type RecordWrites = Map<string, RecordEntry>;

/**
 * Reads records over a committed base and keeps what execution writes; the base is never mutated. The base must
 * hold every record the txs may read (`touchedRecords`), absent ones as null or left out: a record in neither the
 * base nor the writes reads as absent.
 */
export class RecordState {
  /** Every record written, by state-key hex, with its final value. */
  readonly changed: RecordWrites = new Map();

  constructor(private readonly base: RecordMap) {}

  /**
   * A record's current value, or null when it was never written. The bytes are a fresh view (not the stored array
   * object), since decoders may cache on the array they read (msgpackr adds a `dataView` property); callers must not
   * write into them.
   */
  read(namespace: RecordNamespace, id: Uint8Array): Uint8Array | null {
    const hex = recordKeyHex({ namespace, id });
    const value = (this.changed.get(hex) ?? this.base.get(hex))?.value;
    return value ? plainView(value) : null;
  }

  /**
   * Sets a record's value (kept in `changed`). The value is kept as a plain Uint8Array view of the bytes given (a
   * codec may hand a Node Buffer), so that written values compare equal to the plain bytes storage reads back.
   */
  write(namespace: RecordNamespace, id: Uint8Array, value: Uint8Array): void {
    this.changed.set(recordKeyHex({ namespace, id }), { namespace, id, value: plainView(value) });
  }
}
