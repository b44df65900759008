import { bytesToHex } from "@vshard/crypto";
import { type ConsensusApp, nullLogger } from "@vshard/engine";
import { addressFromPublicKey, encodeBlock, headerHash } from "@vshard/types";
import { afterEach, describe, expect, it } from "vitest";
import { DPOS_BLOCK } from "../../src/dpos/dposConsensus.ts";
import { consensusFactory } from "../../src/registry.ts";
import { DposNet, transfer } from "./dposHarness.ts";

const PARAMS = { producers: 4, epochLength: 10, slotMs: 100 };

let net: DposNet | null = null;
afterEach(async () => {
  await net?.stopAll();
  net = null;
});

describe("dpos, 4 candidates, N = 4", () => {
  it("blocks with transfers become irreversible; every node commits the same hashes and roots", async () => {
    net = new DposNet({ candidates: 4, params: PARAMS });
    for (let i = 0; i < 4; i++) await net.start(i);
    const [u0, u1, u2, u3] = net.users;
    await net.submit([transfer(u0, u1, 10n, 0), transfer(u1, u2, 20n, 0), transfer(u2, u3, 30n, 0)]);
    const nodes = net.running();
    expect(await net.bus.runUntil(() => nodes.every((n) => n.chain.finalizedHeight() >= 25), 10_000)).toBe(
      true,
    );
    const chains = await Promise.all(nodes.map((n) => net!.finalChain(n)));
    const shortest = Math.min(...chains.map((c) => c.length));
    for (const c of chains) expect(c.slice(0, shortest)).toEqual(chains[0].slice(0, shortest));
    // Every committed block is final on a dpos node.
    for (const n of nodes) expect(n.chain.finalizedHeight()).toBe(n.chain.head().height);
    const n0 = nodes[0];
    let txs = 0;
    const producers = new Set<string>();
    for (let h = 1; h <= 25; h++) {
      const b = (await n0.chain.getBlock(h))!;
      txs += b.txs.length;
      producers.add(bytesToHex(b.header.proposer));
      expect(n0.plugin.verifyCertificate(b.header)).toBe(true);
      expect(b.header.epoch).toBe(Math.floor((h - 1) / 10));
    }
    expect(txs).toBe(3);
    expect(producers.size).toBe(4);
    const [a0, a3] = await n0.chain.getAccounts([u0, u3].map((k) => addressFromPublicKey(k.publicKey)));
    expect(a0.balance).toBe(1_000_000n - 11n);
    expect(a3.balance).toBe(1_000_000n + 30n);
    // Schedules of committed epochs are stored for restarts.
    expect(await n0.chain.loadConsensusData("schedule/0")).not.toBeNull();
    expect(await n0.chain.loadConsensusData("schedule/2")).not.toBeNull();
    expect(await n0.plugin.producers(0)).toHaveLength(4);
    const tampered = (await n0.chain.getBlock(3))!.header;
    expect(n0.plugin.verifyCertificate({ ...tampered, time: tampered.time + 1 })).toBe(false);
    expect(n0.plugin.evidence()).toEqual([]);
  });

  it("drops garbage and forged blocks without throwing", async () => {
    net = new DposNet({ candidates: 4, params: PARAMS });
    for (let i = 0; i < 4; i++) await net.start(i);
    expect(
      await net.bus.runUntil(() => net!.running().every((n) => n.chain.finalizedHeight() >= 3), 5_000),
    ).toBe(true);
    const n0 = net.running()[0];
    const attacker = net.bus.channel("attacker");
    attacker.subscribe(DPOS_BLOCK, () => {});
    attacker.publish(DPOS_BLOCK, new Uint8Array([1, 2, 3]));
    attacker.publish(DPOS_BLOCK, new Uint8Array(0));
    // A real block re-signed by a key that is not the slot's producer.
    const block = (await n0.chain.getBlock(2))!;
    const forged = { ...block, header: { ...block.header, height: 100, certificate: new Uint8Array(64) } };
    attacker.publish(DPOS_BLOCK, encodeBlock(forged));
    await net.bus.settle();
    const before = n0.chain.finalizedHeight();
    expect(await net.bus.runUntil(() => n0.chain.finalizedHeight() >= before + 5, 5_000)).toBe(true);
  });

  it("an offline producer's slots are missed; the chain goes on and finalises without it", async () => {
    net = new DposNet({ candidates: 4, params: PARAMS });
    for (let i = 0; i < 4; i++) await net.start(i);
    const offline = net.nodes.get(3)!;
    net.bus.silenced.add(offline.id);
    const online = net.running().filter((n) => n !== offline);
    expect(await net.bus.runUntil(() => online.every((n) => n.chain.finalizedHeight() >= 20), 10_000)).toBe(
      true,
    );
    const n0 = online[0];
    const offlineKey = bytesToHex(offline.keys.publicKey);
    for (let h = 1; h <= 20; h++)
      expect(bytesToHex((await n0.chain.getBlock(h))!.header.proposer)).not.toBe(offlineKey);
    // Alone it cannot make anything irreversible.
    expect(offline.chain.finalizedHeight()).toBe(0);
    // Back online, it follows the others' branch and commits the same blocks.
    net.bus.silenced.delete(offline.id);
    const target = n0.chain.finalizedHeight();
    expect(await net.bus.runUntil(() => offline.chain.finalizedHeight() >= target, 10_000)).toBe(true);
    const [mine, theirs] = await Promise.all([net.finalChain(offline), net.finalChain(n0)]);
    expect(mine.slice(0, target)).toEqual(theirs.slice(0, target));
  });

  it("a restarted node catches up via sync and commits the same chain", async () => {
    net = new DposNet({ candidates: 4, params: PARAMS });
    for (let i = 0; i < 4; i++) await net.start(i);
    expect(
      await net.bus.runUntil(() => net!.running().every((n) => n.chain.finalizedHeight() >= 5), 5_000),
    ).toBe(true);
    const old = net.nodes.get(2)!;
    await old.plugin.stop();
    const stoppedAt = old.chain.head().height;
    const others = net.running().filter((n) => n !== old);
    expect(
      await net.bus.runUntil(() => others.every((n) => n.chain.finalizedHeight() >= stoppedAt + 30), 20_000),
    ).toBe(true);
    const restarted = await net.start(2);
    expect(restarted.chain.head().height).toBe(stoppedAt);
    const target = others[0].chain.finalizedHeight();
    expect(await net.bus.runUntil(() => restarted.chain.finalizedHeight() >= target + 5, 20_000)).toBe(true);
    const [mine, theirs] = await Promise.all([net.finalChain(restarted), net.finalChain(others[0])]);
    expect(mine.slice(0, target)).toEqual(theirs.slice(0, target));
    // It produces again in its slots.
    const key = bytesToHex(restarted.keys.publicKey);
    let produced = false;
    for (let h = target + 1; h <= restarted.chain.finalizedHeight(); h++)
      if (bytesToHex((await restarted.chain.getBlock(h))!.header.proposer) === key) produced = true;
    expect(produced).toBe(true);
    expect(restarted.plugin.evidence()).toEqual([]);
    for (const n of others) expect(n.plugin.evidence()).toEqual([]);
  });

  it("is registered as 'dpos' and refuses bad parameters with a clear error", () => {
    const n = new DposNet({ candidates: 4, params: PARAMS });
    const ctx = {
      app: {} as ConsensusApp,
      chain: { chainId: 1, shard: 0 },
      committee: { epoch: 0, members: n.candidates.map((k) => ({ publicKey: k.publicKey, weight: 1 })) },
      keys: { ed25519: n.candidates[0] },
      channel: null,
      clock: n.bus,
      logger: nullLogger,
    };
    expect(consensusFactory("dpos")({ ...ctx, params: PARAMS }).name).toBe("dpos");
    expect(() => consensusFactory("dpos")({ ...ctx, params: { producers: 0 } })).toThrow(
      /dpos parameter producers: expected an integer >= 1/,
    );
  });
});

describe("dpos forks", () => {
  it("a partition finalises nothing on either side; after healing the higher branch wins everywhere", async () => {
    net = new DposNet({ candidates: 4, params: PARAMS });
    for (let i = 0; i < 4; i++) await net.start(i);
    const nodes = net.running();
    expect(await net.bus.runUntil(() => nodes.every((n) => n.chain.finalizedHeight() >= 3), 5_000)).toBe(
      true,
    );
    const [n0, n1, n2, n3] = nodes;
    net.bus.partition([n0.id, n1.id], [n2.id, n3.id]);
    await net.bus.advance(3_000);
    const frozen = nodes.map((n) => n.chain.finalizedHeight());
    await net.bus.advance(3_000);
    // Two producers on each side: never the 3 distinct producers finality needs, so no conflicting commits.
    expect(nodes.map((n) => n.chain.finalizedHeight())).toEqual(frozen);
    const tip = (n: (typeof nodes)[number]) => n.plugin.bestBranch().at(-1);
    expect(bytesToHex(headerHash(tip(n0)!))).not.toBe(bytesToHex(headerHash(tip(n2)!)));
    net.bus.heal();
    const target = Math.max(...frozen) + 10;
    expect(
      await net.bus.runUntil(() => nodes.every((n) => n.chain.finalizedHeight() >= target), 20_000),
    ).toBe(true);
    const chains = await Promise.all(nodes.map((n) => net!.finalChain(n)));
    for (const c of chains) expect(c.slice(0, target)).toEqual(chains[0].slice(0, target));
    for (const n of nodes) expect(n.plugin.evidence()).toEqual([]);
  });

  it("a restart finds the stored schedules; a corrupted one is a clear error", async () => {
    net = new DposNet({ candidates: 4, params: PARAMS });
    for (let i = 0; i < 4; i++) await net.start(i);
    const nodes = net.running();
    expect(await net.bus.runUntil(() => nodes.every((n) => n.chain.finalizedHeight() >= 25), 10_000)).toBe(
      true,
    );
    const n3 = net.nodes.get(3)!;
    await n3.plugin.stop();
    const restarted = await net.start(3);
    expect(await restarted.plugin.producers(2)).toHaveLength(4);
    await restarted.plugin.stop();
    // Another database with the head past an election block whose schedule was never stored.
    await n3.chain.saveConsensusData(
      `schedule/${Math.floor(n3.chain.head().height / 10)}`,
      new Uint8Array(0),
    );
    await expect(net.start(3)).rejects.toThrow(/stored dpos schedule/);
  });
});
