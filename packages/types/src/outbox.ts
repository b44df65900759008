import {
  bytesEqual,
  concatBytes,
  EMPTY_MERKLE_ROOT,
  type MerkleProof,
  merkleProof,
  merkleProofs,
  merkleRoot,
  merkleRootFromProof,
  sha256,
  u64be,
} from "@vshard/crypto";
import { encodeReceipt, type Receipt } from "./receipt.ts";

/** Domain of the outbox root: keeps it apart from every other hash of a header. */
const OUTBOX_DOMAIN = new TextEncoder().encode("vshard/outbox");

/**
 * The header's receipt (outbox) root of a block's receipts, in outbox order: sha256(domain ‖ u64be(count) ‖ merkle
 * root of the encoded receipts), and `EMPTY_MERKLE_ROOT` for an empty outbox (what headers carry today). The count is
 * bound into the root because an RFC 6962 merkle proof alone also verifies against a tree of another size with the
 * same path: a receipt proof must say how many receipts the block has, and the root must commit to it.
 */
export function outboxRoot(receipts: readonly Receipt[]): Uint8Array {
  if (receipts.length === 0) return EMPTY_MERKLE_ROOT;
  return outboxRootOf(receipts.length, merkleRoot(receipts.map(encodeReceipt)));
}

function outboxRootOf(count: number, treeRoot: Uint8Array): Uint8Array {
  return sha256(concatBytes(OUTBOX_DOMAIN, u64be(count), treeRoot));
}

/** Proof that a receipt is entry `proof.index` of an outbox of `proof.leafCount` receipts. */
export type ReceiptProof = MerkleProof;

/** The proof of receipt `index` of an outbox; throws `RangeError` for an index outside it. */
export function receiptProof(receipts: readonly Receipt[], index: number): ReceiptProof {
  return merkleProof(receipts.map(encodeReceipt), index);
}

/** The proof of every receipt of an outbox, in order (one tree walk: what serving a whole outbox needs). */
export function receiptProofs(receipts: readonly Receipt[]): ReceiptProof[] {
  return merkleProofs(receipts.map(encodeReceipt));
}

/**
 * Whether `receipt` is entry `proof.index` of the outbox whose root is `root` (a header's `receiptRoot`), that outbox
 * holding exactly `proof.leafCount` receipts. Never throws: malformed proofs and receipts are false.
 */
export function verifyReceiptProof(root: Uint8Array, receipt: Receipt, proof: ReceiptProof): boolean {
  let leaf: Uint8Array;
  try {
    leaf = encodeReceipt(receipt);
  } catch {
    return false;
  }
  const treeRoot = merkleRootFromProof(leaf, proof);
  return (
    treeRoot !== null &&
    root instanceof Uint8Array &&
    bytesEqual(outboxRootOf(proof.leafCount, treeRoot), root)
  );
}
