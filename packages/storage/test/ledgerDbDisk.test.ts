import { bytesToHex } from "@vshard/crypto";
import { RecordNamespace, txHash } from "@vshard/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compressBody, LedgerDb, LevelKvStore } from "../src/index.ts";
import { makeCommits, tempDir } from "./fixtures.ts";
import { allEntries, CHAIN, expectCommitted, rejection, SHARD } from "./ledgerHelpers.ts";

describe("LedgerDb on disk", () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  it("a commit whose store was closed fails with STORAGE_ERROR_CLOSED and leaves the previous head", async () => {
    const store = await LevelKvStore.create({ path: dir.path });
    const db = await LedgerDb.create({ store });
    const commits = makeCommits(CHAIN, SHARD, 2);
    await db.commitBlock(commits[0]);
    const before = await allEntries(store);
    await store.close();
    expect((await rejection(db.commitBlock(commits[1]))).code).toBe("STORAGE_ERROR_CLOSED");
    await db.close();
    const reopened = await LevelKvStore.create({ path: dir.path });
    expect(await allEntries(reopened)).toEqual(before);
    const again = await LedgerDb.create({ store: reopened });
    await expectCommitted(again, commits.slice(0, 1));
    expect(await again.getHeader(commits[1].blockHash)).toBeNull();
    await again.close();
  });

  it("reopens the folder with the same head, state, blocks and stats", async () => {
    const commits = makeCommits(CHAIN, SHARD, 5);
    const first = await LedgerDb.create({ path: dir.path, compressionLevel: 19 });
    for (const c of commits) await first.commitBlock(c);
    const stats = await first.stats();
    await first.close();
    const second = await LedgerDb.create({ path: dir.path, compressionLevel: 1 });
    await expectCommitted(second, commits);
    expect(await second.stats()).toEqual(stats);
    await second.close();
  });

  it("refuses a folder another LedgerDb holds with STORAGE_ERROR_LOCKED", async () => {
    const holder = await LedgerDb.create({ path: dir.path });
    const err = await rejection(LedgerDb.create({ path: dir.path }));
    expect(err.code).toBe("STORAGE_ERROR_LOCKED");
    expect(err.message).toContain(`database folder '${dir.path}' is locked`);
    await holder.close();
  });

  it("reports corrupt stored values as STORAGE_ERROR_CORRUPT naming the key", async () => {
    const store = await LevelKvStore.create({ path: dir.path });
    const db = await LedgerDb.create({ store });
    const [c] = makeCommits(CHAIN, SHARD, 1);
    await db.commitBlock(c);
    const repos = db.repositories;
    const address = c.accounts[0].address;
    const garbage = Uint8Array.of(0xc1, 0x00);
    const cases: Array<[Uint8Array, () => Promise<unknown>, string]> = [
      [repos.headers.key(c.blockHash), () => db.getHeader(c.blockHash), "header"],
      [repos.bodies.key(c.blockHash), () => db.getBlock(c.blockHash), "body"],
      [repos.heads.key({ chainId: CHAIN, shard: SHARD }), () => db.getHead(CHAIN, SHARD), "chainHead"],
      [
        repos.accounts.key({ chainId: CHAIN, shard: SHARD, address }),
        () => db.getAccount(CHAIN, SHARD, address),
        "account",
      ],
      [
        repos.txLocations.key(txHash(c.block.txs[0].tx)),
        () => db.getTxLocation(txHash(c.block.txs[0].tx)),
        "txLocation",
      ],
      [
        repos.hashByHeight.key({ chainId: CHAIN, shard: SHARD, height: 0 }),
        () => db.getBlockByHeight(CHAIN, SHARD, 0),
        "hashByHeight",
      ],
    ];
    for (const [key, read, name] of cases) {
      const good = (await store.get(key))!;
      await store.batch([{ type: "put", key, value: garbage }]);
      const err = await rejection(read());
      expect(err.code).toBe("STORAGE_ERROR_CORRUPT");
      expect(err.message).toContain(`corrupt ${name} record under key ${bytesToHex(key)}`);
      await store.batch([{ type: "put", key, value: good }]);
    }
    await expectCommitted(db, [c]);
    // Record values are opaque bytes that their owner module decodes: storage hands back whatever is stored.
    const record = { namespace: RecordNamespace.Smallbank, id: address };
    await store.batch([
      { type: "put", key: repos.records.key({ chainId: CHAIN, shard: SHARD, ...record }), value: garbage },
    ]);
    expect(await db.getRecords(CHAIN, SHARD, [record])).toEqual([garbage]);
    // A valid zstd frame around bytes that are not a body is corrupt too.
    await store.batch([{ type: "put", key: repos.bodies.key(c.blockHash), value: compressBody(garbage, 3) }]);
    expect((await rejection(db.repositories.bodies.get(c.blockHash))).code).toBe("STORAGE_ERROR_CORRUPT");
    // Corrupt running totals are refused when the ledger opens.
    await store.batch([{ type: "put", key: repos.bodyStats.key(null), value: garbage }]);
    await db.close();
    expect((await rejection(LedgerDb.create({ path: dir.path }))).code).toBe("STORAGE_ERROR_CORRUPT");
    // ...and the failed open released the folder.
    const reopened = await LevelKvStore.create({ path: dir.path });
    await reopened.close();
  });
});
