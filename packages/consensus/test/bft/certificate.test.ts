import { blsSign } from "@vshard/crypto";
import type { Header } from "@vshard/types";
import { headerHash } from "@vshard/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeBftCertificate,
  encodeBftCertificate,
  makeBftCertificate,
  signerBitmap,
  signersOf,
  verifyBftCertificate,
} from "../../src/bft/certificate.ts";
import { VoteType, voteMessage } from "../../src/bft/messages.ts";
import { CHAIN, committeeOf, memberKeys } from "./bftCluster.ts";

const committee = committeeOf(4);
const header: Header = {
  chainId: CHAIN.chainId,
  shard: CHAIN.shard,
  height: 7,
  parentHash: new Uint8Array(32).fill(1),
  stateRoot: new Uint8Array(32).fill(2),
  txRoot: new Uint8Array(32).fill(3),
  receiptRoot: new Uint8Array(32).fill(4),
  bodyCid: new Uint8Array(36).fill(5),
  proposer: committee.members[0].publicKey,
  time: 1_700_000_000_000,
  epoch: 0,
  certificate: new Uint8Array(0),
};

function signature(
  member: number,
  round: number,
  type: VoteType = VoteType.Precommit,
  h = header,
): Uint8Array {
  const message = voteMessage(CHAIN, type, h.height, round, headerHash(h));
  return blsSign(memberKeys(member).bls.secretKey, message);
}

function certified(signers: number[], round = 0, opts: { sigRound?: number; type?: VoteType } = {}): Header {
  const votes = signers.map((voter) => ({
    voter,
    signature: signature(voter, opts.sigRound ?? round, opts.type),
  }));
  return { ...header, certificate: makeBftCertificate(4, round, votes) };
}

const verify = (h: Header) => verifyBftCertificate(committee, CHAIN, h);

describe("bft certificate", () => {
  it("verifies a quorum of precommits for the header", () => {
    expect(verify(certified([0, 1, 2]))).toBe(true);
    expect(verify(certified([0, 1, 2, 3], 5))).toBe(true);
    expect(verify(certified([1, 2, 3], 2))).toBe(true);
  });

  it("refuses a tampered certificate", () => {
    const good = certified([0, 1, 2]);
    const cert = decodeBftCertificate(good.certificate);
    const flip = (bit: number) => {
      const signers = cert.signers.slice();
      signers[bit >> 3] ^= 1 << (bit & 7);
      return { ...good, certificate: encodeBftCertificate({ ...cert, signers }) };
    };
    expect(verify(flip(0))).toBe(false); // a signer removed
    expect(verify(flip(3))).toBe(false); // a signer added
    expect(verify(flip(6))).toBe(false); // a signer outside the committee
    expect(verify(certified([0, 1]))).toBe(false); // fewer than a quorum, signatures valid
    expect(verify({ ...good, certificate: encodeBftCertificate({ ...cert, round: 1 }) })).toBe(false);
    expect(verify(certified([0, 1, 2], 1, { sigRound: 0 }))).toBe(false); // wrong round
    expect(verify(certified([0, 1, 2], 0, { type: VoteType.Prevote }))).toBe(false); // prevotes, not precommits
    expect(verify({ ...good, stateRoot: new Uint8Array(32).fill(9) })).toBe(false); // another block
    expect(verify({ ...good, height: 8 })).toBe(false);
    expect(verifyBftCertificate(committee, { chainId: 1, shard: 1 }, good)).toBe(false); // another shard
    const longer = {
      ...good,
      certificate: encodeBftCertificate({ ...cert, signers: new Uint8Array([7, 0]) }),
    };
    expect(verify(longer)).toBe(false);
  });

  it("counts weight, not heads, and needs every signer's BLS key", () => {
    const weighted = {
      epoch: 0,
      members: committee.members.map((m, i) => ({ ...m, weight: i === 0 ? 5 : 1 })),
    };
    expect(verifyBftCertificate(weighted, CHAIN, certified([1, 2, 3]))).toBe(false); // 3 of 8
    expect(verifyBftCertificate(weighted, CHAIN, certified([0, 1]))).toBe(true); // 6 of 8
    const keyless = {
      epoch: 0,
      members: committee.members.map((m, i) => (i === 2 ? { ...m, blsPublicKey: undefined } : m)),
    };
    expect(verifyBftCertificate(keyless, CHAIN, certified([0, 1, 2]))).toBe(false);
  });

  it("is false, never throws, for garbage", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (certificate) => {
        expect(verify({ ...header, certificate })).toBe(false);
      }),
      { numRuns: 200 },
    );
    const cert = decodeBftCertificate(certified([0, 1, 2]).certificate);
    const noSigners = encodeBftCertificate({ ...cert, signers: new Uint8Array(1) });
    expect(verify({ ...header, certificate: noSigners })).toBe(false);
    expect(
      verify({ ...header, certificate: encodeBftCertificate({ ...cert, signature: new Uint8Array(96) }) }),
    ).toBe(false);
    expect(verifyBftCertificate(committee, CHAIN, null as unknown as Header)).toBe(false);
  });

  it("signer bitmaps list members least significant bit first", () => {
    expect(signerBitmap(10, [0, 3, 9])).toEqual(new Uint8Array([0b1001, 0b10]));
    expect(signersOf(signerBitmap(10, [0, 3, 9]))).toEqual([0, 3, 9]);
    expect(() => makeBftCertificate(4, 0, [])).toThrowError(/no precommits/);
  });
});
