/**
 * Loader of the standard test vectors kept as JSON in `test/vectors/`: each file is
 * `{ "source": "...", "vectors": [ ... ] }`, hex strings for byte strings.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { hexToBytes } from "../src/index.ts";

/** A vector file: where the vectors come from, and the vectors as written. */
export interface VectorFile<T> {
  source: string;
  vectors: T[];
}

/** Reads `test/vectors/<name>.json`; throws if it lacks a `vectors` array. */
export function readVectorFile<T>(name: string): VectorFile<T> {
  const url = new URL(`./vectors/${name}.json`, import.meta.url);
  const parsed = JSON.parse(readFileSync(fileURLToPath(url), "utf8")) as VectorFile<T>;
  if (!Array.isArray(parsed.vectors) || parsed.vectors.length === 0)
    throw new Error(`vector file ${name}.json has no vectors`);
  return parsed;
}

/** Parses the hex fields of a vector into bytes and checks their lengths where one is given. */
function bytesField(vector: Record<string, unknown>, field: string, length?: number): Uint8Array {
  const value = vector[field];
  if (typeof value !== "string") throw new Error(`vector ${String(vector.name)}: ${field} is not a string`);
  const bytes = hexToBytes(value);
  if (length !== undefined && bytes.length !== length)
    throw new Error(`vector ${String(vector.name)}: ${field} is ${bytes.length} bytes, expected ${length}`);
  return bytes;
}

/** One RFC 8032 section 7.1 ed25519 vector. */
export interface Ed25519Vector {
  name: string;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

/** The RFC 8032 section 7.1 ed25519 vectors. */
export function loadEd25519Vectors(): Ed25519Vector[] {
  return readVectorFile<Record<string, unknown>>("ed25519-rfc8032").vectors.map((v) => ({
    name: String(v.name),
    secretKey: bytesField(v, "secretKey", 32),
    publicKey: bytesField(v, "publicKey", 32),
    message: bytesField(v, "message"),
    signature: bytesField(v, "signature", 64),
  }));
}

/** One RFC 9381 Appendix B.3 ECVRF-EDWARDS25519-SHA512-TAI example, intermediates included. */
export interface EcvrfVector {
  name: string;
  sk: Uint8Array;
  pk: Uint8Array;
  alpha: Uint8Array;
  /** The clamped secret scalar, little-endian, before reduction. */
  x: Uint8Array;
  /** The try-and-increment counter at which encode_to_curve succeeded. */
  ctr: number;
  h: Uint8Array;
  /** k_string: the 64-byte nonce hash before reduction mod q. */
  k: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
  pi: Uint8Array;
  beta: Uint8Array;
}

/** The RFC 9381 Appendix B.3 vectors. */
export function loadEcvrfVectors(): EcvrfVector[] {
  return readVectorFile<Record<string, unknown>>("ecvrf-edwards25519-sha512-tai").vectors.map((v) => {
    if (typeof v.ctr !== "number") throw new Error(`vector ${String(v.name)}: ctr is not a number`);
    return {
      name: String(v.name),
      sk: bytesField(v, "sk", 32),
      pk: bytesField(v, "pk", 32),
      alpha: bytesField(v, "alpha"),
      x: bytesField(v, "x", 32),
      ctr: v.ctr,
      h: bytesField(v, "h", 32),
      k: bytesField(v, "k", 64),
      u: bytesField(v, "u", 32),
      v: bytesField(v, "v", 32),
      pi: bytesField(v, "pi", 80),
      beta: bytesField(v, "beta", 64),
    };
  });
}

/** One RFC 6962 inclusion path: the sibling hashes of leaf `index` in the tree of the first `size` leaves. */
export interface MerklePathVector {
  index: number;
  size: number;
  path: Uint8Array[];
}

/** The RFC 6962 (certificate transparency) merkle vectors. */
export interface MerkleVectors {
  leaves: Uint8Array[];
  /** roots[n] is the root of the first n leaves. */
  roots: Uint8Array[];
  leafHash: { data: Uint8Array; hash: Uint8Array };
  nodeHash: { left: Uint8Array; right: Uint8Array; hash: Uint8Array };
  paths: MerklePathVector[];
}

interface MerkleVectorFile extends VectorFile<{ index: number; size: number; path: string[] }> {
  leaves: string[];
  roots: string[];
  hasher: { leaf: { data: string; hash: string }; node: { left: string; right: string; hash: string } };
}

/** The RFC 6962 merkle tree vectors. */
export function loadMerkleVectors(): MerkleVectors {
  const file = readVectorFile<{ index: number; size: number; path: string[] }>(
    "merkle-rfc6962",
  ) as MerkleVectorFile;
  return {
    leaves: file.leaves.map(hexToBytes),
    roots: file.roots.map(hexToBytes),
    leafHash: { data: hexToBytes(file.hasher.leaf.data), hash: hexToBytes(file.hasher.leaf.hash) },
    nodeHash: {
      left: hexToBytes(file.hasher.node.left),
      right: hexToBytes(file.hasher.node.right),
      hash: hexToBytes(file.hasher.node.hash),
    },
    paths: file.vectors.map((v) => ({ index: v.index, size: v.size, path: v.path.map(hexToBytes) })),
  };
}
