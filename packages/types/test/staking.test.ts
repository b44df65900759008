import { bytesToHex } from "@vshard/crypto";
import fc from "fast-check";
import { Packr } from "msgpackr";
import { describe, expect, it } from "vitest";
import {
  type Account,
  BURN_ADDRESS,
  decodeAccount,
  decodeTx,
  EMPTY_STAKING,
  encodeAccount,
  encodeTx,
  headerToTuple,
  isDefaultStaking,
  MAX_VOTES,
  type Tx,
  TxKind,
  txHash,
} from "../src/index.ts";
import { accountArb, headerArb, stakingArb } from "./arbitraries.ts";
import { expectCodecError } from "./expectCodecError.ts";

/** msgpack without the canonical rules, to write tuples by hand. */
const loosePackr = new Packr({ useRecords: false, variableMapSize: true });
const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ""), "hex"));
const addr = (b: number) => new Uint8Array(20).fill(b);

describe("account codec with staking", () => {
  it("keeps the 2-field bytes of an account without staking or with the default staking", () => {
    expect(bytesToHex(encodeAccount({ balance: 5n, nonce: 7 }))).toBe("920507");
    expect(
      bytesToHex(encodeAccount({ balance: 5n, nonce: 7, staking: { ...EMPTY_STAKING, votes: [] } })),
    ).toBe("920507");
    expect(decodeAccount(hex("92 05 07"))).toEqual({ balance: 5n, nonce: 7 });
  });

  it("writes [balance, nonce, stake, votes, candidate, votesReceived] otherwise", () => {
    const account: Account = {
      balance: 5n,
      nonce: 7,
      staking: { stake: 3n, votes: [addr(1)], candidate: true, votesReceived: 9n },
    };
    const bytes = encodeAccount(account);
    expect(bytesToHex(bytes)).toBe(`96050703 91c414${"01".repeat(20)} 01 09`.replace(/\s+/g, ""));
    expect(decodeAccount(bytes)).toEqual(account);
  });

  it("round-trips any staking state but the default, and never decodes to the default one", () => {
    fc.assert(
      fc.property(accountArb, (account) => {
        const back = decodeAccount(encodeAccount(account));
        expect(back).toEqual(account);
        if (back.staking) expect(isDefaultStaking(back.staking)).toBe(false);
      }),
    );
  });

  it("the default staking state written as 6 fields is CODEC_ERROR_NOT_CANONICAL", () => {
    expectCodecError(
      () => decodeAccount(loosePackr.pack([5, 7, 0, [], 0, 0])),
      "CODEC_ERROR_NOT_CANONICAL",
      "default staking state",
    );
  });

  it.each([
    ["unsorted votes", [5, 7, 1, [addr(2), addr(1)], 0, 0], "CODEC_ERROR_NOT_CANONICAL", "account.votes"],
    ["duplicate votes", [5, 7, 1, [addr(1), addr(1)], 0, 0], "CODEC_ERROR_NOT_CANONICAL", "account.votes"],
    ["a 19-byte vote", [5, 7, 1, [new Uint8Array(19)], 0, 0], "CODEC_ERROR_OUT_OF_RANGE", "account.votes[0]"],
    [
      "too many votes",
      [5, 7, 1, Array.from({ length: MAX_VOTES + 1 }, (_, i) => addr(i)), 0, 0],
      "CODEC_ERROR_OUT_OF_RANGE",
      `at most ${MAX_VOTES}`,
    ],
    ["candidate 2", [5, 7, 1, [], 2, 0], "CODEC_ERROR_OUT_OF_RANGE", "account.candidate"],
    ["candidate as a boolean", [5, 7, 1, [], true, 0], "CODEC_ERROR_WRONG_TYPE", "account.candidate"],
    ["a negative stake", [5, 7, -1, [], 0, 0], "CODEC_ERROR_OUT_OF_RANGE", "account.stake"],
    ["votes as bytes", [5, 7, 1, new Uint8Array(20), 0, 0], "CODEC_ERROR_WRONG_TYPE", "account.votes"],
    ["five fields", [5, 7, 1, [], 0], "CODEC_ERROR_WRONG_SHAPE", "expected 2 fields, got 5"],
  ] as const)("rejects %s", (_name, tuple, code, message) => {
    expectCodecError(() => decodeAccount(loosePackr.pack(tuple)), code, message);
  });

  it("rejects a 6-field account written as array16 as CODEC_ERROR_NOT_CANONICAL", () => {
    expectCodecError(() => decodeAccount(hex("dc0006 05 07 01 90 00 00")), "CODEC_ERROR_NOT_CANONICAL", "");
  });

  it("stakingArb never yields the default state; EMPTY_STAKING and an absent one are default", () => {
    fc.assert(
      fc.property(stakingArb, (s) => {
        expect(isDefaultStaking(s)).toBe(false);
      }),
    );
    expect(isDefaultStaking(EMPTY_STAKING)).toBe(true);
    expect(isDefaultStaking(undefined)).toBe(true);
    expect(Array.from(BURN_ADDRESS)).toEqual(new Array(20).fill(0));
  });
});

const base = { chainId: 1, shard: 0, sender: new Uint8Array(32), nonce: 0, fee: 1n };

describe("staking payload codecs", () => {
  it("encodes stake and unstake as [amount], vote as [[addresses]], evidence as [header, header]", () => {
    const stake: Tx = { ...base, kind: TxKind.Stake, payload: { amount: 300n } };
    const unstake: Tx = { ...base, kind: TxKind.Unstake, payload: { amount: 300n } };
    expect(loosePackr.unpack(encodeTx(stake))[6]).toEqual([300]);
    expect(txHash(stake)).not.toEqual(txHash(unstake));
    const vote: Tx = { ...base, kind: TxKind.Vote, payload: { candidates: [addr(1), addr(2)] } };
    const votePayload = loosePackr.unpack(encodeTx(vote))[6] as Uint8Array[][];
    expect(votePayload[0].map((b) => Uint8Array.from(b))).toEqual([addr(1), addr(2)]);
    fc.assert(
      fc.property(headerArb, headerArb, (first, second) => {
        const tx: Tx = { ...base, kind: TxKind.Evidence, payload: { first, second } };
        const tuple = loosePackr.unpack(encodeTx(tx))[6] as unknown[];
        expect(tuple).toHaveLength(2);
        expect(decodeTx(encodeTx(tx))).toEqual(tx);
        expect(loosePackr.pack(tuple[0])).toEqual(loosePackr.pack(headerToTuple(first)));
      }),
      { numRuns: 20 },
    );
  });

  const tx = (kind: number, payload: unknown) =>
    loosePackr.pack([1, 0, kind, new Uint8Array(32), 0, 1, payload]);

  it.each([
    ["a stake without amount", tx(3, []), "CODEC_ERROR_WRONG_SHAPE", "tx.payload: expected 1 fields"],
    ["an unstake amount as text", tx(4, ["5"]), "CODEC_ERROR_WRONG_TYPE", "tx.payload.amount"],
    [
      "a vote with a 21-byte address",
      tx(5, [[new Uint8Array(21)]]),
      "CODEC_ERROR_OUT_OF_RANGE",
      "tx.payload.candidates[0]",
    ],
    ["a vote list that is not an array", tx(5, [addr(1)]), "CODEC_ERROR_WRONG_TYPE", "tx.payload.candidates"],
    ["an evidence with one header", tx(12, [[]]), "CODEC_ERROR_WRONG_SHAPE", "tx.payload: expected 2 fields"],
  ] as const)("rejects %s", (_name, bytes, code, message) => {
    expectCodecError(() => decodeTx(bytes), code, message);
  });

  it("names the header field at fault inside an evidence", () => {
    fc.assert(
      fc.property(headerArb, (h) => {
        const bad = headerToTuple(h);
        bad[2] = -1;
        expectCodecError(
          () => decodeTx(tx(12, [headerToTuple(h), bad])),
          "CODEC_ERROR_OUT_OF_RANGE",
          "tx.payload.second.height:",
        );
      }),
      { numRuns: 5 },
    );
  });
});
