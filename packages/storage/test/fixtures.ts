import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ed25519KeyPairFromSeed, sha256 } from "@vshard/crypto";
import {
  type Account,
  addressFromPublicKey,
  type Block,
  encodeBody,
  encodeSmallbankRecord,
  type Header,
  headerHash,
  type Receipt,
  RecordNamespace,
  type SignedTx,
  signTx,
  TxKind,
  txRootOf,
  ZERO_HASH,
} from "@vshard/types";
import { cidOfBytes } from "../src/dlfs/cid.ts";
import type { BlockCommit } from "../src/index.ts";

/** A fresh temp folder and a function that removes it. */
export async function tempDir(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "vshard-storage-"));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

const seed = (n: number): Uint8Array => sha256(new TextEncoder().encode(`fixture-key-${n}`));
const senders = [0, 1, 2].map((n) => ed25519KeyPairFromSeed(seed(n)));

/** Deterministic signed transfers for block `height`. */
export function makeTxs(chainId: number, shard: number, height: number, count: number): SignedTx[] {
  const txs: SignedTx[] = [];
  for (let i = 0; i < count; i++) {
    const key = senders[i % senders.length];
    const to = addressFromPublicKey(senders[(i + 1) % senders.length].publicKey);
    txs.push(
      signTx(
        {
          chainId,
          shard,
          kind: TxKind.Transfer,
          sender: key.publicKey,
          nonce: height * 1000 + i,
          fee: 10n,
          payload: { to, amount: BigInt(1000 + i) },
        },
        key.secretKey,
      ),
    );
  }
  return txs;
}

/**
 * A chain of `count` commits for one chain shard, each with txs (every third one aborted), accounts, Smallbank
 * records (checking negative in odd blocks), state nodes and receipts.
 */
export function makeCommits(chainId: number, shard: number, count: number, txsPerBlock = 5): BlockCommit[] {
  const commits: BlockCommit[] = [];
  let parentHash: Uint8Array = ZERO_HASH;
  for (let height = 0; height < count; height++) {
    const txs = makeTxs(chainId, shard, height, txsPerBlock);
    const stateRoot = sha256(Uint8Array.of(height, 1));
    const header: Header = {
      chainId,
      shard,
      height,
      parentHash,
      stateRoot,
      txRoot: txRootOf(txs),
      receiptRoot: sha256(Uint8Array.of(height, 2)),
      bodyCid: cidOfBytes(encodeBody(txs)),
      proposer: senders[0].publicKey,
      time: 1_700_000_000_000 + height * 1000,
      epoch: Math.floor(height / 10),
      certificate: Uint8Array.of(0xce, height),
    };
    const blockHash = headerHash(header);
    const block: Block = { header, txs };
    const accounts: Array<{ address: Uint8Array; account: Account }> = senders.map((k, i) => ({
      address: addressFromPublicKey(k.publicKey),
      account: { balance: BigInt(1_000_000 - height * 100 - i), nonce: height + 1 },
    }));
    const receipts: Receipt[] =
      height % 2 === 0
        ? []
        : [0, 1].map((i) => ({
            id: sha256(Uint8Array.of(height, i, 3)),
            from: accounts[0].address,
            to: accounts[1].address,
            amount: BigInt(height * 10 + i),
            source: { chainId, shard },
            destination: { chainId, shard: shard + 1 },
          }));
    const stateNodes: Array<[Uint8Array, Uint8Array]> = [
      [sha256(Uint8Array.of(height, 4)), Uint8Array.of(height, 5, 6)],
    ];
    const records = accounts.map(({ address }, i) => ({
      namespace: RecordNamespace.Smallbank,
      id: address,
      // A plain Uint8Array copy (the codec gives a Buffer), so that it compares equal to what the stores read back.
      value: Uint8Array.from(
        encodeSmallbankRecord({
          checking: BigInt((height % 2 === 0 ? 1 : -1) * (height * 1_000 + i)),
          savings: BigInt(height + i),
        }),
      ),
    }));
    const outcomes = txs.map((_, i) =>
      i % 3 === 1 ? { status: 1 as const, reason: "insufficient checking" } : { status: 0 as const },
    );
    commits.push({ chainId, shard, block, blockHash, accounts, records, stateNodes, receipts, outcomes });
    parentHash = blockHash;
  }
  return commits;
}
