import { bytesToHex, HASH_LENGTH, sha256 } from "@vshard/crypto";
import { StateError } from "./stateError.ts";

/**
 * Node encoding of the sparse merkle tree. A node's bytes are exactly the preimage of its hash, so a node is
 * stored under sha256(its bytes) and a reader's answer can be checked against the address it was asked for:
 * - leaf:     0x00 || key (32) || valueHash (32)   → hash = sha256(0x00 || key || valueHash)
 * - internal: 0x01 || left (32) || right (32)      → hash = sha256(0x01 || left || right)
 * The empty subtree is the 32 zero bytes and is never stored.
 */
export const STATE_LEAF_TAG = 0x00;
/** Tag byte of an internal node. */
export const STATE_INTERNAL_TAG = 0x01;
/** Every encoded node is one tag byte and two 32-byte fields. */
export const STATE_NODE_LENGTH = 1 + 2 * HASH_LENGTH;
/** Number of bits in a state key: keys are sha256 digests. */
export const STATE_KEY_BITS = 256;

/** Root of the empty tree (and hash of any empty subtree): 32 zero bytes. Do not mutate. */
export const EMPTY_STATE_ROOT: Uint8Array = new Uint8Array(HASH_LENGTH);

/** A leaf's content. */
export interface StateLeaf {
  key: Uint8Array;
  valueHash: Uint8Array;
}

/** A decoded node. */
export type StateNode =
  | { kind: "leaf"; key: Uint8Array; valueHash: Uint8Array }
  | { kind: "internal"; left: Uint8Array; right: Uint8Array };

function encodeNode(tag: number, a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(STATE_NODE_LENGTH);
  out[0] = tag;
  out.set(a, 1);
  out.set(b, 1 + HASH_LENGTH);
  return out;
}

/** Canonical bytes of a leaf. */
export function encodeStateLeaf(key: Uint8Array, valueHash: Uint8Array): Uint8Array {
  return encodeNode(STATE_LEAF_TAG, key, valueHash);
}

/** Canonical bytes of an internal node. */
export function encodeStateInternal(left: Uint8Array, right: Uint8Array): Uint8Array {
  return encodeNode(STATE_INTERNAL_TAG, left, right);
}

/** Hash of a leaf: sha256(0x00 || key || valueHash). */
export function stateLeafHash(key: Uint8Array, valueHash: Uint8Array): Uint8Array {
  return sha256(encodeStateLeaf(key, valueHash));
}

/** Hash of an internal node: sha256(0x01 || left || right). */
export function stateInternalHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(encodeStateInternal(left, right));
}

/** Whether `hash` is the empty subtree (32 zero bytes). */
export function isEmptyStateHash(hash: Uint8Array): boolean {
  for (let i = 0; i < hash.length; i++) if (hash[i] !== 0) return false;
  return hash.length === HASH_LENGTH;
}

/** Bit `index` of `key`, most significant bit of byte 0 first: 0 goes left, 1 goes right. */
export function keyBit(key: Uint8Array, index: number): number {
  return (key[index >> 3] >> (7 - (index & 7))) & 1;
}

/** Whether `a` and `b` agree on their first `bits` bits. */
export function sharesPrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a[whole] & mask) === (b[whole] & mask);
}

function corrupt(hash: Uint8Array, message: string): never {
  const hashHex = bytesToHex(hash);
  throw new StateError({ code: "STATE_ERROR_CORRUPT_NODE", hashHex }, `state node ${hashHex}: ${message}`);
}

/**
 * Decodes the bytes a reader returned for `hash`. Throws `StateError` STATE_ERROR_CORRUPT_NODE when they are
 * not one well-formed node or do not hash to `hash`.
 */
export function decodeStateNode(hash: Uint8Array, bytes: Uint8Array): StateNode {
  if (!(bytes instanceof Uint8Array)) corrupt(hash, "reader returned something other than bytes");
  if (bytes.length !== STATE_NODE_LENGTH)
    corrupt(hash, `expected ${STATE_NODE_LENGTH} bytes, got ${bytes.length}`);
  const tag = bytes[0];
  if (tag !== STATE_LEAF_TAG && tag !== STATE_INTERNAL_TAG)
    corrupt(hash, `unknown tag 0x${tag.toString(16)}`);
  const digest = sha256(bytes);
  for (let i = 0; i < HASH_LENGTH; i++)
    if (digest[i] !== hash[i]) corrupt(hash, "bytes do not hash to the node's address");
  const a = bytes.slice(1, 1 + HASH_LENGTH);
  const b = bytes.slice(1 + HASH_LENGTH);
  if (tag === STATE_LEAF_TAG) return { kind: "leaf", key: a, valueHash: b };
  if (isEmptyStateHash(a) && isEmptyStateHash(b)) corrupt(hash, "internal node with two empty children");
  return { kind: "internal", left: a, right: b };
}
