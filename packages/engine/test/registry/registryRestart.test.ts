import { SingleThreadVerifier } from "@vshard/crypto";
import { LedgerDb, MemoryKvStore } from "@vshard/storage";
import { TxKind } from "@vshard/types";
import { describe, expect, it } from "vitest";
import { genesisFromJson } from "../../src/chain/genesis.ts";
import { ShardChain } from "../../src/chain/shardChain.ts";
import { registryReaderOf } from "../../src/registry/index.ts";
import {
  exampleSchemaBytes,
  MAIN_OPTS,
  mainGenesisJson,
  mine,
  registration,
  signed,
} from "./registryFixtures.ts";

describe("a main chain restarted between state checkpoints", () => {
  it("rebuilds its state root from the stored write sets, registry records included", async () => {
    // One store for both lives of the chain: the second open replays the blocks since the genesis checkpoint.
    const store = new MemoryKvStore();
    const genesis = genesisFromJson(mainGenesisJson());
    const open = async () =>
      ShardChain.create(MAIN_OPTS, genesis, {
        db: await LedgerDb.create({ store }),
        verifier: new SingleThreadVerifier(),
      });
    const first = await open();
    // A chain's id and records come from the registry's counter, not from the tx: recovery must not depend on the tx.
    await mine(first, [signed(0, 0, TxKind.RegisterChain, { schema: exampleSchemaBytes("gpu-rental") })]);
    await mine(first, [signed(1, 0, TxKind.RegisterValidator, registration(1))]);
    await mine(first, [signed(0, 1, TxKind.RegisterChain, { schema: exampleSchemaBytes("token-ledger") })]);
    const head = first.head();

    const second = await open();
    expect(second.head()).toEqual(head);
    const chains = await registryReaderOf(second).listChains();
    expect(chains.map((c) => [c.chainId, c.name])).toEqual([
      [1, "gpu-rental"],
      [2, "token-ledger"],
    ]);
    await mine(second);
    expect(second.head().height).toBe(head.height + 1);
  });
});
