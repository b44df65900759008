import { LedgerDb, MemoryKvStore } from "@vshard/storage";
import { encodeSmallbankRecord, type RecordEntry, RecordNamespace } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { stateUpdatesOf } from "../../src/chain/assembleBlock.ts";
import { StateReader } from "../../src/chain/stateReader.ts";
import { recordKeyHex, recordStateKey, recordValueHashOf } from "../../src/execution/recordStateKey.ts";
import { EMPTY_STATE_ROOT, SparseMerkleTree, verifyStateProof } from "../../src/state/index.ts";
import { MemoryNodeStore } from "../state/memoryNodeStore.ts";

const CHAIN = 3;
const SHARD = 1;
const b = (...bytes: number[]) => Uint8Array.from(bytes);
const address = new Uint8Array(20).fill(7);

const RECORDS: RecordEntry[] = [
  { namespace: RecordNamespace.Chain, id: b(0, 0, 0, 2), value: b(2, 2) },
  { namespace: RecordNamespace.Chain, id: b(0, 0, 0, 1), value: b(1) },
  { namespace: RecordNamespace.Counter, id: new TextEncoder().encode("nextChainId"), value: b(3) },
  {
    namespace: RecordNamespace.Smallbank,
    id: address,
    value: encodeSmallbankRecord({ checking: -4n, savings: 9n }),
  },
];

/** A ledger holding RECORDS and the state tree over them, with the head that names its root. */
async function fixture() {
  const store = new MemoryKvStore();
  const db = await LedgerDb.create({ store });
  const nodes = new MemoryNodeStore();
  const tree = new SparseMerkleTree(nodes);
  const records = new Map(RECORDS.map((r) => [recordKeyHex(r), r]));
  const root = nodes.persist(await tree.update(EMPTY_STATE_ROOT, stateUpdatesOf(new Map(), records)));
  // Records go straight to the store: the reader needs no block around them.
  await store.batch(
    RECORDS.map((r) => db.repositories.records.putOp({ chainId: CHAIN, shard: SHARD, ...r }, r.value)),
  );
  const head = { height: 5, hash: new Uint8Array(32).fill(1), stateRoot: root };
  return { db, reader: new StateReader({ chainId: CHAIN, shard: SHARD }, { db, tree }), head };
}

describe("StateReader", () => {
  it("reads any record with a proof of its value hash against the head's root", async () => {
    const { db, reader, head } = await fixture();
    for (const r of RECORDS) {
      const got = await reader.record(head, r.namespace, r.id);
      expect(got.value).toEqual(r.value);
      expect(got.head).toBe(head);
      const key = recordStateKey(r.namespace, r.id);
      expect(verifyStateProof(head.stateRoot, key, recordValueHashOf(r.value), got.proof)).toBe(true);
    }
    await db.close();
  });

  it("proves a record never written absent, with value null; the same id in another namespace is another record", async () => {
    const { db, reader, head } = await fixture();
    const got = await reader.record(head, RecordNamespace.ChainName, b(0, 0, 0, 1));
    expect(got.value).toBeNull();
    expect(
      verifyStateProof(
        head.stateRoot,
        recordStateKey(RecordNamespace.ChainName, b(0, 0, 0, 1)),
        null,
        got.proof,
      ),
    ).toBe(true);
    await db.close();
  });

  it("gives Smallbank records typed, zeros for a customer never written", async () => {
    const { db, reader, head } = await fixture();
    expect((await reader.smallbank(head, address)).record).toEqual({ checking: -4n, savings: 9n });
    expect((await reader.smallbank(head, new Uint8Array(20))).record).toEqual({ checking: 0n, savings: 0n });
    await db.close();
  });

  it("lists a namespace in id byte order, page by page", async () => {
    const { db, reader } = await fixture();
    expect(await reader.list(RecordNamespace.Chain, { limit: 10 })).toEqual([
      { id: b(0, 0, 0, 1), value: b(1) },
      { id: b(0, 0, 0, 2), value: b(2, 2) },
    ]);
    expect(await reader.list(RecordNamespace.Chain, { after: b(0, 0, 0, 1), limit: 10 })).toEqual([
      { id: b(0, 0, 0, 2), value: b(2, 2) },
    ]);
    expect(await reader.list(RecordNamespace.Validator, { limit: 10 })).toEqual([]);
    await db.close();
  });
});
