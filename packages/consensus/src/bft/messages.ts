import { BLS_SIGNATURE_LENGTH, ED25519_SIGNATURE_LENGTH, sha256 } from "@vshard/crypto";
import {
  type Block,
  CodecError,
  decodeBlock,
  decodeTuple,
  encodeBlock,
  encodeTuple,
  expectArray,
  expectBytes,
  expectUint,
  headerHash,
} from "@vshard/types";

/** Sub-topics of the shard's channel used by the bft plugin. */
export const BFT_PROPOSAL = "bft/proposal";
export const BFT_VOTE = "bft/vote";

/** The two kinds of votes of a round. */
export const VoteType = { Prevote: 1, Precommit: 2 } as const;
export type VoteType = (typeof VoteType)[keyof typeof VoteType];

/** The chain shard a message is for: signatures name it, so a vote cannot be replayed on another shard. */
export interface BftChain {
  chainId: number;
  shard: number;
}

/** A proposer's block for (height, round); `validRound` is the round it was last seen valid (-1: a new block). */
export interface BftProposal {
  height: number;
  round: number;
  validRound: number;
  block: Block;
  /** ed25519 by the proposer of (height, round) over {@link proposalSignBytes}. */
  signature: Uint8Array;
  /**
   * With a `validRound`, the encoded prevotes of that round for the block (its proof of lock): a node that missed
   * them can still accept the re-proposal. Self-authenticating (BLS), so not covered by the signature.
   */
  polka: Uint8Array[];
}

/** A prevote or precommit; an empty `blockHash` is a vote for nil. */
export interface BftVote {
  type: VoteType;
  height: number;
  round: number;
  blockHash: Uint8Array;
  /** Index of the voter in the committee. */
  voter: number;
  /** BLS by the voter over {@link voteMessage}. */
  signature: Uint8Array;
}

/** Highest round a message may name: far beyond any run, and small enough to stay a msgpack uint32. */
export const MAX_ROUND = 0xffff_ffff;
/** Highest committee index a vote may name. */
export const MAX_VOTER = 0xffff;

/** The bytes a proposer signs: sha256 of the domain, the chain shard and the proposal's fields (block by its hash). */
export function proposalSignBytes(
  chain: BftChain,
  p: Pick<BftProposal, "height" | "round" | "validRound" | "block">,
): Uint8Array {
  return sha256(
    encodeTuple([
      "vshard/bft/proposal/v1",
      chain.chainId,
      chain.shard,
      p.height,
      p.round,
      p.validRound + 1,
      headerHash(p.block.header),
    ]),
  );
}

/** The message a voter signs with BLS; precommits over one block aggregate into its certificate. */
export function voteMessage(
  chain: BftChain,
  type: VoteType,
  height: number,
  round: number,
  blockHash: Uint8Array,
): Uint8Array {
  return encodeTuple(["vshard/bft/vote/v1", chain.chainId, chain.shard, type, height, round, blockHash]);
}

/** Canonical bytes of a proposal: [height, round, validRound + 1, encoded block, signature, [encoded prevotes]]. */
export function encodeProposal(p: BftProposal): Uint8Array {
  return encodeTuple([p.height, p.round, p.validRound + 1, encodeBlock(p.block), p.signature, p.polka]);
}

/** Decodes a proposal; malformed bytes throw `CodecError`. */
export function decodeProposal(bytes: Uint8Array): BftProposal {
  const f = decodeTuple(bytes, 6, "bft proposal");
  const height = expectUint(f[0], "bft proposal.height");
  const round = expectUint(f[1], "bft proposal.round", MAX_ROUND);
  const validRound = expectUint(f[2], "bft proposal.validRound", MAX_ROUND) - 1;
  if (validRound >= round)
    throw new CodecError(
      { code: "CODEC_ERROR_OUT_OF_RANGE", what: "bft proposal.validRound" },
      `bft proposal.validRound: ${validRound} is not below round ${round}`,
    );
  const block = decodeBlock(expectBytes(f[3], "bft proposal.block"));
  const signature = expectBytes(f[4], "bft proposal.signature", ED25519_SIGNATURE_LENGTH);
  const polka = expectArray(f[5], "bft proposal.polka", (v, what) => expectBytes(v, what));
  if (polka.length > MAX_VOTER + 1)
    throw new CodecError(
      { code: "CODEC_ERROR_OUT_OF_RANGE", what: "bft proposal.polka" },
      `bft proposal.polka: ${polka.length} votes, more than any committee`,
    );
  return { height, round, validRound, block, signature, polka };
}

/** Canonical bytes of a vote: [type, height, round, blockHash, voter, signature]. */
export function encodeVote(v: BftVote): Uint8Array {
  return encodeTuple([v.type, v.height, v.round, v.blockHash, v.voter, v.signature]);
}

/** Decodes a vote; malformed bytes throw `CodecError`. */
export function decodeVote(bytes: Uint8Array): BftVote {
  const f = decodeTuple(bytes, 6, "bft vote");
  const type = expectUint(f[0], "bft vote.type", VoteType.Precommit);
  if (type !== VoteType.Prevote && type !== VoteType.Precommit)
    throw new CodecError(
      { code: "CODEC_ERROR_OUT_OF_RANGE", what: "bft vote.type" },
      `bft vote.type: ${type} is neither prevote (1) nor precommit (2)`,
    );
  const blockHash = expectBytes(f[3], "bft vote.blockHash");
  if (blockHash.length !== 0 && blockHash.length !== 32)
    throw new CodecError(
      { code: "CODEC_ERROR_OUT_OF_RANGE", what: "bft vote.blockHash" },
      `bft vote.blockHash: expected 0 (nil) or 32 bytes, got ${blockHash.length}`,
    );
  return {
    type,
    height: expectUint(f[1], "bft vote.height"),
    round: expectUint(f[2], "bft vote.round", MAX_ROUND),
    blockHash,
    voter: expectUint(f[4], "bft vote.voter", MAX_VOTER),
    signature: expectBytes(f[5], "bft vote.signature", BLS_SIGNATURE_LENGTH),
  };
}
