import { bytesToHex, ed25519KeyPairFromSeed, SingleThreadVerifier } from "@vshard/crypto";
import { defaultChainOptions, genesisFromJson, nullLogger, ShardChain } from "@vshard/engine";
import { LedgerDb, MemoryKvStore } from "@vshard/storage";
import { addressFromPublicKey, addressToText, signTx, TxKind } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { consensusFactory } from "../src/registry.ts";
import { ManualClock } from "./manualClock.ts";

const authority = ed25519KeyPairFromSeed(new Uint8Array(32).fill(1));
const user = ed25519KeyPairFromSeed(new Uint8Array(32).fill(2));

async function setup(keys = authority, params: Record<string, unknown> = { blockIntervalMs: 100 }) {
  const db = await LedgerDb.create({ store: new MemoryKvStore() });
  const genesis = genesisFromJson({
    chainId: 1,
    shard: 0,
    time: 0,
    authority: bytesToHex(authority.publicKey),
    accounts: [{ address: addressToText(addressFromPublicKey(user.publicKey)), balance: "100" }],
  });
  const chain = await ShardChain.create(defaultChainOptions, genesis, {
    db,
    verifier: new SingleThreadVerifier(),
  });
  const clock = new ManualClock();
  const plugin = consensusFactory("solo")({
    app: chain,
    committee: { epoch: 0, members: [{ publicKey: authority.publicKey, weight: 1 }] },
    keys: { ed25519: keys },
    chain: { chainId: 1, shard: 0 },
    channel: null,
    clock,
    logger: nullLogger,
    params,
  });
  return { chain, clock, plugin };
}

function nextBlock(chain: ShardChain): Promise<number> {
  return new Promise((resolve) => {
    const stop = chain.subscribe((e) => {
      if (e.type === "finalized") {
        stop();
        resolve(e.height);
      }
    });
  });
}

describe("solo consensus", () => {
  it("produces and finalises a block per interval, signed by the authority", async () => {
    const { chain, clock, plugin } = await setup();
    await plugin.start();
    await chain.submitTxs([
      signTx(
        {
          chainId: 1,
          shard: 0,
          kind: TxKind.Transfer,
          sender: user.publicKey,
          nonce: 0,
          fee: 1n,
          payload: { to: new Uint8Array(20), amount: 5n },
        },
        user.secretKey,
      ),
    ]);
    const first = nextBlock(chain);
    clock.advance(100);
    expect(await first).toBe(1);
    const block = await chain.getBlock(1);
    expect(block?.txs).toHaveLength(1);
    expect(plugin.verifyCertificate(block!.header)).toBe(true);
    expect(plugin.verifyCertificate({ ...block!.header, time: block!.header.time + 1 })).toBe(false);
    const second = nextBlock(chain);
    clock.advance(100);
    expect(await second).toBe(2);
    await plugin.stop();
    clock.advance(1_000);
    expect(chain.head().height).toBe(2);
  });

  it("skips empty blocks when asked", async () => {
    const { chain, clock, plugin } = await setup(authority, { blockIntervalMs: 100, emptyBlocks: false });
    await plugin.start();
    for (let i = 0; i < 5; i++) {
      clock.advance(100);
      await new Promise((r) => setImmediate(r));
    }
    expect(chain.head().height).toBe(0);
    await plugin.stop();
  });

  it("a node that is not the authority never proposes", async () => {
    const { chain, clock, plugin } = await setup(user);
    await plugin.start();
    expect(clock.pending()).toBe(0);
    clock.advance(1_000);
    expect(chain.head().height).toBe(0);
    await plugin.stop();
  });

  it("the registry names the plugins that exist", () => {
    expect(() => consensusFactory("pow")).toThrowError(/unknown consensus plugin 'pow'; available: solo/);
    expect(() => consensusFactory("toString")).toThrowError(/unknown consensus plugin/);
  });
});
