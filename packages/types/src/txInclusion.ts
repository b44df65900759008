import { bytesEqual, type MerkleProof, merkleProof, verifyMerkleProof } from "@vshard/crypto";
import { type Header, headerHash } from "./header.ts";
import { type SignedTx, txHash } from "./tx.ts";

/** Proof that a tx is in a block: its position in the body and the Merkle path to the header's tx root. */
export interface TxInclusionProof {
  header: Header;
  txHash: Uint8Array;
  proof: MerkleProof;
}

/** The inclusion proof of the tx with hash `hash` in a block's body, or null when the body does not hold it. */
export function txInclusionProof(header: Header, txs: SignedTx[], hash: Uint8Array): TxInclusionProof | null {
  const hashes = txs.map((s) => txHash(s.tx));
  const index = hashes.findIndex((h) => bytesEqual(h, hash));
  return index < 0 ? null : { header, txHash: hash, proof: merkleProof(hashes, index) };
}

/**
 * Whether a proof shows its tx in the block whose hash is `blockHash`: the header must hash to it, and the path must
 * lead from the tx hash to the header's tx root. The caller trusts `blockHash` (e.g. it follows the chain's headers).
 */
export function verifyTxInclusion(p: TxInclusionProof, blockHash: Uint8Array): boolean {
  return bytesEqual(headerHash(p.header), blockHash) && verifyMerkleProof(p.header.txRoot, p.txHash, p.proof);
}
