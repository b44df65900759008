import { bytesToHex, sha256 } from "@vshard/crypto";
import { RecordNamespace, type RecordRef } from "@vshard/types";

const SMALLBANK_DOMAIN = new TextEncoder().encode("smallbank");
const RECORD_DOMAIN = new TextEncoder().encode("vshard/record/");

/**
 * State-tree key of a record. Smallbank customers keep the key they always had, sha256(utf8("smallbank") ||
 * address); every other namespace is sha256(utf8("vshard/record/") || u8(namespace) || id). Both domains are apart
 * from account keys sha256(address) and from each other (the prefixes differ from the first byte on).
 */
export function recordStateKey(namespace: RecordNamespace, id: Uint8Array): Uint8Array {
  if (namespace === RecordNamespace.Smallbank) return sha256(SMALLBANK_DOMAIN, id);
  return sha256(RECORD_DOMAIN, Uint8Array.of(namespace), id);
}

/** Hex of a record's state-tree key: how record maps key their entries. */
export function recordKeyHex(ref: RecordRef): string {
  return bytesToHex(recordStateKey(ref.namespace, ref.id));
}

/** State-tree value hash of a record: sha256 of its value bytes (for Smallbank, of `encodeSmallbankRecord`). */
export function recordValueHashOf(value: Uint8Array): Uint8Array {
  return sha256(value);
}
