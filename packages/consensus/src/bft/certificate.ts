import { BLS_SIGNATURE_LENGTH, blsAggregateSignatures, blsFastAggregateVerify } from "@vshard/crypto";
import type { Committee } from "@vshard/engine";
import {
  CodecError,
  decodeTuple,
  encodeTuple,
  expectBytes,
  expectUint,
  type Header,
  headerHash,
} from "@vshard/types";
import { type BftChain, MAX_ROUND, VoteType, voteMessage } from "./messages.ts";
import { quorumWeight } from "./voteSet.ts";

/**
 * A bft quorum certificate: the round of the precommits, which members signed (bit i of the bitmap, least significant
 * bit first in byte i >> 3, is member i) and the BLS aggregate of their precommit signatures.
 */
export interface BftCertificate {
  round: number;
  signers: Uint8Array;
  signature: Uint8Array;
}

/** Bytes of a signer bitmap over a committee of `size`. */
export function signerBitmapLength(size: number): number {
  return Math.ceil(size / 8);
}

/** The bitmap of `indexes` over a committee of `size`. */
export function signerBitmap(size: number, indexes: number[]): Uint8Array {
  const bitmap = new Uint8Array(signerBitmapLength(size));
  for (const i of indexes) bitmap[i >> 3] |= 1 << (i & 7);
  return bitmap;
}

/** The member indexes set in a bitmap, ascending. */
export function signersOf(bitmap: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < bitmap.length * 8; i++) if (bitmap[i >> 3] & (1 << (i & 7))) out.push(i);
  return out;
}

/** Canonical bytes of a certificate: [round, signer bitmap, aggregate signature]. */
export function encodeBftCertificate(c: BftCertificate): Uint8Array {
  return encodeTuple([c.round, c.signers, c.signature]);
}

/** Decodes a certificate; malformed bytes throw `CodecError`. */
export function decodeBftCertificate(bytes: Uint8Array): BftCertificate {
  const [round, signers, signature] = decodeTuple(bytes, 3, "bft certificate");
  return {
    round: expectUint(round, "bft certificate.round", MAX_ROUND),
    signers: expectBytes(signers, "bft certificate.signers"),
    signature: expectBytes(signature, "bft certificate.signature", BLS_SIGNATURE_LENGTH),
  };
}

/** A certificate from precommit signatures of `votes` (member index and signature) in `round`. */
export function makeBftCertificate(
  committeeSize: number,
  round: number,
  votes: Array<{ voter: number; signature: Uint8Array }>,
): Uint8Array {
  if (votes.length === 0)
    throw new CodecError({ code: "CODEC_ERROR_WRONG_SHAPE", what: "bft certificate" }, "no precommits");
  return encodeBftCertificate({
    round,
    signers: signerBitmap(
      committeeSize,
      votes.map((v) => v.voter),
    ),
    signature: blsAggregateSignatures(votes.map((v) => v.signature)),
  });
}

/**
 * Whether `header.certificate` proves that a quorum of `committee` precommitted this header in some round: the signers'
 * weight reaches the quorum and the aggregate verifies against their BLS keys. Never throws; false for garbage.
 */
export function verifyBftCertificate(committee: Committee, chain: BftChain, header: Header): boolean {
  try {
    return checkCertificate(committee, chain, header);
  } catch {
    return false;
  }
}

function checkCertificate(committee: Committee, chain: BftChain, header: Header): boolean {
  const cert = decodeBftCertificate(header.certificate);
  const { members } = committee;
  if (cert.signers.length !== signerBitmapLength(members.length)) return false;
  const signers = signersOf(cert.signers);
  if (signers.length === 0 || signers[signers.length - 1] >= members.length) return false;
  const keys: Uint8Array[] = [];
  let weight = 0;
  for (const i of signers) {
    const key = members[i].blsPublicKey;
    if (!key) return false;
    keys.push(key);
    weight += members[i].weight;
  }
  const total = members.reduce((a, m) => a + m.weight, 0);
  if (weight < quorumWeight(total)) return false;
  const message = voteMessage(chain, VoteType.Precommit, header.height, cert.round, headerHash(header));
  return blsFastAggregateVerify(keys, message, cert.signature);
}
