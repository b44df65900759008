import { bytesToHex, EMPTY_MERKLE_ROOT, ed25519KeyPairFromSeed, SingleThreadVerifier } from "@vshard/crypto";
import { LedgerDb, MemoryKvStore } from "@vshard/storage";
import { addressToText, type Block, outboxRoot, type SignedTx } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { RECEIPT_SOURCE_WAIT_MS } from "../../src/chain/assembleBlock.ts";
import { type ChainOptions, defaultChainOptions } from "../../src/chain/chainOptions.ts";
import { genesisFromJson } from "../../src/chain/genesis.ts";
import { ShardChain } from "../../src/chain/shardChain.ts";
import type { ReceiptSources } from "../../src/crossShard/interface.ts";
import { TxError } from "../../src/errors.ts";
import {
  at,
  crossTransferTx,
  deliveryOf,
  FakeReceiptSources,
  receiptOf,
  receiveTx,
  users,
} from "../crossShard/crossShardFixtures.ts";

const HERE = at(1, 0);
const SIBLING = at(1, 1);
const OPTS: ChainOptions = { ...defaultChainOptions, chainId: HERE.chainId, shard: HERE.shard };
const authority = ed25519KeyPairFromSeed(new Uint8Array(32).fill(77));
const genesisJson = {
  chainId: HERE.chainId,
  shard: HERE.shard,
  time: 1_000,
  authority: bytesToHex(authority.publicKey),
  accounts: users.map((u) => ({ address: addressToText(u.address), balance: "1000" })),
};

/** Block 7 of the sibling shard, notarised: a receipt of 40 for user 1 here. */
const outbox = [
  receiptOf("chain", SIBLING, HERE, 40n, { to: 1 }),
  receiptOf("chain/2", SIBLING, at(1, 2), 3n),
];
const SOURCE_HEIGHT = 7;
const sourcesOf = () =>
  new FakeReceiptSources()
    .notarise(SIBLING, SOURCE_HEIGHT, outbox, 3)
    .addShard(HERE, 0)
    .addShard(SIBLING, 0)
    .addShard(at(1, 2), 0);

/** A worker shard (chain 1 shard 0) on a fresh memory ledger, reading `sources` as its main chain; `waits` collects the
 * `waitMs` of every load. */
async function openWorker(sources: ReceiptSources = sourcesOf(), waits: number[] = []) {
  const db = await LedgerDb.create({ store: new MemoryKvStore() });
  const chain = await ShardChain.create(OPTS, genesisFromJson(genesisJson), {
    db,
    verifier: new SingleThreadVerifier(),
    receiptSources: async (_query, { waitMs }) => {
      waits.push(waitMs);
      return sources;
    },
  });
  return { chain, db };
}

const propose = (chain: ShardChain) =>
  chain.prepareProposal({ proposer: authority.publicKey, time: chain.headTime() + 1_000, epoch: 0 });

/** Submits `txs` (all must be admitted), builds the next block and commits it. */
async function mine(chain: ShardChain, txs: SignedTx[] = []) {
  for (const r of await chain.submitTxs(txs)) expect(r.ok ? "ok" : r.error.message).toBe("ok");
  const assembled = await propose(chain);
  await chain.commitBlock(assembled);
  return assembled;
}

/** Submits one tx and returns the TxError code admission refused it with. */
async function refusal(chain: ShardChain, tx: SignedTx): Promise<string> {
  const [r] = await chain.submitTxs([tx]);
  if (r.ok) throw new Error(`tx ${r.hash} was admitted`);
  expect(r.error).toBeInstanceOf(TxError);
  return r.error.code;
}

const send = (nonce: number, amount = 25n) =>
  crossTransferTx(
    0,
    nonce,
    HERE,
    { to: users[2].address, destination: SIBLING, amount },
    { fee: 2n, sign: true },
  );
const deliver = (
  relay: number,
  opts: { nonce?: number; fee?: bigint; index?: number; height?: number } = {},
) =>
  receiveTx(relay, HERE, deliveryOf(outbox, opts.index ?? 0, opts.height ?? SOURCE_HEIGHT), {
    ...opts,
    sign: true,
  });

describe("ShardChain with cross-shard txs", () => {
  it("commits a cross transfer with receiptRoot = outboxRoot(receipts) and stores the outbox", async () => {
    const { chain, db } = await openWorker();
    const empty = await mine(chain);
    expect(bytesToHex(empty.block.header.receiptRoot)).toBe(bytesToHex(EMPTY_MERKLE_ROOT));
    const assembled = await mine(chain, [send(0), send(1, 5n)]);
    const { receipts } = assembled.execution;
    expect(receipts.map((r) => r.amount)).toEqual([25n, 5n]);
    expect(receipts.map((r) => bytesToHex(r.id))).toEqual(assembled.execution.applied.map((t) => t.hashHex));
    expect(bytesToHex(assembled.block.header.receiptRoot)).toBe(bytesToHex(outboxRoot(receipts)));
    expect(await db.getOutbox(HERE.chainId, HERE.shard, 2)).toEqual(receipts);
    expect(await db.getOutbox(HERE.chainId, HERE.shard, 1)).toEqual([]);
    const { account } = await chain.getAccountWithProof(users[0].address);
    expect(account).toEqual({ balance: 1_000n - 27n - 7n, nonce: 2 });
  });

  it("a follower accepts the block and refuses it with a tampered receipt root", async () => {
    const leader = await openWorker();
    const follower = await openWorker();
    for (const r of await leader.chain.submitTxs([send(0)])) expect(r.ok).toBe(true);
    const { block } = await propose(leader.chain);
    const tampered = (receiptRoot: Uint8Array): Block => ({
      header: { ...block.header, receiptRoot },
      txs: block.txs,
    });
    for (const root of [EMPTY_MERKLE_ROOT, outboxRoot([...outbox])]) {
      await expect(follower.chain.processProposal(tampered(root))).rejects.toMatchObject({
        code: "BLOCK_ERROR_BAD_RECEIPT_ROOT",
      });
    }
    const processed = await follower.chain.processProposal(block);
    await follower.chain.commitBlock(processed);
    expect(await follower.db.getOutbox(HERE.chainId, HERE.shard, 1)).toEqual(processed.execution.receipts);
  });

  it("admission refuses a cross transfer to a shard the main chain does not have", async () => {
    const { chain } = await openWorker();
    const unknown = crossTransferTx(
      0,
      0,
      HERE,
      { to: users[2].address, destination: at(1, 7), amount: 1n },
      { sign: true },
    );
    expect(await refusal(chain, unknown)).toBe("TX_ERROR_UNKNOWN_SHARD");
  });

  it("admits one delivery of a receipt: another relay's is pending, then spent once the receive commits", async () => {
    const leader = await openWorker();
    const follower = await openWorker();
    for (const r of await leader.chain.submitTxs([deliver(0)])) expect(r.ok).toBe(true);
    expect(await refusal(leader.chain, deliver(1))).toBe("TX_ERROR_RECEIPT_PENDING");
    expect(leader.chain.mempool.size()).toBe(1);
    const assembled = await mine(leader.chain);
    expect(assembled.execution.applied).toHaveLength(1);
    expect(leader.chain.mempool.size()).toBe(0);
    expect((await leader.chain.getAccountWithProof(users[1].address)).account.balance).toBe(1_040n);
    expect(await refusal(leader.chain, deliver(1))).toBe("TX_ERROR_RECEIPT_SPENT");
    expect(await refusal(leader.chain, deliver(0))).toBe("TX_ERROR_RECEIPT_SPENT");
    // A follower re-executes the receive against its own view of the main chain.
    await follower.chain.commitBlock(await follower.chain.processProposal(assembled.block));
    expect(bytesToHex(follower.chain.head().stateRoot)).toBe(bytesToHex(leader.chain.head().stateRoot));
  });

  it("admission refuses a receive with nonce or fee, unanchored, with a bad proof, or for another shard", async () => {
    const { chain } = await openWorker();
    expect(await refusal(chain, deliver(0, { nonce: 1 }))).toBe("TX_ERROR_BAD_PAYLOAD");
    expect(await refusal(chain, deliver(0, { fee: 1n }))).toBe("TX_ERROR_BAD_PAYLOAD");
    expect(await refusal(chain, deliver(0, { height: SOURCE_HEIGHT + 1 }))).toBe(
      "TX_ERROR_RECEIPT_NOT_ANCHORED",
    );
    expect(await refusal(chain, deliver(0, { index: 1 }))).toBe("TX_ERROR_RECEIPT_ROUTE");
    const forged = receiveTx(
      0,
      HERE,
      { ...deliveryOf(outbox, 0, SOURCE_HEIGHT), receipt: { ...outbox[0], amount: 400n } },
      { sign: true },
    );
    expect(await refusal(chain, forged)).toBe("TX_ERROR_BAD_RECEIPT_PROOF");
    expect(chain.mempool.size()).toBe(0);
  });

  it("builds without waiting for sources, validates waiting for them, and refuses a block whose source it lacks", async () => {
    const leaderWaits: number[] = [];
    const leader = await openWorker(sourcesOf(), leaderWaits);
    const followerWaits: number[] = [];
    const blind = await openWorker(new FakeReceiptSources().addShard(HERE, 0), followerWaits);
    const assembled = await mine(leader.chain, [deliver(0)]);
    expect(leaderWaits.at(-1)).toBe(0);
    await expect(blind.chain.processProposal(assembled.block)).rejects.toMatchObject({
      code: "BLOCK_ERROR_INVALID_TX",
      message: expect.stringContaining("not anchored"),
    });
    expect(followerWaits).toEqual([RECEIPT_SOURCE_WAIT_MS]);
  });

  it("of two deliveries of a receipt in one batch, one is admitted and the other refused", async () => {
    const { chain } = await openWorker();
    const results = await chain.submitTxs([deliver(0), deliver(1)]);
    const admitted = results.filter((r) => r.ok);
    const pending = admitted.filter((r) => r.ok && chain.mempool.get(r.hash) !== undefined);
    expect({ admitted: admitted.length, pending: pending.length }).toEqual({ admitted: 1, pending: 1 });
  });

  it("of two deliveries of a receipt submitted concurrently, one is admitted and the other refused", async () => {
    const { chain } = await openWorker();
    const results = (
      await Promise.all([chain.submitTxs([deliver(0)]), chain.submitTxs([deliver(1)])])
    ).flat();
    const admitted = results.filter((r) => r.ok);
    const pending = admitted.filter((r) => r.ok && chain.mempool.get(r.hash) !== undefined);
    expect({ admitted: admitted.length, pending: pending.length }).toEqual({ admitted: 1, pending: 1 });
  });
});
