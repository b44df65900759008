import { bytesToHex, compareBytes, ed25519KeyPairFromSeed, ed25519Sign } from "@vshard/crypto";
import {
  type Account,
  addressFromPublicKey,
  BODY_CID_LENGTH,
  type Header,
  headerHash,
  type Tx,
  TxKind,
} from "@vshard/types";
import { prepareTx } from "../../src/chain/prepareTx.ts";
import type { AccountMap, PreparedTx } from "../../src/execution/executeTxs.ts";

/** Stakers of the staking tests: fixed keys, their addresses and address hexes. */
export const users = Array.from({ length: 6 }, (_, i) => {
  const keys = ed25519KeyPairFromSeed(new Uint8Array(32).fill(60 + i));
  const address = addressFromPublicKey(keys.publicKey);
  return { keys, address, hex: bytesToHex(address) };
});

/** Receives the fees. */
export const proposerHex = bytesToHex(new Uint8Array(20).fill(0xee));

/** The chain and shard of every tx and header here. */
export const CHAIN = { chainId: 1, shard: 0 };

function prepared(from: number, nonce: number, fee: bigint, rest: Pick<Tx, "kind" | "payload">): PreparedTx {
  return prepareTx({
    tx: { ...CHAIN, sender: users[from].keys.publicKey, nonce, fee, ...rest } as Tx,
    signature: new Uint8Array(64),
  });
}

/** A prepared stake of user `from` (unsigned: execution does not check tx signatures). */
export const stakeTx = (from: number, nonce: number, amount: bigint, fee = 1n) =>
  prepared(from, nonce, fee, { kind: TxKind.Stake, payload: { amount } });

/** A prepared unstake of user `from`. */
export const unstakeTx = (from: number, nonce: number, amount: bigint, fee = 1n) =>
  prepared(from, nonce, fee, { kind: TxKind.Unstake, payload: { amount } });

/** A prepared vote of user `from` for the users `for` (sorted by address unless `keepOrder`). */
export function voteTx(
  from: number,
  nonce: number,
  candidates: number[],
  fee = 1n,
  keepOrder = false,
): PreparedTx {
  const addresses = candidates.map((i) => users[i].address);
  if (!keepOrder) addresses.sort(compareBytes);
  return prepared(from, nonce, fee, { kind: TxKind.Vote, payload: { candidates: addresses } });
}

/** A prepared transfer from user `from` to user `to`. */
export const transferTx = (from: number, nonce: number, to: number, amount: bigint, fee = 1n) =>
  prepared(from, nonce, fee, { kind: TxKind.Transfer, payload: { to: users[to].address, amount } });

/** A header at `height` proposed by user `by`, its certificate the proposer's signature over its hash. */
export function signedHeader(
  by: number,
  height: number,
  variant: number,
  overrides: Partial<Header> = {},
): Header {
  const header: Header = {
    ...CHAIN,
    height,
    parentHash: new Uint8Array(32).fill(variant),
    stateRoot: new Uint8Array(32),
    txRoot: new Uint8Array(32),
    receiptRoot: new Uint8Array(32),
    bodyCid: new Uint8Array(BODY_CID_LENGTH),
    proposer: users[by].keys.publicKey,
    time: 1_000 + variant,
    epoch: 0,
    certificate: new Uint8Array(0),
    ...overrides,
  };
  return { ...header, certificate: ed25519Sign(headerHash(header), users[by].keys.secretKey) };
}

/** A prepared evidence by user `from` that user `offender` produced two blocks at `height`. */
export function evidenceTx(from: number, nonce: number, offender: number, height = 5, fee = 1n): PreparedTx {
  return evidenceTxOf(from, nonce, signedHeader(offender, height, 1), signedHeader(offender, height, 2), fee);
}

/** A prepared evidence with the two given headers. */
export const evidenceTxOf = (from: number, nonce: number, first: Header, second: Header, fee = 1n) =>
  prepared(from, nonce, fee, { kind: TxKind.Evidence, payload: { first, second } });

/** A candidate account: staked `stake`, voting for itself. */
export function candidateAccount(user: number, balance: bigint, stake: bigint): Account {
  return {
    balance,
    nonce: 0,
    staking: { stake, votes: [users[user].address], candidate: true, votesReceived: stake },
  };
}

/** Users 0-2 candidates staked 100 each (voting for themselves), users 3-5 plain accounts; all with `balance`. */
export function stakingGenesis(balance: bigint): AccountMap {
  return new Map(
    users.map((u, i) => [u.hex, i < 3 ? candidateAccount(i, balance, 100n) : { balance, nonce: 0 }]),
  );
}
