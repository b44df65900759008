import { bytesEqual, bytesToHex, HASH_LENGTH, hexToBytes } from "@vshard/crypto";
import { StateError } from "./stateError.ts";
import {
  EMPTY_STATE_ROOT,
  keyBit,
  STATE_KEY_BITS,
  type StateLeaf,
  sharesPrefix,
  stateInternalHash,
  stateLeafHash,
} from "./stateNode.ts";

/**
 * Proof that `key` holds a value (inclusion) or holds none (non-inclusion) under a state root.
 * `siblings` run from the root down: `siblings[i]` is the hash of the subtree beside the path at depth i + 1 (the
 * child of the depth-i node on the other side of bit i of `key`). The path ends at depth `siblings.length` on:
 * - the leaf of `key` itself (inclusion: `leaf.key` equals `key`);
 * - the leaf of another key that shares the first `siblings.length` bits with `key` (non-inclusion);
 * - an empty subtree (`leaf` null, non-inclusion).
 */
export interface StateProof {
  key: Uint8Array;
  leaf: StateLeaf | null;
  siblings: Uint8Array[];
}

/** The JSON form of a proof, as the HTTP API serves it: lower-case hex strings, same field meanings. */
export interface StateProofJson {
  key: string;
  leaf: { key: string; valueHash: string } | null;
  siblings: string[];
}

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_LENGTH;
}

/**
 * Checks `proof` against `root`: with a `valueHash`, that `key` holds exactly that value; with null, that `key` is
 * absent. Pure; never throws (anything malformed is simply `false`).
 */
export function verifyStateProof(
  root: Uint8Array,
  key: Uint8Array,
  valueHash: Uint8Array | null,
  proof: StateProof,
): boolean {
  try {
    if (!isHash(root) || !isHash(key) || (valueHash !== null && !isHash(valueHash))) return false;
    if (typeof proof !== "object" || proof === null) return false;
    const { leaf, siblings } = proof;
    if (!isHash(proof.key) || !bytesEqual(proof.key, key)) return false;
    if (!Array.isArray(siblings) || siblings.length > STATE_KEY_BITS) return false;
    if (!siblings.every(isHash)) return false;
    if (leaf !== null && (typeof leaf !== "object" || !isHash(leaf.key) || !isHash(leaf.valueHash)))
      return false;
    const depth = siblings.length;
    let hash: Uint8Array;
    if (valueHash !== null) {
      if (leaf === null || !bytesEqual(leaf.key, key) || !bytesEqual(leaf.valueHash, valueHash)) return false;
      hash = stateLeafHash(leaf.key, leaf.valueHash);
    } else if (leaf === null) {
      hash = EMPTY_STATE_ROOT;
    } else {
      // Another key's leaf proves absence only where it sits on this key's path.
      if (bytesEqual(leaf.key, key) || !sharesPrefix(leaf.key, key, depth)) return false;
      hash = stateLeafHash(leaf.key, leaf.valueHash);
    }
    for (let i = depth - 1; i >= 0; i--) {
      hash =
        keyBit(key, i) === 1 ? stateInternalHash(siblings[i], hash) : stateInternalHash(hash, siblings[i]);
    }
    return bytesEqual(hash, root);
  } catch {
    return false;
  }
}

/** The JSON form of a proof. */
export function stateProofToJson(proof: StateProof): StateProofJson {
  return {
    key: bytesToHex(proof.key),
    leaf:
      proof.leaf === null
        ? null
        : { key: bytesToHex(proof.leaf.key), valueHash: bytesToHex(proof.leaf.valueHash) },
    siblings: proof.siblings.map(bytesToHex),
  };
}

const HASH_HEX = /^[0-9a-fA-F]{64}$/;

function hashFromJson(value: unknown, what: string): Uint8Array {
  if (typeof value !== "string" || !HASH_HEX.test(value))
    throw new StateError({ code: "STATE_ERROR_BAD_PROOF" }, `${what}: expected 64 hex digits`);
  return hexToBytes(value);
}

/** Reads a proof from its JSON form; throws `StateError` STATE_ERROR_BAD_PROOF naming the field at fault. */
export function stateProofFromJson(json: unknown): StateProof {
  const bad = (message: string): never => {
    throw new StateError({ code: "STATE_ERROR_BAD_PROOF" }, message);
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) bad("proof: expected an object");
  const o = json as Record<string, unknown>;
  const key = hashFromJson(o.key, "proof.key");
  let leaf: StateLeaf | null = null;
  if (o.leaf !== null) {
    if (typeof o.leaf !== "object" || o.leaf === undefined || Array.isArray(o.leaf))
      bad("proof.leaf: expected an object or null");
    const l = o.leaf as Record<string, unknown>;
    leaf = {
      key: hashFromJson(l.key, "proof.leaf.key"),
      valueHash: hashFromJson(l.valueHash, "proof.leaf.valueHash"),
    };
  }
  if (!Array.isArray(o.siblings)) bad("proof.siblings: expected an array");
  const siblings = o.siblings as unknown[];
  if (siblings.length > STATE_KEY_BITS)
    bad(`proof.siblings: ${siblings.length} entries, at most ${STATE_KEY_BITS}`);
  return { key, leaf, siblings: siblings.map((s, i) => hashFromJson(s, `proof.siblings[${i}]`)) };
}
