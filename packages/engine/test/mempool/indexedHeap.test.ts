import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IndexedHeap } from "../../src/mempool/indexedHeap.ts";

interface Item {
  key: number;
  id: number;
  heapIndex: number;
}

const before = (a: Item, b: Item) => a.key < b.key || (a.key === b.key && a.id < b.id);

describe("IndexedHeap", () => {
  it("pops in order through pushes, removals and key changes", () => {
    const opArb = fc.oneof(
      fc.record({ op: fc.constant("push" as const), key: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ op: fc.constant("pop" as const) }),
      fc.record({ op: fc.constant("remove" as const), pick: fc.nat() }),
      fc.record({ op: fc.constant("rekey" as const), pick: fc.nat(), key: fc.integer({ min: 0, max: 20 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 10 }),
        fc.array(opArb, { maxLength: 60 }),
        (initial, ops) => {
          let nextId = 0;
          const live: Item[] = initial.map((key) => ({ key, id: nextId++, heapIndex: -1 }));
          const heap = IndexedHeap.from([...live], before);
          const sorted = () => [...live].sort((a, b) => (before(a, b) ? -1 : 1));
          for (const o of ops) {
            if (o.op === "push") {
              const item = { key: o.key, id: nextId++, heapIndex: -1 };
              live.push(item);
              heap.push(item);
            } else if (o.op === "pop") {
              const expected = sorted()[0];
              expect(heap.pop()).toBe(expected);
              if (expected) live.splice(live.indexOf(expected), 1);
            } else if (live.length > 0) {
              const item = live[o.pick % live.length];
              if (o.op === "remove") {
                heap.remove(item);
                live.splice(live.indexOf(item), 1);
                expect(item.heapIndex).toBe(-1);
              } else {
                item.key = o.key;
                heap.update(item);
              }
            }
            expect(heap.size).toBe(live.length);
            const order = sorted();
            expect(heap.peek()).toBe(order[0]);
            if (order.length > 0) expect(heap.peekOther(order[0])).toBe(order[1]);
          }
        },
      ),
    );
  });
});
