import { Buffer } from "node:buffer";
import { bytesToHex, concatBytes, sha256 } from "@vshard/crypto";
import { RecordNamespace, SmallbankOp } from "@vshard/types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stateKeyOf } from "../../src/chain/assembleBlock.ts";
import { type RecordMap, RecordState } from "../../src/execution/recordState.ts";
import { recordKeyHex, recordStateKey, recordValueHashOf } from "../../src/execution/recordStateKey.ts";
import { recordsTouchedBy, touchedRecords } from "../../src/execution/touchedRecords.ts";
import { customers, noopTx, smallbankTx } from "./smallbankFixtures.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const b = (...bytes: number[]) => Uint8Array.from(bytes);

/** A committed base holding `entries` (value null: declared, never written). */
function baseOf(entries: Array<[RecordNamespace, Uint8Array, Uint8Array | null]>): RecordMap {
  return new Map(
    entries.map(([namespace, id, value]) => [recordKeyHex({ namespace, id }), { namespace, id, value }]),
  );
}

describe("recordStateKey", () => {
  it("keeps Smallbank's key sha256('smallbank' || address), and keys other namespaces under 'vshard/record/'", () => {
    const id = customers[0].address;
    expect(recordStateKey(RecordNamespace.Smallbank, id)).toEqual(sha256(utf8("smallbank"), id));
    for (const ns of [RecordNamespace.Validator, RecordNamespace.Chain, RecordNamespace.Counter])
      expect(recordStateKey(ns, id)).toEqual(sha256(concatBytes(utf8("vshard/record/"), b(ns), id)));
    expect(recordKeyHex({ namespace: RecordNamespace.Chain, id })).toBe(
      bytesToHex(recordStateKey(RecordNamespace.Chain, id)),
    );
    expect(recordValueHashOf(b(1, 2, 3))).toEqual(sha256(b(1, 2, 3)));
  });

  it("gives distinct keys to one id in every namespace, and apart from the account key", () => {
    const id = customers[1].address;
    const namespaces = Object.values(RecordNamespace).filter(
      (v): v is RecordNamespace => typeof v === "number",
    );
    expect(namespaces).toHaveLength(12);
    const keys = new Set([
      ...namespaces.map((ns) => bytesToHex(recordStateKey(ns, id))),
      bytesToHex(stateKeyOf(id)),
    ]);
    expect(keys.size).toBe(namespaces.length + 1);
  });
});

describe("RecordState", () => {
  it("reads through to the base: stored values, declared-absent (null) and undeclared records", () => {
    const state = new RecordState(
      baseOf([
        [RecordNamespace.Chain, b(0, 0, 0, 1), b(9)],
        [RecordNamespace.Chain, b(0, 0, 0, 2), null],
      ]),
    );
    expect(state.read(RecordNamespace.Chain, b(0, 0, 0, 1))).toEqual(b(9));
    expect(state.read(RecordNamespace.Chain, b(0, 0, 0, 2))).toBeNull();
    expect(state.read(RecordNamespace.Chain, b(0, 0, 0, 3))).toBeNull();
    // The same id in another namespace is another record.
    expect(state.read(RecordNamespace.ChainName, b(0, 0, 0, 1))).toBeNull();
    expect(state.changed.size).toBe(0);
  });

  it("reads its own writes, the last one winning, and lists each written record once in `changed`", () => {
    const state = new RecordState(baseOf([[RecordNamespace.Counter, utf8("nextChainId"), b(1)]]));
    state.write(RecordNamespace.Counter, utf8("nextChainId"), b(2));
    state.write(RecordNamespace.Counter, utf8("nextChainId"), b(3));
    state.write(RecordNamespace.Validator, b(7), b(4));
    expect(state.read(RecordNamespace.Counter, utf8("nextChainId"))).toEqual(b(3));
    expect(state.read(RecordNamespace.Validator, b(7))).toEqual(b(4));
    expect([...state.changed]).toEqual([
      [
        recordKeyHex({ namespace: RecordNamespace.Counter, id: utf8("nextChainId") }),
        { namespace: RecordNamespace.Counter, id: utf8("nextChainId"), value: b(3) },
      ],
      [
        recordKeyHex({ namespace: RecordNamespace.Validator, id: b(7) }),
        { namespace: RecordNamespace.Validator, id: b(7), value: b(4) },
      ],
    ]);
  });

  it("keeps a Buffer written as a plain Uint8Array view of the same bytes", () => {
    const state = new RecordState(new Map());
    state.write(RecordNamespace.Chain, b(1), Buffer.from([5, 6]));
    const value = state.read(RecordNamespace.Chain, b(1));
    expect(Buffer.isBuffer(value)).toBe(false);
    expect(value).toEqual(b(5, 6));
  });

  it("over an empty base reads every record as absent", () => {
    const state = new RecordState(new Map());
    expect(state.read(RecordNamespace.Smallbank, customers[0].address)).toBeNull();
    state.write(RecordNamespace.Smallbank, customers[0].address, b(1));
    expect(state.read(RecordNamespace.Smallbank, customers[0].address)).toEqual(b(1));
  });

  it("never changes its base: two states over one base stay independent", () => {
    const base = baseOf([[RecordNamespace.Chain, b(1), b(1)]]);
    const before = structuredClone([...base]);
    const a = new RecordState(base);
    const other = new RecordState(base);
    a.write(RecordNamespace.Chain, b(1), b(2));
    a.write(RecordNamespace.Chain, b(2), b(2));
    expect([...base]).toEqual(before);
    expect(other.read(RecordNamespace.Chain, b(1))).toEqual(b(1));
    expect(other.read(RecordNamespace.Chain, b(2))).toBeNull();
    expect(other.changed.size).toBe(0);
  });

  it("property: behaves as a map from (namespace, id) to the last value, over any base", () => {
    const ref = fc.record({
      namespace: fc.constantFrom(
        RecordNamespace.Validator,
        RecordNamespace.Chain,
        RecordNamespace.SchemaRecord,
      ),
      id: fc.uint8Array({ maxLength: 2, max: 2 }),
    });
    const value = fc.option(fc.uint8Array({ maxLength: 3 }), { nil: null });
    const op = fc.oneof(
      fc.record({ kind: fc.constant("read" as const), ref }),
      fc.record({ kind: fc.constant("write" as const), ref, value: fc.uint8Array({ maxLength: 3 }) }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(ref, value)), fc.array(op), (baseEntries, ops) => {
        const base = baseOf(baseEntries.map(([r, v]) => [r.namespace, r.id, v]));
        const model = new Map([...base].map(([k, e]) => [k, e.value]));
        const writes = new Map<string, Uint8Array>();
        const state = new RecordState(base);
        for (const o of ops) {
          const k = recordKeyHex(o.ref);
          if (o.kind === "read") expect(state.read(o.ref.namespace, o.ref.id)).toEqual(model.get(k) ?? null);
          else {
            state.write(o.ref.namespace, o.ref.id, o.value);
            model.set(k, o.value);
            writes.set(k, o.value);
          }
        }
        expect(new Map([...state.changed].map(([k, e]) => [k, e.value]))).toEqual(writes);
      }),
    );
  });
});

describe("touchedRecords", () => {
  it("lists each record once, in the order first named, by state-key hex; other kinds read none", () => {
    const txs = [
      smallbankTx(0, 0, SmallbankOp.SendPayment, 1n, 2),
      noopTx(3, 0),
      smallbankTx(2, 0, SmallbankOp.Amalgamate, 0n, 0),
      smallbankTx(1, 0, SmallbankOp.Balance, 0n),
    ];
    expect(recordsTouchedBy(txs[1])).toEqual([]);
    const touched = touchedRecords(txs);
    const refs = [0, 2, 1].map((i) => ({ namespace: RecordNamespace.Smallbank, id: customers[i].address }));
    expect([...touched.values()]).toEqual(refs);
    expect([...touched.keys()]).toEqual(refs.map(recordKeyHex));
  });
});
