import { bytesToHex, ed25519KeyPairFromSeed, SingleThreadVerifier } from "@vshard/crypto";
import { LedgerDb, MemoryKvStore } from "@vshard/storage";
import {
  addressFromPublicKey,
  addressToText,
  encodeSmallbankRecord,
  type SignedTx,
  SmallbankOp,
  type SmallbankPayload,
  signTx,
  TxKind,
  txHash,
} from "@vshard/types";
import { describe, expect, it } from "vitest";
import { defaultChainOptions } from "../../src/chain/chainOptions.ts";
import { genesisFromJson } from "../../src/chain/genesis.ts";
import { ShardChain } from "../../src/chain/shardChain.ts";
import { recordValueHashOf } from "../../src/execution/recordStateKey.ts";
import { smallbankRecordKey } from "../../src/execution/smallbank.ts";
import { verifyStateProof } from "../../src/state/index.ts";

const keys = Array.from({ length: 3 }, (_, i) => ed25519KeyPairFromSeed(new Uint8Array(32).fill(60 + i)));
const address = (i: number) => addressFromPublicKey(keys[i].publicKey);
const authority = ed25519KeyPairFromSeed(new Uint8Array(32).fill(99));
const genesisJson = {
  chainId: 1,
  shard: 0,
  time: 1_000,
  authority: bytesToHex(authority.publicKey),
  accounts: keys.map((k) => ({ address: addressToText(addressFromPublicKey(k.publicKey)), balance: "100" })),
};

async function openChain() {
  const db = await LedgerDb.create({ store: new MemoryKvStore() });
  return ShardChain.create(defaultChainOptions, genesisFromJson(genesisJson), {
    db,
    verifier: new SingleThreadVerifier(),
  });
}

function signed(
  from: number,
  nonce: number,
  kind: TxKind.Noop | TxKind.Smallbank,
  payload?: SmallbankPayload,
) {
  const base = { chainId: 1, shard: 0, sender: keys[from].publicKey, nonce, fee: 2n };
  const tx =
    kind === TxKind.Noop
      ? { ...base, kind, payload: {} }
      : { ...base, kind, payload: payload as SmallbankPayload };
  return signTx(tx, keys[from].secretKey);
}

/** The leader builds and commits a block of `txs`; the follower validates and commits it. */
async function replicate(leader: ShardChain, follower: ShardChain, txs: SignedTx[], time: number) {
  const results = await leader.submitTxs(txs);
  expect(results.map((r) => (r.ok ? "ok" : r.error.code))).toEqual(txs.map(() => "ok"));
  const assembled = await leader.prepareProposal({ proposer: authority.publicKey, time, epoch: 0 });
  expect(assembled.block.txs).toHaveLength(txs.length);
  await leader.commitBlock(assembled);
  await follower.commitBlock(await follower.processProposal(assembled.block));
  expect(bytesToHex(follower.head().stateRoot)).toBe(bytesToHex(leader.head().stateRoot));
  expect(bytesToHex(follower.head().hash)).toBe(bytesToHex(leader.head().hash));
}

describe("ShardChain with noop and Smallbank txs", () => {
  it("a leader and a follower agree on state roots, records, outcomes and proofs", async () => {
    const leader = await openChain();
    const follower = await openChain();
    const genesisRoot = bytesToHex(leader.head().stateRoot);
    await replicate(
      leader,
      follower,
      [
        signed(0, 0, TxKind.Smallbank, { op: SmallbankOp.DepositChecking, amount: 50n }),
        signed(0, 1, TxKind.Smallbank, { op: SmallbankOp.TransactSavings, amount: 20n }),
        signed(1, 0, TxKind.Noop),
        signed(1, 1, TxKind.Smallbank, { op: SmallbankOp.SendPayment, amount: 5n, other: address(0) }),
      ],
      2_000,
    );
    expect(bytesToHex(leader.head().stateRoot)).not.toBe(genesisRoot);
    await replicate(
      leader,
      follower,
      [
        signed(0, 2, TxKind.Smallbank, { op: SmallbankOp.SendPayment, amount: 30n, other: address(1) }),
        signed(0, 3, TxKind.Smallbank, { op: SmallbankOp.WriteCheck, amount: 41n }),
        signed(2, 0, TxKind.Smallbank, { op: SmallbankOp.Amalgamate, amount: 0n, other: address(1) }),
        signed(1, 2, TxKind.Smallbank, { op: SmallbankOp.Balance, amount: 0n }),
      ],
      3_000,
    );

    for (const chain of [leader, follower]) {
      const c0 = await chain.getSmallbankWithProof(address(0));
      // 50 deposited, 30 sent, then a check of 41 against 20 + 20: overdraft, 42 taken.
      expect(c0.record).toEqual({ checking: 50n - 30n - 42n, savings: 20n });
      expect(
        verifyStateProof(
          c0.head.stateRoot,
          smallbankRecordKey(address(0)),
          recordValueHashOf(encodeSmallbankRecord(c0.record)),
          c0.proof,
        ),
      ).toBe(true);
      expect((await chain.getSmallbankWithProof(address(1))).record).toEqual({ checking: 30n, savings: 0n });
      // Customer 2 amalgamated zeros into 1: its record is written as zeros.
      expect((await chain.getSmallbankWithProof(address(2))).record).toEqual({ checking: 0n, savings: 0n });
      // The fee (2 per tx) is paid from the native balance, the record never touches it.
      const { account } = await chain.getAccountWithProof(address(0));
      expect(account).toEqual({ balance: 100n - 4n * 2n, nonce: 4 });
    }

    const aborted = await follower.getTx(
      bytesToHex(
        txHash(
          signed(1, 1, TxKind.Smallbank, {
            op: SmallbankOp.SendPayment,
            amount: 5n,
            other: address(0),
          }).tx,
        ),
      ),
    );
    expect(aborted).toMatchObject({
      status: "included",
      height: 1,
      index: 3,
      outcome: { status: "aborted", reason: "insufficient checking" },
    });
    const noop = await leader.getTx(bytesToHex(txHash(signed(1, 0, TxKind.Noop).tx)));
    expect(noop).toMatchObject({ status: "included", height: 1, outcome: { status: "ok" } });
  });

  it("proves a customer never written absent, reading zeros", async () => {
    const chain = await openChain();
    const { record, proof, head } = await chain.getSmallbankWithProof(address(2));
    expect(record).toEqual({ checking: 0n, savings: 0n });
    expect(verifyStateProof(head.stateRoot, smallbankRecordKey(address(2)), null, proof)).toBe(true);
  });

  it("admission charges only the fee of a noop or Smallbank tx", async () => {
    const chain = await openChain();
    const results = await chain.submitTxs([
      signed(0, 0, TxKind.Smallbank, { op: SmallbankOp.DepositChecking, amount: 1_000_000n }),
      signed(1, 0, TxKind.Smallbank, { op: SmallbankOp.Balance, amount: 3n }),
      ...Array.from({ length: 50 }, (_, n) => signed(2, n, TxKind.Noop)),
    ]);
    const codes = results.map((r) => (r.ok ? "ok" : r.error.code));
    expect(codes.slice(0, 2)).toEqual(["ok", "TX_ERROR_BAD_PAYLOAD"]);
    // 100 pays 50 fees of 2; the 51st would not be covered.
    expect(codes.slice(2)).toEqual(Array(50).fill("ok"));
    const more = await chain.submitTxs([signed(2, 50, TxKind.Noop)]);
    expect(more[0]).toMatchObject({ ok: false, error: { code: "MEMPOOL_ERROR_INSUFFICIENT_BALANCE" } });
  });
});
