import { bytesEqual, ed25519Verify } from "@vshard/crypto";
import type { Committee } from "@vshard/engine";
import { type Header, headerHash } from "@vshard/types";
import { verifyBftCertificate } from "./bft/certificate.ts";

/** Checks a header's certificate against the committee that decided it, without a running plugin. Never throws. */
export type CertificateVerifier = (
  committee: Committee,
  chain: { chainId: number; shard: number },
  header: Header,
) => boolean;

function signedByMember(committee: Committee, header: Header, only?: Uint8Array): boolean {
  if (only && !bytesEqual(header.proposer, only)) return false;
  if (!committee.members.some((m) => bytesEqual(m.publicKey, header.proposer))) return false;
  try {
    return ed25519Verify(header.certificate, headerHash(header), header.proposer);
  } catch {
    return false;
  }
}

/**
 * The certificate check of each plugin, for whoever holds only a header and the committee (the main chain anchoring
 * shard headers): `bft` — a quorum's BLS aggregate precommit; `solo` — the authority's (first member's) ed25519
 * signature; `dpos` — the signature of the producer, a committee member (a dpos header alone proves who produced it,
 * not that 2/3 built on it; its finality is the shard's own).
 */
export const certificateVerifiers: Readonly<Record<string, CertificateVerifier>> = Object.freeze({
  bft: (committee, chain, header) => verifyBftCertificate(committee, chain, header),
  solo: (committee, _chain, header) =>
    committee.members.length > 0 && signedByMember(committee, header, committee.members[0].publicKey),
  dpos: (committee, _chain, header) => signedByMember(committee, header),
});
