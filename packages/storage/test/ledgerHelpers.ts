import { bytesToHex } from "@vshard/crypto";
import { txHash } from "@vshard/types";
import { expect } from "vitest";
import { type BlockCommit, type KvStore, type LedgerDb, StorageError } from "../src/index.ts";

/** The chain shard the ledger tests commit to. */
export const CHAIN = 7;
export const SHARD = 2;

/** Every entry of a store, as hex text, to compare whole stores. */
export async function allEntries(store: KvStore): Promise<string[]> {
  const out: string[] = [];
  for await (const [k, v] of store.iterate({})) out.push(`${bytesToHex(k)}=${bytesToHex(v)}`);
  return out;
}

/** The StorageError a promise rejects with. */
export async function rejection(p: Promise<unknown>): Promise<StorageError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StorageError);
  return err as StorageError;
}

/** Checks that every record of `commits` reads back (tx locations with their outcomes), the last one as head. */
export async function expectCommitted(db: LedgerDb, commits: BlockCommit[]): Promise<void> {
  const last = commits[commits.length - 1];
  expect(await db.getHead(CHAIN, SHARD)).toEqual({
    height: last.block.header.height,
    hash: last.blockHash,
    stateRoot: last.block.header.stateRoot,
  });
  for (const c of commits) {
    const { height } = c.block.header;
    expect(await db.getHeader(c.blockHash)).toEqual(c.block.header);
    expect(await db.getHashByHeight(CHAIN, SHARD, height)).toEqual(c.blockHash);
    expect(await db.getHeaderByHeight(CHAIN, SHARD, height)).toEqual(c.block.header);
    expect(await db.getBlock(c.blockHash)).toEqual(c.block);
    expect(await db.getBlockByHeight(CHAIN, SHARD, height)).toEqual(c.block);
    for (const [index, stx] of c.block.txs.entries())
      expect(await db.getTxLocation(txHash(stx.tx))).toEqual({
        height,
        index,
        blockHash: c.blockHash,
        ...(c.outcomes?.[index] ?? { status: 0 }),
      });
    for (const [key, value] of c.stateNodes) expect(await db.getStateNode(CHAIN, SHARD, key)).toEqual(value);
    expect(await db.getOutbox(CHAIN, SHARD, height)).toEqual(c.receipts);
  }
  for (const { address, account } of last.accounts)
    expect(await db.getAccount(CHAIN, SHARD, address)).toEqual(account);
  const records = last.records ?? [];
  expect(await db.getRecords(CHAIN, SHARD, records)).toEqual(records.map((r) => r.value));
}
