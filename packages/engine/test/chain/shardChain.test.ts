import { bytesToHex, ed25519KeyPairFromSeed, SingleThreadVerifier } from "@vshard/crypto";
import { bodyCidOf, defaultDlfsLayout, LedgerDb, MemoryKvStore } from "@vshard/storage";
import {
  addressFromPublicKey,
  addressToText,
  type Block,
  encodeBody,
  signTx,
  TxKind,
  txHash,
  txRootOf,
} from "@vshard/types";
import { describe, expect, it } from "vitest";
import { defaultChainOptions } from "../../src/chain/chainOptions.ts";
import { genesisFromJson } from "../../src/chain/genesis.ts";
import { ShardChain } from "../../src/chain/shardChain.ts";

const keys = Array.from({ length: 4 }, (_, i) => ed25519KeyPairFromSeed(new Uint8Array(32).fill(i + 1)));
const authority = ed25519KeyPairFromSeed(new Uint8Array(32).fill(99));
const genesisJson = {
  chainId: 1,
  shard: 0,
  time: 1_000,
  authority: bytesToHex(authority.publicKey),
  accounts: keys.map((k) => ({ address: addressToText(addressFromPublicKey(k.publicKey)), balance: "1000" })),
};

async function openChain(store = new MemoryKvStore(), json = genesisJson) {
  const db = await LedgerDb.create({ store });
  const chain = await ShardChain.create(defaultChainOptions, genesisFromJson(json), {
    db,
    verifier: new SingleThreadVerifier(),
  });
  return { chain, db, store };
}

function transfer(from: number, to: number, amount: bigint, nonce: number) {
  return signTx(
    {
      chainId: 1,
      shard: 0,
      kind: TxKind.Transfer,
      sender: keys[from].publicKey,
      nonce,
      fee: 1n,
      payload: { to: addressFromPublicKey(keys[to].publicKey), amount },
    },
    keys[from].secretKey,
  );
}

async function proposeOne(chain: ShardChain, time = 2_000) {
  return chain.prepareProposal({ proposer: authority.publicKey, time, epoch: 0 });
}

/** A copy of a block with a tampered header or body, with the body CID recomputed so later checks are reached. */
function tamper(block: Block, change: (b: Block) => void): Block {
  const copy: Block = {
    header: { ...block.header },
    txs: block.txs.map((t) => ({ tx: { ...t.tx }, signature: new Uint8Array(t.signature) })),
  };
  change(copy);
  copy.header.bodyCid = bodyCidOf(encodeBody(copy.txs), defaultDlfsLayout);
  return copy;
}

describe("ShardChain", () => {
  it("a follower that processes the leader's blocks reaches the same head and state root", async () => {
    const leader = await openChain();
    const follower = await openChain();
    const results = await leader.chain.submitTxs([
      transfer(0, 1, 10n, 0),
      transfer(0, 2, 5n, 1),
      transfer(3, 0, 7n, 0),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    const assembled = await proposeOne(leader.chain);
    expect(assembled.block.txs).toHaveLength(3);
    await leader.chain.commitBlock(assembled);
    expect(leader.chain.mempool.size()).toBe(0);

    const processed = await follower.chain.processProposal(assembled.block);
    await follower.chain.commitBlock(processed);
    expect(bytesToHex(follower.chain.head().hash)).toBe(bytesToHex(leader.chain.head().hash));
    expect(bytesToHex(follower.chain.head().stateRoot)).toBe(bytesToHex(leader.chain.head().stateRoot));
    const { account } = await follower.chain.getAccountWithProof(addressFromPublicKey(keys[0].publicKey));
    expect(account).toEqual({ balance: 1000n - 10n - 5n - 2n + 7n, nonce: 2 });
  });

  it("refuses tampered proposals with the precise block error", async () => {
    const leader = await openChain();
    const follower = await openChain();
    await leader.chain.submitTxs([transfer(1, 2, 10n, 0)]);
    const { block } = await proposeOne(leader.chain);
    const cases: Array<[string, Block]> = [
      [
        "BLOCK_ERROR_BAD_STATE_ROOT",
        tamper(block, (b) => {
          b.header.stateRoot = new Uint8Array(32).fill(1);
        }),
      ],
      [
        "BLOCK_ERROR_BAD_SIGNATURE",
        tamper(block, (b) => {
          b.txs[0].signature[5] ^= 1;
        }),
      ],
      [
        "BLOCK_ERROR_WRONG_PARENT",
        tamper(block, (b) => {
          b.header.parentHash = new Uint8Array(32);
        }),
      ],
      [
        "BLOCK_ERROR_WRONG_HEIGHT",
        tamper(block, (b) => {
          b.header.height = 5;
        }),
      ],
      [
        "BLOCK_ERROR_BAD_TX_ROOT",
        tamper(block, (b) => {
          b.header.txRoot = new Uint8Array(32);
        }),
      ],
      [
        "BLOCK_ERROR_TIME",
        tamper(block, (b) => {
          b.header.time = 999;
        }),
      ],
      [
        "BLOCK_ERROR_INVALID_TX",
        tamper(block, (b) => {
          b.txs.push(transfer(1, 2, 10n, 0));
          b.header.txRoot = txRootOf(b.txs);
        }),
      ],
    ];
    for (const [code, bad] of cases)
      await expect(follower.chain.processProposal(bad), code).rejects.toMatchObject({ code });
    const badCid = { ...block, header: { ...block.header, bodyCid: new Uint8Array(36) } };
    await expect(follower.chain.processProposal(badCid)).rejects.toMatchObject({
      code: "BLOCK_ERROR_BAD_BODY_CID",
    });
    // The follower is unharmed and still accepts the genuine block.
    await follower.chain.commitBlock(await follower.chain.processProposal(block));
    expect(follower.chain.head().height).toBe(1);
  });

  it("skips re-verifying a tx it admitted, but not one that only shares its hash", async () => {
    const leader = await openChain();
    const follower = await openChain();
    const tx = transfer(1, 2, 10n, 0);
    await leader.chain.submitTxs([tx]);
    await follower.chain.submitTxs([tx]);
    const { block } = await proposeOne(leader.chain);
    // Same tx fields (same hash) as the admitted one, different signature bytes: verified, and refused.
    const forged = tamper(block, (b) => {
      b.txs[0].signature[5] ^= 1;
    });
    await expect(follower.chain.processProposal(forged)).rejects.toMatchObject({
      code: "BLOCK_ERROR_BAD_SIGNATURE",
    });
    await follower.chain.commitBlock(await follower.chain.processProposal(block));
    expect(follower.chain.head().height).toBe(1);
  });

  it("admission reports each refusal with its code", async () => {
    const { chain } = await openChain();
    const forged = transfer(0, 1, 1n, 0);
    forged.signature = new Uint8Array(64);
    const wrongChain = signTx({ ...transfer(0, 1, 1n, 0).tx, chainId: 7 }, keys[0].secretKey);
    const results = await chain.submitTxs([
      forged,
      wrongChain,
      transfer(2, 1, 5_000n, 0),
      transfer(3, 1, 1n, 0),
      transfer(3, 1, 1n, 0),
    ]);
    expect(results.map((r) => (r.ok ? "ok" : r.error.code))).toEqual([
      "TX_ERROR_BAD_SIGNATURE",
      "TX_ERROR_WRONG_CHAIN",
      "MEMPOOL_ERROR_INSUFFICIENT_BALANCE",
      "ok",
      "MEMPOOL_ERROR_DUPLICATE",
    ]);
  });

  it("reopens at the committed head, and refuses a data folder of another genesis", async () => {
    const first = await openChain();
    await first.chain.submitTxs([transfer(0, 1, 10n, 0)]);
    await first.chain.commitBlock(await proposeOne(first.chain));
    const head = first.chain.head();
    const again = await openChain(first.store);
    expect(bytesToHex(again.chain.head().hash)).toBe(bytesToHex(head.hash));
    const sent = bytesToHex(txHash(transfer(0, 1, 10n, 0).tx));
    expect(await again.chain.getTx(sent)).toMatchObject({ status: "included", height: 1, index: 0 });
    again.chain.markFinalized(1);
    expect(await again.chain.getTx(sent)).toMatchObject({ status: "final" });
    await expect(openChain(first.store, { ...genesisJson, time: 5 })).rejects.toMatchObject({
      code: "GENESIS_ERROR_INVALID",
    });
  });
});
