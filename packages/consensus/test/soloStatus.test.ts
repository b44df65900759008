import { bytesToHex, ed25519KeyPairFromSeed, SingleThreadVerifier } from "@vshard/crypto";
import { defaultChainOptions, genesisFromJson, nullLogger, ShardChain } from "@vshard/engine";
import { LedgerDb, MemoryKvStore } from "@vshard/storage";
import { describe, expect, it } from "vitest";
import { SoloConsensus } from "../src/solo/soloConsensus.ts";
import { ManualClock } from "./manualClock.ts";

const authority = ed25519KeyPairFromSeed(new Uint8Array(32).fill(1));
const other = ed25519KeyPairFromSeed(new Uint8Array(32).fill(2));

async function setup(keys = authority) {
  const db = await LedgerDb.create({ store: new MemoryKvStore() });
  const genesis = genesisFromJson({
    chainId: 1,
    shard: 0,
    time: 0,
    authority: bytesToHex(authority.publicKey),
    accounts: [],
  });
  const chain = await ShardChain.create(defaultChainOptions, genesis, {
    db,
    verifier: new SingleThreadVerifier(),
  });
  const clock = new ManualClock();
  const plugin = new SoloConsensus({
    app: chain,
    committee: { epoch: 0, members: [{ publicKey: authority.publicKey, weight: 1 }] },
    keys: { ed25519: keys },
    chain: { chainId: 1, shard: 0 },
    channel: null,
    clock,
    logger: nullLogger,
    params: { blockIntervalMs: 100 },
  });
  return { chain, clock, plugin };
}

/** Resolves when the chain commits block `height`. */
function committed(chain: ShardChain, height: number): Promise<void> {
  return new Promise((resolve) => {
    const stop = chain.subscribe((e) => {
      if (e.type === "finalized" && e.height >= height) {
        stop();
        resolve();
      }
    });
  });
}

describe("solo status", () => {
  it("reports the next height and counts the blocks it produced", async () => {
    const { chain, clock, plugin } = await setup();
    expect(plugin.status()).toEqual({ plugin: "solo", height: 1, counters: { blocksProduced: 0 } });
    await plugin.start();
    for (let h = 1; h <= 3; h++) {
      const done = committed(chain, h);
      clock.advance(100);
      await done;
    }
    await plugin.stop();
    expect(plugin.status()).toEqual({ plugin: "solo", height: 4, counters: { blocksProduced: 3 } });
  });

  it("a node that is not the authority produces nothing", async () => {
    const { clock, plugin } = await setup(other);
    await plugin.start();
    clock.advance(1_000);
    await plugin.stop();
    expect(plugin.status().counters.blocksProduced).toBe(0);
  });
});
