import { decodeSmallbankRecord, encodeBody, RecordNamespace } from "@vshard/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type BlockCommit,
  Bucket,
  type KvOp,
  type KvStore,
  LedgerDb,
  LevelKvStore,
  MemoryKvStore,
  StorageError,
} from "../src/index.ts";
import { makeCommits, tempDir } from "./fixtures.ts";
import { allEntries, CHAIN, expectCommitted, rejection, SHARD } from "./ledgerHelpers.ts";

const stores: Array<{
  name: string;
  open: () => Promise<{ db: LedgerDb; store: KvStore; cleanup: () => Promise<void> }>;
}> = [
  {
    name: "MemoryKvStore",
    open: async () => {
      const store = await MemoryKvStore.create();
      const db = await LedgerDb.create({ store });
      return { db, store, cleanup: () => db.close() };
    },
  },
  {
    name: "LevelKvStore",
    open: async () => {
      const dir = await tempDir();
      const store = await LevelKvStore.create({ path: dir.path });
      const db = await LedgerDb.create({ store });
      const cleanup = async () => {
        await db.close();
        await dir.cleanup();
      };
      return { db, store, cleanup };
    },
  },
];

describe.each(stores)("LedgerDb over $name", ({ open }) => {
  let db: LedgerDb;
  let store: KvStore;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ db, store, cleanup } = await open());
  });
  afterEach(async () => {
    await cleanup();
  });

  it("commits several blocks and reads every record back", async () => {
    expect(await db.getHead(CHAIN, SHARD)).toBeNull();
    const commits = makeCommits(CHAIN, SHARD, 6);
    for (const c of commits) await db.commitBlock(c);
    await expectCommitted(db, commits);
    const addresses = commits[0].accounts.map((a) => a.address);
    const stranger = new Uint8Array(20).fill(0xee);
    expect(await db.getAccounts(CHAIN, SHARD, [addresses[1], stranger, addresses[0]])).toEqual([
      commits[5].accounts[1].account,
      null,
      commits[5].accounts[0].account,
    ]);
    // Nothing leaks into other shards or unknown keys.
    expect(await db.getHead(CHAIN, SHARD + 1)).toBeNull();
    expect(await db.getAccount(CHAIN, SHARD + 1, addresses[0])).toBeNull();
    expect(await db.getHashByHeight(CHAIN, SHARD, 6)).toBeNull();
    expect(await db.getHeaderByHeight(CHAIN, SHARD, 6)).toBeNull();
    expect(await db.getBlockByHeight(CHAIN, SHARD, 6)).toBeNull();
    expect(await db.getHeader(new Uint8Array(32))).toBeNull();
    expect(await db.getBlock(new Uint8Array(32))).toBeNull();
    expect(await db.getTxLocation(new Uint8Array(32))).toBeNull();
    expect(await db.getStateNode(CHAIN, SHARD, new Uint8Array(32))).toBeNull();
    expect(await db.getOutbox(CHAIN, SHARD, 0)).toEqual([]);
    expect(await db.getOutbox(CHAIN, SHARD, 1)).toHaveLength(2);
    // Records: the last write wins, nothing leaks into another shard or namespace, a stranger reads null.
    const records = commits[5].records ?? [];
    const smallbank = (id: Uint8Array) => ({ namespace: RecordNamespace.Smallbank, id });
    expect(await db.getRecords(CHAIN, SHARD, [smallbank(stranger), smallbank(addresses[2])])).toEqual([
      null,
      records[2].value,
    ]);
    expect(decodeSmallbankRecord(records[2].value).checking).toBeLessThan(0n);
    expect(await db.getRecords(CHAIN, SHARD + 1, [smallbank(addresses[0])])).toEqual([null]);
    expect(
      await db.getRecords(CHAIN, SHARD, [{ namespace: RecordNamespace.Validator, id: addresses[0] }]),
    ).toEqual([null]);
  });

  it("keeps shards of several chains apart", async () => {
    const a = makeCommits(CHAIN, SHARD, 2);
    const b = makeCommits(CHAIN + 1, SHARD, 3);
    await Promise.all([...a, ...b].map((c) => db.commitBlock(c)));
    expect((await db.getHead(CHAIN, SHARD))?.height).toBe(1);
    expect((await db.getHead(CHAIN + 1, SHARD))?.height).toBe(2);
    expect(await db.getHashByHeight(CHAIN + 1, SHARD, 1)).toEqual(b[1].blockHash);
    expect(await db.getHashByHeight(CHAIN, SHARD, 1)).toEqual(a[1].blockHash);
  });

  it("counts body bytes before and after zstd, once per body", async () => {
    expect(await db.stats()).toEqual({ bodyBytesRaw: 0, bodyBytesStored: 0 });
    const commits = makeCommits(CHAIN, SHARD, 4, 40);
    for (const c of commits) await db.commitBlock(c);
    const raw = commits.reduce((n, c) => n + encodeBody(c.block.txs).length, 0);
    const stats = await db.stats();
    expect(stats.bodyBytesRaw).toBe(raw);
    for await (const [, txs] of db.repositories.bodies.range()) expect(txs).toHaveLength(40);
    const storedBodies = await store.getMany(commits.map((c) => db.repositories.bodies.key(c.blockHash)));
    expect(stats.bodyBytesStored).toBe(storedBodies.reduce((n, bytes) => n + bytes!.length, 0));
    // Repeated senders, chain ids and framing compress well.
    expect(stats.bodyBytesStored).toBeLessThan(stats.bodyBytesRaw);
    await db.commitBlock(commits[3]);
    expect(await db.stats()).toEqual(stats);
  });

  it("replacing the block at a height drops the old outbox", async () => {
    const [, one] = makeCommits(CHAIN, SHARD, 2);
    await db.commitBlock(one);
    expect(await db.getOutbox(CHAIN, SHARD, 1)).toHaveLength(2);
    const header = { ...one.block.header, time: one.block.header.time + 1 };
    const replacement: BlockCommit = {
      ...one,
      block: { ...one.block, header },
      blockHash: new Uint8Array(32).fill(9),
      receipts: one.receipts.slice(0, 1),
    };
    await db.commitBlock(replacement);
    expect(await db.getOutbox(CHAIN, SHARD, 1)).toEqual(one.receipts.slice(0, 1));
    expect(await db.getHashByHeight(CHAIN, SHARD, 1)).toEqual(replacement.blockHash);
  });

  it("rejects an inconsistent commit with STORAGE_ERROR_BAD_COMMIT and writes nothing", async () => {
    const [c] = makeCommits(CHAIN, SHARD, 1);
    const cases: BlockCommit[] = [
      { ...c, shard: SHARD + 1 },
      { ...c, blockHash: new Uint8Array(31) },
      { ...c, txHashes: [] },
      { ...c, outcomes: [] },
      { ...c, outcomes: c.block.txs.map(() => ({ status: 0 as const, reason: "not for an ok tx" })) },
      { ...c, outcomes: c.block.txs.map(() => ({ status: 1 as const })) },
      { ...c, outcomes: c.block.txs.map(() => ({ status: 1 as const, reason: "x".repeat(201) })) },
      {
        ...c,
        receipts: [{ ...makeCommits(CHAIN, SHARD, 2)[1].receipts[0], source: { chainId: 1, shard: 1 } }],
      },
    ];
    for (const bad of cases)
      expect((await rejection(db.commitBlock(bad))).code).toBe("STORAGE_ERROR_BAD_COMMIT");
    expect(await db.getHead(CHAIN, SHARD)).toBeNull();
    expect(await db.getHeader(c.blockHash)).toBeNull();
    // The queue of commits goes on after a rejected one.
    await db.commitBlock(c);
    expect((await db.getHead(CHAIN, SHARD))?.hash).toEqual(c.blockHash);
  });
});

/** A store that records each batch and can be told to fail the next one. */
class RecordingKvStore extends MemoryKvStore {
  batches: KvOp[][] = [];
  failNext = false;
  override async batch(ops: KvOp[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new StorageError({ code: "STORAGE_ERROR_IO" }, "disk full");
    }
    this.batches.push(ops);
    return super.batch(ops);
  }
}

describe("LedgerDb commits", () => {
  it("writes each block in exactly one batch, head included", async () => {
    const store = new RecordingKvStore();
    const db = await LedgerDb.create({ store });
    const commits = makeCommits(CHAIN, SHARD, 3);
    for (const c of commits) await db.commitBlock(c);
    expect(store.batches).toHaveLength(3);
    const buckets = new Set(store.batches[1].map((op) => op.key[0]));
    expect([...buckets].sort((a, b) => a - b)).toEqual([
      Bucket.Meta,
      Bucket.HeaderByHash,
      Bucket.BodyByHash,
      Bucket.HashByHeight,
      Bucket.TxLocation,
      Bucket.Account,
      Bucket.StateNode,
      Bucket.OutboxByHeight,
      Bucket.Record,
      Bucket.WriteSet,
    ]);
    // The write set names exactly the accounts and records the block wrote.
    const written = await db.getWriteSet(
      commits[1].chainId,
      commits[1].shard,
      commits[1].block.header.height,
    );
    expect(written?.accounts).toEqual(commits[1].accounts.map((a) => a.address));
    expect(written?.records).toEqual(
      (commits[1].records ?? []).map(({ namespace, id }) => ({ namespace, id })),
    );
    await db.close();
  });

  it("uses the tx hashes the caller gives", async () => {
    const db = await LedgerDb.create({ store: new MemoryKvStore() });
    const [c] = makeCommits(CHAIN, SHARD, 1, 2);
    const given = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    await db.commitBlock({ ...c, txHashes: given });
    expect(await db.getTxLocation(given[1])).toEqual({
      height: 0,
      index: 1,
      blockHash: c.blockHash,
      status: 1,
      reason: "insufficient checking",
    });
    expect(await db.getTxLocation(given[0])).toEqual({
      height: 0,
      index: 0,
      blockHash: c.blockHash,
      status: 0,
    });
    await db.close();
  });

  it("a failed batch leaves the previous head, no partial keys and the same stats", async () => {
    const store = new RecordingKvStore();
    const db = await LedgerDb.create({ store });
    const commits = makeCommits(CHAIN, SHARD, 3);
    await db.commitBlock(commits[0]);
    const before = await allEntries(store);
    const statsBefore = await db.stats();
    store.failNext = true;
    const err = await rejection(db.commitBlock(commits[1]));
    expect(err.message).toBe("disk full");
    expect(await allEntries(store)).toEqual(before);
    expect(await db.stats()).toEqual(statsBefore);
    expect((await db.getHead(CHAIN, SHARD))?.hash).toEqual(commits[0].blockHash);
    // Retrying succeeds and counts the body once.
    await db.commitBlock(commits[1]);
    expect((await db.getHead(CHAIN, SHARD))?.height).toBe(1);
    expect((await db.stats()).bodyBytesRaw).toBe(
      statsBefore.bodyBytesRaw + encodeBody(commits[1].block.txs).length,
    );
    await db.close();
  });
});
