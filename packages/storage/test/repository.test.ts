import { bytesToHex } from "@vshard/crypto";
import { type Account, decodeAccount, encodeAccount } from "@vshard/types";
import { beforeEach, describe, expect, it } from "vitest";
import { Bucket, MemoryKvStore, Repository, StorageError } from "../src/index.ts";

const b = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes);

async function collect<V>(it: AsyncIterable<[Uint8Array, V]>): Promise<Array<[number[], V]>> {
  const out: Array<[number[], V]> = [];
  for await (const [k, v] of it) out.push([[...k], v]);
  return out;
}

describe("Repository", () => {
  let store: MemoryKvStore;
  let repo: Repository<number, Account>;
  beforeEach(async () => {
    store = await MemoryKvStore.create();
    repo = new Repository(
      {
        bucket: Bucket.Account,
        name: "account",
        encodeKey: (n: number) => b(n >> 8, n & 0xff),
        encodeValue: encodeAccount,
        decodeValue: decodeAccount,
      },
      { store },
    );
  });

  const acct = (n: number): Account => ({ balance: BigInt(n) * 10n ** 12n, nonce: n });

  it("prefixes keys with its bucket and encodes values canonically", async () => {
    expect(repo.key(0x0102)).toEqual(b(Bucket.Account, 1, 2));
    const put = repo.putOp(5, acct(5));
    expect(put).toEqual({ type: "put", key: b(Bucket.Account, 0, 5), value: encodeAccount(acct(5)) });
    expect(repo.delOp(5)).toEqual({ type: "del", key: b(Bucket.Account, 0, 5) });
    await store.batch([put, repo.putOp(6, acct(6))]);
    expect(await repo.get(5)).toEqual(acct(5));
    expect(await repo.get(7)).toBeNull();
    expect(await repo.getMany([6, 7, 5])).toEqual([acct(6), null, acct(5)]);
    await store.batch([repo.delOp(5)]);
    expect(await repo.get(5)).toBeNull();
  });

  it("never reads outside its bucket, and applies prefix, gte, lt, reverse and limit together", async () => {
    await store.batch([
      { type: "put", key: b(Bucket.Account - 1, 0xff), value: b(0) },
      { type: "put", key: b(Bucket.Account + 1), value: b(0) },
      { type: "put", key: b(Bucket.Account + 1, 0, 0), value: b(0) },
      ...[0x0001, 0x0002, 0x0100, 0x0101, 0x01ff, 0x0200, 0xffff].map((n) => repo.putOp(n, acct(n))),
    ]);
    const all = await collect(repo.range());
    expect(all.map(([k]) => k)).toEqual([
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 0xff],
      [2, 0],
      [0xff, 0xff],
    ]);
    expect(all[2][1]).toEqual(acct(0x0100));
    expect((await collect(repo.range({ prefix: b(1) }))).map(([k]) => k)).toEqual([
      [1, 0],
      [1, 1],
      [1, 0xff],
    ]);
    expect((await collect(repo.range({ prefix: b(0xff) }))).map(([k]) => k)).toEqual([[0xff, 0xff]]);
    expect((await collect(repo.range({ gte: 0x0002, lt: 0x01ff }))).map(([k]) => k)).toEqual([
      [0, 2],
      [1, 0],
      [1, 1],
    ]);
    expect((await collect(repo.range({ prefix: b(1), gte: 0x0101, reverse: true }))).map(([k]) => k)).toEqual(
      [
        [1, 0xff],
        [1, 1],
      ],
    );
    expect((await collect(repo.range({ limit: 2, reverse: true }))).map(([k]) => k)).toEqual([
      [0xff, 0xff],
      [2, 0],
    ]);
    expect(await collect(repo.range({ prefix: b(1), gte: 0x0300 }))).toEqual([]);
    expect(await collect(repo.range({ gte: 0x0200, lt: 0x0100 }))).toEqual([]);
  });

  it("reports a stored value that does not decode as STORAGE_ERROR_CORRUPT naming the key", async () => {
    await store.batch([{ type: "put", key: repo.key(9), value: b(0x92, 0xc0) }]);
    for (const read of [() => repo.get(9), () => repo.getMany([9]), () => collect(repo.range())]) {
      const err = await read().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StorageError);
      expect((err as StorageError).code).toBe("STORAGE_ERROR_CORRUPT");
      expect((err as StorageError).message).toContain(`account record under key ${bytesToHex(repo.key(9))}`);
      expect((err as StorageError).type.key).toBe(bytesToHex(repo.key(9)));
    }
  });
});
