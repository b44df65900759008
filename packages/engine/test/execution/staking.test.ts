import { bytesToHex, compareBytes } from "@vshard/crypto";
import { type Account, addressToText, BURN_ADDRESS, MAX_VOTES } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { defaultChainOptions } from "../../src/chain/chainOptions.ts";
import { checkTxStateless } from "../../src/chain/prepareTx.ts";
import type { TxError } from "../../src/errors.ts";
import { type AccountMap, executeTxs, type PreparedTx } from "../../src/execution/executeTxs.ts";
import {
  CHAIN,
  evidenceTx,
  evidenceTxOf,
  proposerHex,
  signedHeader,
  stakeTx,
  stakingGenesis,
  transferTx,
  unstakeTx,
  users,
  voteTx,
} from "./stakingFixtures.ts";

const burnHex = bytesToHex(BURN_ADDRESS);

/** Runs txs as a block validator does: the first failure throws. */
function run(txs: PreparedTx[], accounts: AccountMap = stakingGenesis(1_000n)) {
  const r = executeTxs(txs, accounts, proposerHex, { skipInvalid: false });
  const state = new Map([...accounts, ...r.changed]);
  return { ...r, get: (i: number): Account | undefined => state.get(users[i].hex), state };
}

/** The TxError that executing `t` alone (after `before`) throws. */
function refusal(t: PreparedTx, before: PreparedTx[] = [], accounts = stakingGenesis(1_000n)): TxError {
  const r = executeTxs([...before, t], accounts, proposerHex, { skipInvalid: true });
  expect(r.applied).toHaveLength(before.length);
  expect(r.rejected).toHaveLength(1);
  // A refused tx writes nothing: the sender's state is what the earlier txs left.
  const without = executeTxs(before, accounts, proposerHex, { skipInvalid: true });
  expect(r.changed.get(t.senderHex)).toEqual(without.changed.get(t.senderHex));
  return r.rejected[0].error;
}

const sorted = (...i: number[]) => i.map((k) => users[k].address).sort(compareBytes);
const votesReceived = (a: Account | undefined) => a?.staking?.votesReceived;

describe("stake", () => {
  it("locks amount from the balance, pays the fee, and raises the tallies of the sender's candidates", () => {
    const r = run([voteTx(3, 0, [0, 1]), stakeTx(3, 1, 50n, 2n)]);
    expect(r.get(3)).toEqual({
      balance: 1_000n - 1n - 52n,
      nonce: 2,
      staking: { stake: 50n, votes: sorted(0, 1), candidate: false, votesReceived: 0n },
    });
    expect(votesReceived(r.get(0))).toBe(150n);
    expect(votesReceived(r.get(1))).toBe(150n);
    expect(votesReceived(r.get(2))).toBe(100n);
    expect(r.changed.get(proposerHex)?.balance).toBe(3n);
  });

  it("a candidate voting for itself raises its own tally", () => {
    const r = run([stakeTx(0, 0, 25n)]);
    expect(r.get(0)?.staking).toEqual({
      stake: 125n,
      votes: [users[0].address],
      candidate: true,
      votesReceived: 125n,
    });
  });

  it("refuses more than the balance can pay, and a zero amount", () => {
    expect(refusal(stakeTx(3, 0, 1_000n)).code).toBe("TX_ERROR_INSUFFICIENT_BALANCE");
    expect(refusal(stakeTx(3, 0, 1_000n)).message).toContain("fee + amount = 1001");
    expect(refusal(stakeTx(3, 0, 0n)).code).toBe("TX_ERROR_ZERO_AMOUNT");
  });
});

describe("unstake", () => {
  it("moves stake back to the balance and lowers the tallies", () => {
    const r = run([unstakeTx(0, 0, 40n)]);
    expect(r.get(0)).toEqual({
      balance: 1_000n - 1n + 40n,
      nonce: 1,
      staking: { stake: 60n, votes: [users[0].address], candidate: true, votesReceived: 60n },
    });
  });

  it("an account with nothing left staked and no votes drops its staking state", () => {
    const r = run([voteTx(3, 0, []), stakeTx(3, 1, 10n), unstakeTx(3, 2, 10n)]);
    expect(r.get(3)).toEqual({ balance: 1_000n - 3n, nonce: 3 });
  });

  it("refuses more than the stake, and a zero amount", () => {
    const err = refusal(unstakeTx(0, 0, 101n));
    expect(err.code).toBe("TX_ERROR_INSUFFICIENT_STAKE");
    expect(err.message).toContain("stake 100 is less than amount 101");
    expect(refusal(unstakeTx(3, 0, 1n)).code).toBe("TX_ERROR_INSUFFICIENT_STAKE");
    expect(refusal(unstakeTx(0, 0, 0n)).code).toBe("TX_ERROR_ZERO_AMOUNT");
  });
});

describe("vote", () => {
  it("moves the sender's stake from its old candidates' tallies to the new ones", () => {
    const r = run([stakeTx(3, 0, 30n), voteTx(3, 1, [0, 1]), voteTx(3, 2, [1, 2])]);
    expect(votesReceived(r.get(0))).toBe(100n);
    expect(votesReceived(r.get(1))).toBe(130n);
    expect(votesReceived(r.get(2))).toBe(130n);
    expect(r.get(3)?.staking?.votes).toEqual(sorted(1, 2));
  });

  it("a candidate may stop voting for itself; an empty list withdraws every vote", () => {
    const r = run([voteTx(0, 0, [1]), voteTx(1, 0, [])]);
    expect(votesReceived(r.get(0))).toBe(0n);
    // User 0's 100 joined, user 1's own 100 left.
    expect(votesReceived(r.get(1))).toBe(100n);
    expect(r.get(1)?.staking?.votes).toEqual([]);
  });

  it("refuses an account that is not a candidate, naming it", () => {
    const err = refusal(voteTx(3, 0, [0, 4]));
    expect(err.code).toBe("TX_ERROR_NOT_A_CANDIDATE");
    expect(err.message).toContain(addressToText(users[4].address));
  });

  it("refuses unsorted or duplicate candidates and more than MAX_VOTES, statelessly", () => {
    const [a, b] = [0, 1].sort((x, y) => compareBytes(users[x].address, users[y].address));
    const unsorted = voteTx(3, 0, [b, a], 1n, true);
    const duplicate = voteTx(3, 0, [a, a], 1n, true);
    for (const t of [unsorted, duplicate]) {
      expect(refusal(t).code).toBe("TX_ERROR_BAD_PAYLOAD");
      expect(refusal(t).message).toContain("payload.candidates[1]");
      expect(() => checkTxStateless(t, defaultChainOptions)).toThrowError(/payload\.candidates\[1\]/);
    }
    const many = voteTx(3, 0, [], 1n);
    const tooMany: PreparedTx = {
      ...many,
      stx: {
        ...many.stx,
        tx: {
          ...many.stx.tx,
          payload: {
            candidates: Array.from({ length: MAX_VOTES + 1 }, (_, i) => new Uint8Array(20).fill(i)),
          },
        } as PreparedTx["stx"]["tx"],
      },
    };
    expect(() => checkTxStateless(tooMany, defaultChainOptions)).toThrowError(
      expect.objectContaining({
        code: "TX_ERROR_BAD_PAYLOAD",
        message: expect.stringContaining("at most 30"),
      }),
    );
  });

  it("the sender still pays for a vote with no stake", () => {
    expect(refusal(voteTx(3, 0, [0], 1_001n)).code).toBe("TX_ERROR_INSUFFICIENT_BALANCE");
  });
});

describe("evidence", () => {
  it("moves the offender's whole stake to the burn address and lowers its votes' tallies", () => {
    // User 3 votes for 1 and stakes; then user 3 is caught double-producing.
    const r = run([voteTx(3, 0, [1]), stakeTx(3, 1, 40n), evidenceTx(4, 0, 3)]);
    expect(r.get(3)?.staking).toEqual({
      stake: 0n,
      votes: [users[1].address],
      candidate: false,
      votesReceived: 0n,
    });
    expect(votesReceived(r.get(1))).toBe(100n);
    expect(r.state.get(burnHex)).toEqual({ balance: 40n, nonce: 0 });
    expect(r.get(4)).toEqual({ balance: 999n, nonce: 1 });
  });

  it("slashes a candidate's self-bond; a second evidence finds nothing to slash", () => {
    const first = evidenceTx(4, 0, 0);
    const r = run([first]);
    expect(r.get(0)?.staking).toEqual({
      stake: 0n,
      votes: [users[0].address],
      candidate: true,
      votesReceived: 0n,
    });
    expect(r.state.get(burnHex)?.balance).toBe(100n);
    const again = refusal(evidenceTx(5, 0, 0), [first]);
    expect(again.code).toBe("TX_ERROR_NOTHING_TO_SLASH");
    expect(again.message).toContain(addressToText(users[0].address));
  });

  it("an offender may report itself: it pays the fee and loses its stake", () => {
    const r = run([evidenceTx(0, 0, 0)]);
    expect(r.get(0)).toEqual({
      balance: 999n,
      nonce: 1,
      staking: { stake: 0n, votes: [users[0].address], candidate: true, votesReceived: 0n },
    });
  });

  it.each([
    ["other heights", () => [signedHeader(0, 5, 1), signedHeader(0, 6, 2)], "payload.second.height"],
    ["other proposers", () => [signedHeader(0, 5, 1), signedHeader(1, 5, 2)], "payload.second.proposer"],
    [
      "the same block twice",
      () => [signedHeader(0, 5, 1), signedHeader(0, 5, 1)],
      "payload.second: the same block",
    ],
    [
      "another chain",
      () => [signedHeader(0, 5, 1, { chainId: 2 }), signedHeader(0, 5, 2, { chainId: 2 })],
      "payload.first.chainId",
    ],
    [
      "another shard",
      () => [signedHeader(0, 5, 1), signedHeader(0, 5, 2, { shard: 3 })],
      "payload.second.shard",
    ],
    [
      "a forged certificate",
      () => [
        signedHeader(0, 5, 1),
        { ...signedHeader(0, 5, 2), certificate: signedHeader(0, 5, 3).certificate },
      ],
      "payload.second.certificate",
    ],
    [
      "an empty certificate",
      () => [{ ...signedHeader(0, 5, 1), certificate: new Uint8Array(0) }, signedHeader(0, 5, 2)],
      "payload.first.certificate",
    ],
  ] as const)("refuses evidence of %s, statelessly and at execution", (_name, headers, field) => {
    const [first, second] = headers();
    const t = evidenceTxOf(4, 0, first, second);
    const err = refusal(t);
    expect(err.code).toBe("TX_ERROR_BAD_EVIDENCE");
    expect(err.message).toContain(field);
    expect(() => checkTxStateless(t, defaultChainOptions)).toThrowError(
      expect.objectContaining({ code: "TX_ERROR_BAD_EVIDENCE" }),
    );
  });

  it("checkTxStateless accepts valid staking txs of every kind", () => {
    for (const t of [stakeTx(3, 0, 1n), unstakeTx(0, 0, 1n), voteTx(3, 0, [0, 1, 2]), evidenceTx(4, 0, 0)])
      expect(() => checkTxStateless(t, { ...defaultChainOptions, ...CHAIN })).not.toThrow();
  });
});

describe("staking and the rest of the account", () => {
  it("a transfer and the proposer's fee keep the staking state of the accounts they credit and debit", () => {
    const accounts = stakingGenesis(1_000n);
    accounts.set(proposerHex, { ...(accounts.get(users[2].hex) as Account) });
    const r = executeTxs([voteTx(3, 0, [0]), stakeTx(3, 1, 5n)], accounts, proposerHex, {
      skipInvalid: false,
    });
    expect(r.changed.get(proposerHex)?.staking?.stake).toBe(100n);
    const transfer = executeTxs([transferTx(0, 0, 1, 7n)], accounts, proposerHex, { skipInvalid: false });
    expect(transfer.changed.get(users[0].hex)?.staking?.stake).toBe(100n);
    expect(transfer.changed.get(users[1].hex)?.staking?.stake).toBe(100n);
    expect(transfer.changed.get(users[1].hex)?.balance).toBe(1_007n);
  });
});
