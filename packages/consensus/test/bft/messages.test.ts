import { type Block, CodecError, encodeTuple, type Header } from "@vshard/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BftError } from "../../src/bft/bftError.ts";
import { decodeBftCertificate, encodeBftCertificate } from "../../src/bft/certificate.ts";
import {
  type BftProposal,
  type BftVote,
  decodeProposal,
  decodeVote,
  encodeProposal,
  encodeVote,
  VoteType,
} from "../../src/bft/messages.ts";
import { bftOptionsFrom, bftTimeoutMs, defaultBftOptions } from "../../src/bft/options.ts";

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const uint = fc.nat({ max: Number.MAX_SAFE_INTEGER });
const round = fc.nat({ max: 0xffff_ffff });

const header: fc.Arbitrary<Header> = fc.record({
  chainId: fc.nat({ max: 0xffff_ffff }),
  shard: fc.nat({ max: 65_535 }),
  height: uint,
  parentHash: bytes(32),
  stateRoot: bytes(32),
  txRoot: bytes(32),
  receiptRoot: bytes(32),
  bodyCid: bytes(36),
  proposer: bytes(32),
  time: uint,
  epoch: uint,
  certificate: fc.uint8Array({ maxLength: 200 }),
});

const vote: fc.Arbitrary<BftVote> = fc.record({
  type: fc.constantFrom(VoteType.Prevote, VoteType.Precommit),
  height: uint,
  round,
  blockHash: fc.oneof(bytes(0), bytes(32)),
  voter: fc.nat({ max: 0xffff }),
  signature: bytes(96),
});

const proposal: fc.Arbitrary<BftProposal> = fc
  .record({
    height: uint,
    round: fc.integer({ min: 1, max: 0xffff_ffff }),
    vr: fc.nat(),
    header,
    signature: bytes(64),
    polka: fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 4 }),
  })
  .map(({ height, round, vr, header, signature, polka }) => {
    const block: Block = { header, txs: [] };
    return { height, round, validRound: (vr % (round + 1)) - 1, block, signature, polka };
  });

/** Decoding either succeeds or throws a `CodecError`, never anything else. */
function decodesOrCodecError(decode: (b: Uint8Array) => unknown, data: Uint8Array): void {
  try {
    decode(data);
  } catch (err) {
    expect(err).toBeInstanceOf(CodecError);
  }
}

describe("bft messages", () => {
  it("votes, proposals and certificates round-trip", () => {
    fc.assert(
      fc.property(vote, (v) => {
        expect(decodeVote(encodeVote(v))).toEqual(v);
      }),
    );
    fc.assert(
      fc.property(proposal, (p) => {
        expect(decodeProposal(encodeProposal(p))).toEqual(p);
      }),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(round, fc.uint8Array({ maxLength: 8 }), bytes(96), (r, signers, signature) => {
        const cert = { round: r, signers, signature };
        expect(decodeBftCertificate(encodeBftCertificate(cert))).toEqual(cert);
      }),
    );
  });

  it("garbage never crashes a decoder", () => {
    const decoders = [decodeVote, decodeProposal, decodeBftCertificate];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (data) => {
        for (const d of decoders) decodesOrCodecError(d, data);
      }),
      { numRuns: 300 },
    );
    // Well-formed msgpack of the wrong shape.
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.nat(), fc.string(), fc.uint8Array(), fc.constant(null)), { maxLength: 7 }),
        (t) => {
          for (const d of decoders) decodesOrCodecError(d, encodeTuple(t));
        },
      ),
      { numRuns: 300 },
    );
    // Mutations of valid encodings.
    fc.assert(
      fc.property(vote, fc.nat(), fc.nat({ max: 255 }), (v, at, value) => {
        const data = encodeVote(v);
        data[at % data.length] = value;
        decodesOrCodecError(decodeVote, data);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects fields out of range with a CodecError", () => {
    const v: BftVote = {
      type: VoteType.Prevote,
      height: 1,
      round: 0,
      blockHash: new Uint8Array(32),
      voter: 0,
      signature: new Uint8Array(96),
    };
    expect(() => decodeVote(encodeVote({ ...v, type: 0 as VoteType }))).toThrowError(/neither prevote/);
    expect(() => decodeVote(encodeVote({ ...v, type: 3 as VoteType }))).toThrowError(CodecError);
    expect(() => decodeVote(encodeVote({ ...v, blockHash: new Uint8Array(5) }))).toThrowError(
      /0 \(nil\) or 32/,
    );
    expect(() => decodeVote(encodeVote({ ...v, signature: new Uint8Array(95) }))).toThrowError(CodecError);
    const h = fc.sample(header, { numRuns: 1, seed: 1 })[0];
    const p: BftProposal = {
      height: 1,
      round: 2,
      validRound: 2,
      block: { header: h, txs: [] },
      signature: new Uint8Array(64),
      polka: [],
    };
    expect(() => decodeProposal(encodeProposal(p))).toThrowError(/not below round/);
  });
});

describe("bft options", () => {
  it("defaults, overrides and growing, capped timeouts", () => {
    expect(bftOptionsFrom({})).toEqual(defaultBftOptions);
    const opts = bftOptionsFrom({ timeoutProposeMs: 100, emptyBlocks: false, faults: { equivocate: true } });
    expect(opts).toMatchObject({ timeoutProposeMs: 100, emptyBlocks: false, faults: { equivocate: true } });
    const d = defaultBftOptions;
    expect([0, 1, 2, 14, 100].map((r) => bftTimeoutMs(d, "propose", r))).toEqual([
      1000, 1500, 2000, 8000, 8000,
    ]);
    expect([0, 1, 2].map((r) => bftTimeoutMs(d, "prevote", r))).toEqual([500, 1000, 1500]);
    expect(bftTimeoutMs(d, "precommit", 30)).toBe(8000);
  });

  it("refuses unknown names and bad values, naming them", () => {
    expect(() => bftOptionsFrom({ timeoutPropose: 5 })).toThrowError(/timeoutPropose: unknown parameter/);
    expect(() => bftOptionsFrom({ timeoutVoteMs: -1 })).toThrowError(/timeoutVoteMs: expected a number/);
    expect(() => bftOptionsFrom({ blockIntervalMs: "fast" })).toThrowError(/blockIntervalMs/);
    expect(() => bftOptionsFrom({ emptyBlocks: 1 })).toThrowError(/emptyBlocks: expected a boolean/);
    expect(() => bftOptionsFrom({ faults: { crash: true } })).toThrowError(/faults.crash: unknown fault/);
    expect(() => bftOptionsFrom({ faults: { equivocate: "yes" } })).toThrowError(/faults.equivocate/);
    expect(() => bftOptionsFrom({ maxTimeoutMs: 10 })).toThrowError(/maxTimeoutMs: must be at least/);
    const err = (() => {
      try {
        bftOptionsFrom({ rebroadcastMs: 0 });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BftError);
    expect((err as BftError).code).toBe("BFT_ERROR_BAD_OPTION");
    expect((err as BftError).type.field).toBe("rebroadcastMs");
  });
});
