import { blsVerify, bytesToHex, ed25519Verify, sha256 } from "@vshard/crypto";
import type { Committee } from "@vshard/engine";
import { headerHash } from "@vshard/types";
import {
  BFT_PROPOSAL,
  BFT_VOTE,
  type BftChain,
  type BftProposal,
  type BftVote,
  decodeProposal,
  decodeVote,
  proposalSignBytes,
  voteMessage,
} from "./messages.ts";

/**
 * Votes whose BLS signature this process has verified, by sha256(key || message || signature). In-process clusters
 * (the simulator, the in-process devnet) deliver every vote to every node: verifying it once per process instead of
 * once per node makes a 7-node simulation ~7× cheaper; a node in a process of its own is unaffected. 65,536 entries
 * (~6 MB) hold minutes of votes of a large committee; only valid signatures are remembered, the oldest go first.
 */
const VERIFIED_VOTES_LIMIT = 65_536;
const verifiedVotes = new Set<string>();

function verifyVoteOnce(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const id = bytesToHex(sha256(publicKey, message, signature));
  if (verifiedVotes.has(id)) return true;
  if (!blsVerify(publicKey, message, signature)) return false;
  if (verifiedVotes.size >= VERIFIED_VOTES_LIMIT)
    verifiedVotes.delete(verifiedVotes.values().next().value as string);
  verifiedVotes.add(id);
  return true;
}

/** A decoded bft message with the committee member that signed it and the block hash (hex; "" for nil) it is about. */
export type BftMessage =
  | { kind: "proposal"; height: number; round: number; signer: number; hash: string; proposal: BftProposal }
  | { kind: "vote"; height: number; round: number; signer: number; hash: string; vote: BftVote };

/**
 * Decodes bft messages and checks their signatures against the committee, remembering by height what it verified so
 * that a message delivered twice is verified once (a BLS verify costs ~1 ms, a lookup nothing).
 */
export class MessageCheck {
  private readonly verified = new Map<number, Set<string>>();

  constructor(
    private readonly committee: Committee,
    private readonly chain: BftChain,
  ) {}

  /**
   * The message in `data` of channel kind `kind`; `malformed` if the bytes decode as no bft message; null if it names
   * no member of this committee (an honest node a committee ahead, at an epoch change, may send such).
   */
  decode(kind: string, data: Uint8Array): BftMessage | "malformed" | null {
    const n = this.committee.members.length;
    try {
      if (kind === BFT_PROPOSAL) {
        const proposal = decodeProposal(data);
        const { height, round } = proposal;
        const hash = bytesToHex(headerHash(proposal.block.header));
        return { kind: "proposal", height, round, signer: (height + round) % n, hash, proposal };
      }
      if (kind === BFT_VOTE) {
        const vote = decodeVote(data);
        if (vote.voter >= n) return null;
        const { height, round } = vote;
        return { kind: "vote", height, round, signer: vote.voter, hash: bytesToHex(vote.blockHash), vote };
      }
    } catch {
      return "malformed";
    }
    return null;
  }

  /** Whether this exact message was verified already. */
  seen(m: BftMessage): boolean {
    return this.verified.get(m.height)?.has(this.keyOf(m)) ?? false;
  }

  /** Checks the signature of a message. */
  verify(m: BftMessage): boolean {
    const member = this.committee.members[m.signer];
    let ok: boolean;
    if (m.kind === "proposal") {
      ok = ed25519Verify(m.proposal.signature, proposalSignBytes(this.chain, m.proposal), member.publicKey);
    } else {
      const { vote } = m;
      const message = voteMessage(this.chain, vote.type, vote.height, vote.round, vote.blockHash);
      ok = member.blsPublicKey !== undefined && verifyVoteOnce(member.blsPublicKey, message, vote.signature);
    }
    return ok;
  }

  /** Remembers a verified message that was kept, so that a copy of it is dropped unverified. */
  remember(m: BftMessage): void {
    let keys = this.verified.get(m.height);
    if (!keys) {
      keys = new Set();
      this.verified.set(m.height, keys);
    }
    keys.add(this.keyOf(m));
  }

  /** Forgets the messages of heights below `height`. */
  prune(height: number): void {
    for (const h of [...this.verified.keys()]) if (h < height) this.verified.delete(h);
  }

  private keyOf(m: BftMessage): string {
    const type = m.kind === "vote" ? m.vote.type : 0;
    return `${m.kind}/${type}/${m.round}/${m.signer}/${m.hash}`;
  }
}
