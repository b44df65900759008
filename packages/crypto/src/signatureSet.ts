import { type BlsSignatureSet, blsVerifySignatureSets } from "./bls.ts";
import { ed25519Verify } from "./ed25519.ts";

/**
 * A signature check returned as data (Lodestar's "signature sets"): pure code says what must be
 * verified, the node verifies it, in the calling thread or on the worker pool. For `bls`,
 * `publicKey` may be an aggregate of keys that proved possession.
 */
export type SignatureSet = {
  scheme: "ed25519" | "bls";
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
};

/** What one in-thread verification of a group of sets did, for metrics. */
export interface VerifySetsStats {
  /** BLS batch verifications tried. */
  blsBatches: number;
  /** BLS batches that failed and were re-checked set by set. */
  blsBatchRetries: number;
}

/** The answers for a group of sets, in order, with what it took. */
export interface VerifySetsResult {
  valid: boolean[];
  stats: VerifySetsStats;
}

/**
 * Verifies every set in the calling thread, one answer per set in order: ed25519 through
 * node:crypto, BLS sets together through one batch check with a set-by-set re-check when the batch
 * fails. A malformed set is invalid. Never throws.
 */
export function verifySignatureSetsInThread(sets: SignatureSet[]): VerifySetsResult {
  const valid = new Array<boolean>(sets.length).fill(false);
  const blsSets: BlsSignatureSet[] = [];
  const blsIndexes: number[] = [];
  for (let i = 0; i < sets.length; i++) {
    const set = sets[i];
    if (set === null || typeof set !== "object") continue;
    if (set.scheme === "ed25519") {
      if (set.message instanceof Uint8Array && set.signature instanceof Uint8Array)
        valid[i] =
          set.publicKey instanceof Uint8Array && ed25519Verify(set.signature, set.message, set.publicKey);
    } else if (set.scheme === "bls") {
      blsSets.push(set);
      blsIndexes.push(i);
    }
  }
  const stats: VerifySetsStats = { blsBatches: 0, blsBatchRetries: 0 };
  if (blsSets.length > 0) {
    const outcome = blsVerifySignatureSets(blsSets);
    for (let j = 0; j < blsIndexes.length; j++) valid[blsIndexes[j]] = outcome.valid[j];
    if (outcome.batched) stats.blsBatches++;
    if (outcome.batchFailed) stats.blsBatchRetries++;
  }
  return { valid, stats };
}

const SCHEME_CODES = { ed25519: 1, bls: 2 } as const;
/** Bytes of a packed set's header: scheme (1), then three u32 lengths. */
const SET_HEADER_LENGTH = 13;

function byteLength(value: unknown): number {
  return value instanceof Uint8Array ? value.length : 0;
}

/**
 * Packs sets into one ArrayBuffer to transfer to a worker thread without copying per set:
 * u32 count, then per set: scheme (1 = ed25519, 2 = bls, 0 = unknown), u32 lengths of public key,
 * message and signature, then those bytes. A field that is not a Uint8Array packs as empty, so a
 * malformed set stays malformed (and invalid) on the other side.
 */
export function packSignatureSets(sets: SignatureSet[]): ArrayBuffer {
  let total = 4;
  for (const s of sets)
    total += SET_HEADER_LENGTH + byteLength(s?.publicKey) + byteLength(s?.message) + byteLength(s?.signature);
  const buffer = new ArrayBuffer(total);
  const view = new DataView(buffer);
  const bytes = new Uint8Array(buffer);
  view.setUint32(0, sets.length);
  let offset = 4;
  for (const s of sets) {
    const scheme = s?.scheme;
    view.setUint8(offset, scheme === "ed25519" || scheme === "bls" ? SCHEME_CODES[scheme] : 0);
    const fields = [s?.publicKey, s?.message, s?.signature];
    for (let f = 0; f < 3; f++) view.setUint32(offset + 1 + 4 * f, byteLength(fields[f]));
    offset += SET_HEADER_LENGTH;
    for (const field of fields) {
      if (field instanceof Uint8Array) {
        bytes.set(field, offset);
        offset += field.length;
      }
    }
  }
  return buffer;
}

/**
 * Reads sets packed by {@link packSignatureSets}; the sets' bytes are views into `buffer`.
 * A set packed with an unknown scheme comes back with a scheme that is neither `ed25519` nor `bls`,
 * so it verifies as invalid.
 * Throws `RangeError` when the buffer is truncated.
 */
export function unpackSignatureSets(buffer: ArrayBuffer): SignatureSet[] {
  const view = new DataView(buffer);
  if (buffer.byteLength < 4) throw new RangeError("packed signature sets: truncated count");
  const count = view.getUint32(0);
  const sets: SignatureSet[] = [];
  let offset = 4;
  for (let i = 0; i < count; i++) {
    if (offset + SET_HEADER_LENGTH > buffer.byteLength)
      throw new RangeError(`packed signature sets: truncated header of set ${i}`);
    const code = view.getUint8(offset);
    const lengths = [view.getUint32(offset + 1), view.getUint32(offset + 5), view.getUint32(offset + 9)];
    offset += SET_HEADER_LENGTH;
    const fields: Uint8Array[] = [];
    for (const length of lengths) {
      if (offset + length > buffer.byteLength)
        throw new RangeError(`packed signature sets: truncated bytes of set ${i}`);
      fields.push(new Uint8Array(buffer, offset, length));
      offset += length;
    }
    const scheme = code === 1 ? "ed25519" : code === 2 ? "bls" : ("unknown" as SignatureSet["scheme"]);
    sets.push({ scheme, publicKey: fields[0], message: fields[1], signature: fields[2] });
  }
  return sets;
}
