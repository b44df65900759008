import { bytesToHex, compareBytes } from "@vshard/crypto";
import { type RecordEntry, RecordNamespace } from "@vshard/types";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LedgerDb, LevelKvStore, MemoryKvStore, recordNamespaceKey } from "../src/index.ts";
import { makeCommits, tempDir } from "./fixtures.ts";
import { CHAIN, SHARD } from "./ledgerHelpers.ts";

const b = (...bytes: number[]) => Uint8Array.from(bytes);
const entry = (namespace: RecordNamespace, id: Uint8Array, value: Uint8Array): RecordEntry => ({
  namespace,
  id,
  value,
});

/** Commits `records` in the block of `height` (a fixture block of this chain shard, its own records replaced). */
async function commitRecords(db: LedgerDb, records: RecordEntry[], height = 0, shard = SHARD): Promise<void> {
  const c = makeCommits(CHAIN, shard, height + 1)[height];
  await db.commitBlock({ ...c, records });
}

/** Ids of one namespace, in the byte order a listing must give (shorter ids before their extensions). */
const SORTED_IDS = [
  b(0x00),
  b(0x01),
  b(0x01, 0x00),
  b(0x01, 0x00, 0x00),
  b(0x01, 0xff),
  b(0x02),
  b(0xff, 0xff),
];

/** A namespace number no member names yet (the edges of the byte), for bounds tests. */
const nsByte = (n: number) => n as RecordNamespace;

const stores: Array<{ name: string; open: () => Promise<{ db: LedgerDb; cleanup?: () => Promise<void> }> }> =
  [
    {
      name: "MemoryKvStore",
      open: async () => ({ db: await LedgerDb.create({ store: new MemoryKvStore() }) }),
    },
    {
      name: "LevelKvStore",
      open: async () => {
        const dir = await tempDir();
        const db = await LedgerDb.create({ store: await LevelKvStore.create({ path: dir.path }) });
        return { db, cleanup: dir.cleanup };
      },
    },
  ];

describe.each(stores)("LedgerDb generic records over $name", ({ open }) => {
  let db: LedgerDb;
  let cleanup: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    ({ db, cleanup } = await open());
  });
  afterEach(async () => {
    await db.close();
    await cleanup?.();
  });

  it("reads records of several namespaces by (namespace, id), ids of any length, the last write winning", async () => {
    const name = new TextEncoder().encode("nextChainId");
    await commitRecords(db, [
      entry(RecordNamespace.Counter, name, b(1)),
      entry(RecordNamespace.Chain, b(0, 0, 0, 9), b(9, 9)),
      entry(RecordNamespace.ChainName, b(0, 0, 0, 9), b(7)),
      entry(RecordNamespace.AnchoredHeader, new Uint8Array(14).fill(3), new Uint8Array(300).fill(4)),
    ]);
    await commitRecords(db, [entry(RecordNamespace.Counter, name, b(2))], 1);
    expect(
      await db.getRecords(CHAIN, SHARD, [
        { namespace: RecordNamespace.ChainName, id: b(0, 0, 0, 9) },
        { namespace: RecordNamespace.Counter, id: name },
        { namespace: RecordNamespace.Chain, id: b(0, 0, 0) },
        { namespace: RecordNamespace.Chain, id: b(0, 0, 0, 9, 0) },
        { namespace: RecordNamespace.AnchoredHeader, id: new Uint8Array(14).fill(3) },
        { namespace: RecordNamespace.Chain, id: b(0, 0, 0, 9) },
      ]),
    ).toEqual([b(7), b(2), null, null, new Uint8Array(300).fill(4), b(9, 9)]);
    expect(
      await db.getRecords(CHAIN, SHARD + 1, [{ namespace: RecordNamespace.Chain, id: b(0, 0, 0, 9) }]),
    ).toEqual([null]);
    expect(await db.getRecords(CHAIN, SHARD, [])).toEqual([]);
  });

  it("lists a namespace in id byte order, page by page, without leaking other namespaces or shards", async () => {
    const ns = RecordNamespace.Validator;
    const shuffled = [...SORTED_IDS].reverse();
    await commitRecords(db, [
      ...shuffled.map((id) => entry(ns, id, b(id.length, ...id))),
      entry(ns - 1, b(0x01), b(0xaa)),
      entry(ns + 1, b(0x00), b(0xbb)),
    ]);
    await commitRecords(db, [entry(ns, b(0x03), b(0xcc))], 0, SHARD + 1);
    const all = await db.listRecords(CHAIN, SHARD, ns, { limit: 100 });
    expect(all.map((r) => bytesToHex(r.id))).toEqual(SORTED_IDS.map(bytesToHex));
    expect(all.map((r) => r.value)).toEqual(SORTED_IDS.map((id) => b(id.length, ...id)));
    // Pages of 3, each after the last id of the one before.
    const pages: string[][] = [];
    let after: Uint8Array | undefined;
    for (;;) {
      const page = await db.listRecords(CHAIN, SHARD, ns, { limit: 3, ...(after && { after }) });
      if (page.length === 0) break;
      pages.push(page.map((r) => bytesToHex(r.id)));
      after = page[page.length - 1].id;
    }
    expect(pages).toEqual([["00", "01", "0100"], ["010000", "01ff", "02"], ["ffff"]]);
    // `after` need not be stored: the listing starts at the next id there is.
    const fromMissing = await db.listRecords(CHAIN, SHARD, ns, {
      after: b(0x01, 0x00, 0x00, 0x00),
      limit: 2,
    });
    expect(fromMissing.map((r) => bytesToHex(r.id))).toEqual(["01ff", "02"]);
    expect(await db.listRecords(CHAIN, SHARD, ns, { after: b(0xff, 0xff), limit: 5 })).toEqual([]);
    expect(await db.listRecords(CHAIN, SHARD, RecordNamespace.Chain, { limit: 5 })).toEqual([]);
    expect(await db.listRecords(CHAIN, SHARD + 1, ns, { limit: 5 })).toEqual([
      { id: b(0x03), value: b(0xcc) },
    ]);
  });

  it("lists the last namespace byte (255) without running into the next shard", async () => {
    await commitRecords(db, [entry(nsByte(0xff), b(0x01), b(1))]);
    await commitRecords(db, [entry(nsByte(0x00), b(0x02), b(2))], 0, SHARD + 1);
    expect(await db.listRecords(CHAIN, SHARD, nsByte(0xff), { limit: 10 })).toEqual([
      { id: b(0x01), value: b(1) },
    ]);
  });
});

describe("LedgerDb record arguments", () => {
  it("refuses a limit that is not a positive integer, and a namespace that is not a byte", async () => {
    const db = await LedgerDb.create({ store: new MemoryKvStore() });
    for (const limit of [0, -1, 1.5, Number.NaN])
      await expect(db.listRecords(CHAIN, SHARD, RecordNamespace.Chain, { limit })).rejects.toThrow(
        new RangeError(`listRecords: limit must be a positive integer, got ${limit}`),
      );
    expect(() => recordNamespaceKey(CHAIN, SHARD, 256)).toThrow(
      new RangeError("record namespace must be a byte (0..255), got 256"),
    );
    await expect(db.getRecords(CHAIN, SHARD, [{ namespace: nsByte(-1), id: b(1) }])).rejects.toThrow(
      RangeError,
    );
    await db.close();
  });

  it("property: any records, listed in pages of any size, come back complete in id byte order", async () => {
    const arbEntry = fc.record({
      namespace: fc.constantFrom(RecordNamespace.Validator, RecordNamespace.Chain, RecordNamespace.Counter),
      id: fc.uint8Array({ minLength: 0, maxLength: 5, max: 3 }),
      value: fc.uint8Array({ minLength: 0, maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbEntry, { maxLength: 30 }),
        fc.integer({ min: 1, max: 7 }),
        async (entries, limit) => {
          const db = await LedgerDb.create({ store: new MemoryKvStore() });
          await commitRecords(db, entries);
          // What a listing must give: the last value of each (namespace, id), ids sorted as bytes.
          const latest = new Map<string, RecordEntry>();
          for (const e of entries) latest.set(`${e.namespace}/${bytesToHex(e.id)}`, e);
          for (const ns of [RecordNamespace.Validator, RecordNamespace.Chain, RecordNamespace.Counter]) {
            const expected = [...latest.values()]
              .filter((e) => e.namespace === ns)
              .sort((x, y) => compareBytes(x.id, y.id))
              .map(({ id, value }) => ({ id, value }));
            const listed: Array<{ id: Uint8Array; value: Uint8Array }> = [];
            let after: Uint8Array | undefined;
            for (;;) {
              const page = await db.listRecords(CHAIN, SHARD, ns, { limit, ...(after && { after }) });
              expect(page.length).toBeLessThanOrEqual(limit);
              listed.push(...page);
              if (page.length < limit) break;
              after = page[page.length - 1].id;
            }
            expect(listed).toEqual(expected);
            expect(
              await db.getRecords(
                CHAIN,
                SHARD,
                expected.map(({ id }) => ({ namespace: ns, id })),
              ),
            ).toEqual(expected.map((e) => e.value));
          }
          await db.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
