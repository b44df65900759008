import { bytesToHex } from "@vshard/crypto";
import { afterEach, describe, expect, it } from "vitest";
import { BlockTree, type TreeBlock } from "../../src/dpos/blockTree.ts";
import { DPOS_BLOCK } from "../../src/dpos/dposConsensus.ts";
import { DposStats } from "../../src/dpos/dposStats.ts";
import { DposNet, type TestNode } from "./dposHarness.ts";

const PARAMS = { producers: 4, epochLength: 10, slotMs: 100 };

let net: DposNet | null = null;
afterEach(async () => {
  await net?.stopAll();
  net = null;
});

function counters(n: TestNode) {
  return n.plugin.status().counters;
}

/** A tree block of producer "p" (the data is unused). */
function block(hash: string, parent: string, height: number, slot: number): TreeBlock<null> {
  return { hash, parent, height, slot, producer: "p", data: null };
}

describe("dpos status and counters", () => {
  it("every producer online: blocks produced and received add up, no slot missed, no fork switch", async () => {
    net = new DposNet({ candidates: 4, params: PARAMS });
    for (let i = 0; i < 4; i++) await net.start(i);
    const nodes = net.running();
    expect(nodes[0].plugin.status()).toMatchObject({
      plugin: "dpos",
      height: 1,
      epoch: 0,
      producers: net.candidates.map((k) => bytesToHex(k.publicKey)),
    });
    expect(await net.bus.runUntil(() => nodes.every((n) => n.chain.finalizedHeight() >= 12), 10_000)).toBe(
      true,
    );
    await net.bus.settle();
    const produced = nodes.map((n) => counters(n).blocksProduced);
    const total = produced.reduce((a, b) => a + b, 0);
    for (const [i, n] of nodes.entries()) {
      const c = counters(n);
      expect(c.blocksProduced).toBeGreaterThanOrEqual(3);
      // Every block the others produced reached this node, once.
      expect(c.blocksReceived).toBe(total - produced[i]);
      expect(c).toMatchObject({ blocksRefused: 0, forkSwitches: 0, missedSlots: 0, evidence: 0 });
      const s = n.plugin.status();
      expect(s.height).toBe(n.plugin.bestBranch().length + n.chain.head().height + 1);
      expect(s.epoch).toBe(Math.floor((s.height - 1) / PARAMS.epochLength));
      expect(s.producers).toHaveLength(4);
    }
  });

  it("an offline producer's slots count as missed; back online, it switches to the others' branch", async () => {
    net = new DposNet({ candidates: 4, params: PARAMS });
    for (let i = 0; i < 4; i++) await net.start(i);
    const offline = net.nodes.get(3)!;
    net.bus.silenced.add(offline.id);
    const online = net.running().filter((n) => n !== offline);
    expect(await net.bus.runUntil(() => online.every((n) => n.chain.finalizedHeight() >= 20), 10_000)).toBe(
      true,
    );
    const onlineBlocks = online.reduce((sum, n) => sum + counters(n).blocksProduced, 0);
    for (const n of online) {
      const c = counters(n);
      // One slot in four is the offline producer's; its neighbours judged all but the last slots or so.
      expect(c.missedSlots).toBeGreaterThanOrEqual(Math.floor(onlineBlocks / 3) - 2);
      expect(c.missedSlots).toBeLessThanOrEqual(Math.ceil(onlineBlocks / 3) + 1);
      expect(c.forkSwitches).toBe(0);
    }
    // Alone, it made its own branch and missed the others' slots.
    const alone = counters(offline);
    expect(alone.blocksProduced).toBeGreaterThan(0);
    expect(alone.blocksReceived).toBe(0);
    expect(alone.missedSlots).toBeGreaterThanOrEqual(3 * alone.blocksProduced - 3);
    expect(alone.forkSwitches).toBe(0);
    net.bus.silenced.delete(offline.id);
    const target = online[0].chain.finalizedHeight();
    expect(await net.bus.runUntil(() => offline.chain.finalizedHeight() >= target, 10_000)).toBe(true);
    const back = counters(offline);
    expect(back.forkSwitches).toBe(1);
    expect(back.blocksReceived).toBeGreaterThanOrEqual(target);
  });

  it("counts a malformed block as refused", async () => {
    net = new DposNet({ candidates: 4, params: PARAMS });
    const n0 = await net.start(0);
    const attacker = net.bus.channel("attacker");
    attacker.subscribe(DPOS_BLOCK, () => {});
    attacker.publish(DPOS_BLOCK, new Uint8Array([1, 2, 3]));
    await net.bus.settle();
    expect(counters(n0)).toMatchObject({ blocksRefused: 1, blocksReceived: 0 });
  });
});

describe("DposStats", () => {
  it("judges each slot once, a slot after it ended, from the slot after the start", () => {
    const tree = new BlockTree<null>({ hash: "r", height: 0, slot: 0 }, { maxDepth: 10 });
    const stats = new DposStats();
    stats.started(0);
    stats.add(tree, block("a", "r", 1, 1));
    stats.add(tree, block("b", "a", 2, 3)); // slot 2 empty
    stats.slotStarted(tree, 3); // judges slot 1
    expect(stats.status(3, 0).counters.missedSlots).toBe(0);
    stats.slotStarted(tree, 6); // a late timer: judges slots 2..4
    expect(stats.status(3, 0).counters.missedSlots).toBe(2);
    stats.slotStarted(tree, 6);
    expect(stats.status(3, 0).counters.missedSlots).toBe(2);
  });

  it("counts a fork switch only when the new best head does not extend the last", () => {
    const tree = new BlockTree<null>({ hash: "r", height: 0, slot: 0 }, { maxDepth: 10 });
    const stats = new DposStats();
    stats.addProduced(tree, block("a", "r", 1, 1));
    stats.add(tree, block("b", "r", 1, 2)); // not higher: the best head stays
    stats.add(tree, block("c", "a", 2, 3));
    expect(stats.status(3, 0).counters).toMatchObject({ forkSwitches: 0, blocksProduced: 1 });
    stats.add(tree, block("d", "b", 2, 4)); // as high as c: not a switch
    stats.add(tree, block("e", "d", 3, 5)); // higher, on b's branch
    expect(stats.status(4, 0).counters.forkSwitches).toBe(1);
    expect(stats.received(false)).toBe(false);
    expect(stats.status(4, 0).counters.blocksRefused).toBe(1);
  });
});
