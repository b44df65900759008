import { bytesToHex, ed25519KeyPairFromSeed, SeededRandom, SingleThreadVerifier } from "@vshard/crypto";
import { LedgerDb, MemoryKvStore } from "@vshard/storage";
import {
  addressFromPublicKey,
  addressToText,
  decodeSmallbankRecord,
  RecordNamespace,
  type SignedTx,
  SmallbankOp,
  type SmallbankPayload,
  signTx,
  TxKind,
} from "@vshard/types";
import { describe, expect, it } from "vitest";
import type { AssembledBlock } from "../../src/chain/assembleBlock.ts";
import { defaultChainOptions } from "../../src/chain/chainOptions.ts";
import { genesisFromJson } from "../../src/chain/genesis.ts";
import { ShardChain } from "../../src/chain/shardChain.ts";
import { recordStateKey, recordValueHashOf } from "../../src/execution/recordStateKey.ts";
import { verifyStateProof } from "../../src/state/index.ts";

const keys = Array.from({ length: 4 }, (_, i) => ed25519KeyPairFromSeed(new Uint8Array(32).fill(80 + i)));
const address = (i: number) => addressFromPublicKey(keys[i].publicKey);
const authority = ed25519KeyPairFromSeed(new Uint8Array(32).fill(98));
const genesisJson = {
  chainId: 1,
  shard: 0,
  time: 1_000,
  authority: bytesToHex(authority.publicKey),
  accounts: keys.map((k) => ({ address: addressToText(addressFromPublicKey(k.publicKey)), balance: "1000" })),
};

/** A random valid Smallbank payload (aborts happen: amounts may exceed what the customer has). */
function randomPayload(rng: SeededRandom): SmallbankPayload {
  const op = rng.uniformInt(6) as SmallbankOp;
  const other = address(rng.uniformInt(keys.length));
  switch (op) {
    case SmallbankOp.Balance:
      return { op, amount: 0n };
    case SmallbankOp.Amalgamate:
      return { op, amount: 0n, other };
    case SmallbankOp.SendPayment:
      return { op, amount: BigInt(rng.uniformInt(60)), other };
    case SmallbankOp.TransactSavings:
      return { op, amount: BigInt(rng.intBetween(-40, 60)) };
    default:
      return { op, amount: BigInt(rng.uniformInt(60)) };
  }
}

/** Random signed Smallbank txs of one run, block by block (nonces counted per sender across blocks). */
function txsOfRun(seed: number, blocks: number, txsPerBlock: number): SignedTx[][] {
  const rng = new SeededRandom(seed);
  const nonces = keys.map(() => 0);
  return Array.from({ length: blocks }, () =>
    Array.from({ length: txsPerBlock }, () => {
      const from = rng.uniformInt(keys.length);
      const tx = {
        chainId: 1,
        shard: 0,
        kind: TxKind.Smallbank as const,
        sender: keys[from].publicKey,
        nonce: nonces[from]++,
        fee: 1n,
        payload: randomPayload(rng),
      };
      return signTx(tx, keys[from].secretKey);
    }),
  );
}

function openChain(db: LedgerDb): Promise<ShardChain> {
  return ShardChain.create(defaultChainOptions, genesisFromJson(genesisJson), {
    db,
    verifier: new SingleThreadVerifier(),
  });
}

/**
 * The state root after genesis and after each block of the seed's run. `branch`: every block is built on the
 * uncommitted ones before it (speculative state), and all are committed at the end.
 */
async function rootsOfRun(db: LedgerDb, seed: number, opts: { branch: boolean }): Promise<string[]> {
  const chain = await openChain(db);
  const roots = [bytesToHex(chain.head().stateRoot)];
  const built: AssembledBlock[] = [];
  for (const [b, txs] of txsOfRun(seed, 3, 10).entries()) {
    const results = await chain.submitTxs(txs);
    expect(results.every((r) => r.ok)).toBe(true);
    const ctx = { proposer: authority.publicKey, time: 2_000 + b, epoch: 0 };
    const assembled = await chain.prepareProposal(opts.branch ? { ...ctx, ancestors: built } : ctx);
    expect(assembled.block.txs).toHaveLength(txs.length);
    if (opts.branch) built.push(assembled);
    else await chain.commitBlock(assembled);
    roots.push(bytesToHex(assembled.block.header.stateRoot));
  }
  for (const assembled of built) await chain.commitBlock(assembled);
  expect(bytesToHex(chain.head().stateRoot)).toBe(roots[roots.length - 1]);
  return roots;
}

/** Roots computed on the code before records became generic (namespace, id → value bytes): they must not move. */
const PINNED: Record<number, string[]> = {
  1: [
    "4333f7d7ba27728fee362b2ca3b63558a1f7d527926419b4eea0f78f0be1ba2b",
    "818ec142783239ab183abc97481829d0616de3152ae7bdff9b97bd56aae1bc47",
    "7977c9504625c6daebe3970840958da29b5a7e7b14635702a20f885e340e5c6b",
    "0698c4e30f3e06af1f1010f4caaa66c50a519a6bac55b887a63326d1447307c9",
  ],
  2: [
    "4333f7d7ba27728fee362b2ca3b63558a1f7d527926419b4eea0f78f0be1ba2b",
    "f923ef1961896df6ffa1158c9bf6248f94e9ac385cdcf66cee1bd097075f8fa6",
    "f5cdc9ec0865442daf435e1fe51dcae451199a12f1b0562dcc189f46f2867c85",
    "ea343e07013713a463eff8fe900e292443af71adc4cd038e7a56d2d01a3030f3",
  ],
  3: [
    "4333f7d7ba27728fee362b2ca3b63558a1f7d527926419b4eea0f78f0be1ba2b",
    "08fb100a510b5df430127f9134724c617362336c4226a2218724b7438935f1e0",
    "3032d74e71ee72778a5ea0d1e379a5ca197ae1fb4e544de0ebfe95e104bd6e4d",
    "5501804ec74440d4ddf5932d95ebd902e5c480fd53390ff7ac1973f39aadd513",
  ],
  4: [
    "4333f7d7ba27728fee362b2ca3b63558a1f7d527926419b4eea0f78f0be1ba2b",
    "16d5bb7f70ec2de7e8be9a6a73921b3771817f898a0e2d3539a3d586b448c1b0",
    "faa28410933d8718c39986802957d079f85b40a99dacacfcc5a100ddc82f92e0",
    "0b6400e11430b2b10fbd0c241ad1183694d017a8f40a1400741d150d87a19309",
  ],
  5: [
    "4333f7d7ba27728fee362b2ca3b63558a1f7d527926419b4eea0f78f0be1ba2b",
    "51f8e3b97bb8c35893e659dffdf43a9624912c8a2235887d28c41d035a7fb6bf",
    "ae6f9225b063b53aabe78c9748baca06de47710292ed6997b25ed6523d135d3d",
    "9a05fb3d676b423d2f4b20f6039b44874e9bdb5bf45994f33da8db3d318205fb",
  ],
};

describe("Smallbank state roots", () => {
  it.each(Object.keys(PINNED).map(Number))(
    "seeded run %i keeps the roots pinned before the change",
    async (seed) => {
      const store = new MemoryKvStore();
      expect(await rootsOfRun(await LedgerDb.create({ store }), seed, { branch: false })).toEqual(
        PINNED[seed],
      );
      // A restart rebuilds the tree from the genesis checkpoint and the stored accounts and records: same head root.
      const reopened = await openChain(await LedgerDb.create({ store }));
      expect(bytesToHex(reopened.head().stateRoot)).toBe(PINNED[seed][3]);
      // Every customer written is listed in address byte order, and reads back with a proof against the head.
      const listed = await reopened.listRecords(RecordNamespace.Smallbank, { limit: 10 });
      const ids = listed.map((r) => bytesToHex(r.id));
      expect(ids).toEqual([...ids].sort());
      expect(listed.length).toBeGreaterThan(0);
      for (const { id, value } of listed) {
        const { value: read, proof, head } = await reopened.getRecord(RecordNamespace.Smallbank, id);
        expect(read).toEqual(value);
        const key = recordStateKey(RecordNamespace.Smallbank, id);
        expect(verifyStateProof(head.stateRoot, key, recordValueHashOf(value), proof)).toBe(true);
        expect((await reopened.getSmallbankWithProof(id)).record).toEqual(decodeSmallbankRecord(value));
      }
    },
  );

  it("blocks built on uncommitted ones (speculative records) give the same roots", async () => {
    for (const seed of [1, 2]) {
      const db = await LedgerDb.create({ store: new MemoryKvStore() });
      expect(await rootsOfRun(db, seed, { branch: true })).toEqual(PINNED[seed]);
    }
  });
});
