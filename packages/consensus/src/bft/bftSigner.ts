import {
  blsSign,
  bytesToHex,
  createEd25519Signer,
  type Ed25519Signer,
  hexToBytes,
  sha256,
} from "@vshard/crypto";
import { type Block, encodeTuple } from "@vshard/types";
import {
  type BftChain,
  type BftVote,
  encodeProposal,
  proposalSignBytes,
  type VoteType,
  voteMessage,
} from "./messages.ts";

/** A committee member's signing side: its proposals (ed25519 through node:crypto) and votes (BLS). */
export class BftSigner {
  private readonly ed25519: Ed25519Signer;

  constructor(
    private readonly chain: BftChain,
    private readonly keys: { ed25519SecretKey: Uint8Array; blsSecretKey: Uint8Array; index: number },
  ) {
    this.ed25519 = createEd25519Signer(keys.ed25519SecretKey);
  }

  /** The encoded, signed proposal of `block` for (height, round), with the prevotes that justify `validRound`. */
  proposal(height: number, round: number, validRound: number, block: Block, polka: Uint8Array[]): Uint8Array {
    const fields = { height, round, validRound, block };
    const signature = this.ed25519.sign(proposalSignBytes(this.chain, fields));
    return encodeProposal({ ...fields, signature, polka });
  }

  /** A signed vote for the block `hash` (hex; "" for nil). */
  vote(type: VoteType, height: number, round: number, hash: string): BftVote {
    const blockHash = hexToBytes(hash);
    const signature = blsSign(
      this.keys.blsSecretKey,
      voteMessage(this.chain, type, height, round, blockHash),
    );
    return { type, height, round, blockHash, voter: this.keys.index, signature };
  }
}

/** A made-up block hash for an equivocating vote: differs from `hash`, the same on every run. */
export function equivocalHash(height: number, round: number, type: VoteType, hash: string): string {
  return bytesToHex(sha256(encodeTuple(["vshard/bft/equivocate", height, round, type, hash])));
}
