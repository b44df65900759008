import { ed25519KeyPairFromSeed, ed25519Sign } from "@vshard/crypto";
import type { AssembledBlock, ConsensusApp } from "@vshard/engine";
import { nullLogger } from "@vshard/engine";
import { type Header, headerHash } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { BlockProducer } from "../../src/dpos/blockProducer.ts";
import { type PlacementContext, placementProblem, treeBlockOf } from "../../src/dpos/blockRules.ts";
import { ProductionGuard } from "../../src/dpos/productionGuard.ts";

const a = ed25519KeyPairFromSeed(new Uint8Array(32).fill(1));
const b = ed25519KeyPairFromSeed(new Uint8Array(32).fill(2));
const slots = { genesisTime: 0, slotMs: 100 };

function header(fields: Partial<Header>, key = a): Header {
  const h: Header = {
    chainId: 1,
    shard: 0,
    height: 11,
    parentHash: new Uint8Array(32).fill(7),
    stateRoot: new Uint8Array(32),
    txRoot: new Uint8Array(32),
    receiptRoot: new Uint8Array(32),
    bodyCid: new Uint8Array(36),
    proposer: key.publicKey,
    time: 1_000,
    epoch: 1,
    certificate: new Uint8Array(0),
    ...fields,
  };
  h.certificate = ed25519Sign(headerHash(h), key.secretKey);
  return h;
}

// Slot 10 (time 1000..1099) belongs to a (10 % 2 = 0), slot 11 to b.
const ctx: PlacementContext = {
  parent: { height: 10, slot: 9 },
  rootHeight: 5,
  now: 1_050,
  slots,
  opts: { epochLength: 10, maxForkDepth: 20 },
  schedule: [a.publicKey, b.publicKey],
};

describe("placementProblem", () => {
  it("accepts a block of the slot's producer, signed, after its parent's slot", () => {
    expect(placementProblem(header({}), ctx)).toBeNull();
    // One slot of clock drift is tolerated.
    expect(placementProblem(header({ time: 1_100 }, b), ctx)).toBeNull();
  });

  it("says what is wrong", () => {
    expect(placementProblem(header({ height: 12 }), ctx)).toMatch(/height 12 is not its parent's \+ 1/);
    expect(placementProblem(header({}), { ...ctx, rootHeight: -10 })).toMatch(/depth/);
    expect(placementProblem(header({ epoch: 0 }), ctx)).toMatch(/epoch 0, expected 1/);
    expect(placementProblem(header({ time: 950 }), ctx)).toMatch(/slot 9 is not after its parent's 9/);
    expect(placementProblem(header({ time: 1_200 }), ctx)).toMatch(/slot 12 is in the future/);
    expect(placementProblem(header({}, b), ctx)).toMatch(/not the producer of slot 10/);
    expect(placementProblem(header({}), { ...ctx, schedule: [] })).toMatch(/not the producer/);
    const forged = { ...header({}), certificate: ed25519Sign(new Uint8Array(32), a.secretKey) };
    expect(placementProblem(forged, ctx)).toMatch(/certificate/);
  });

  it("a tree entry names parent and producer in hex", () => {
    const h = header({});
    expect(treeBlockOf("ab", h, 10, 1)).toEqual({
      hash: "ab",
      parent: "07".repeat(32),
      height: 11,
      slot: 10,
      producer: Buffer.from(a.publicKey).toString("hex"),
      data: 1,
    });
  });
});

/** Consensus data in memory, and proposals that are empty blocks stamped with the asked time. */
function fakeApp(txs = 0) {
  const data = new Map<string, Uint8Array>();
  const app = {
    loadConsensusData: async (name: string) => data.get(name) ?? null,
    saveConsensusData: async (name: string, value: Uint8Array) => {
      data.set(name, value);
    },
    prepareProposal: async (p: { time: number; epoch: number }) =>
      ({
        block: {
          header: header({ time: p.time, epoch: p.epoch, certificate: new Uint8Array(0) }),
          txs: new Array(txs),
        },
      }) as unknown as AssembledBlock,
  } as unknown as ConsensusApp;
  return { app, data };
}

describe("BlockProducer", () => {
  const at = { slot: 10, height: 11, epoch: 1, time: 1_000, ancestors: [] };

  it("signs one block per height and slot, even across a restart", async () => {
    const { app } = fakeApp();
    const p = new BlockProducer(
      { emptyBlocks: true, doubleProduce: false },
      { app, keys: a, logger: nullLogger },
    );
    await p.load();
    const [block] = await p.produce(at);
    expect(placementProblem(block.block.header, ctx)).toBeNull();
    expect(await p.produce(at)).toEqual([]);
    const again = new BlockProducer(
      { emptyBlocks: true, doubleProduce: false },
      { app, keys: a, logger: nullLogger },
    );
    await again.load();
    expect(await again.produce({ ...at, slot: 12 })).toEqual([]);
    expect(await again.produce({ ...at, height: 12 })).toEqual([]);
    expect(await again.produce({ ...at, height: 12, slot: 12 })).toHaveLength(1);
  });

  it("skips empty blocks when asked, and double-produces under the fault", async () => {
    const quiet = new BlockProducer(
      { emptyBlocks: false, doubleProduce: false },
      { app: fakeApp().app, keys: a, logger: nullLogger },
    );
    expect(await quiet.produce(at)).toEqual([]);
    const faulty = new BlockProducer(
      { emptyBlocks: true, doubleProduce: true },
      { app: fakeApp().app, keys: a, logger: nullLogger },
    );
    const [x, y] = await faulty.produce(at);
    expect(y.block.header.time).toBe(x.block.header.time + 1);
    expect(placementProblem(x.block.header, ctx)).toBeNull();
    expect(placementProblem(y.block.header, ctx)).toBeNull();
  });

  it("a malformed guard record counts as none", async () => {
    const { app, data } = fakeApp();
    data.set("produced", new Uint8Array([0xc1]));
    const guard = new ProductionGuard(app);
    await guard.load();
    expect(guard.mayProduce(0, 0)).toBe(true);
  });
});
