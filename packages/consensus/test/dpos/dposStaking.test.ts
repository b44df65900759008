import { bytesToHex, ed25519Sign } from "@vshard/crypto";
import { addressFromPublicKey, BURN_ADDRESS, encodeBlock, headerHash, TxKind } from "@vshard/types";
import { afterEach, describe, expect, it } from "vitest";
import { DPOS_BLOCK } from "../../src/dpos/dposConsensus.ts";
import { DposNet, type TestNode, vote } from "./dposHarness.ts";

let net: DposNet | null = null;
afterEach(async () => {
  await net?.stopAll();
  net = null;
});

const hexes = (keys: Uint8Array[] | null) => (keys ?? []).map(bytesToHex);

/** Σ balance + Σ stake over the users, the candidates and the burn address. */
async function supplyHeld(n: DposNet, node: TestNode): Promise<bigint> {
  const addresses = [...n.users, ...n.candidates].map((k) => addressFromPublicKey(k.publicKey));
  const accounts = await node.chain.getAccounts([...addresses, BURN_ADDRESS]);
  return accounts.reduce((sum, a) => sum + a.balance + (a.staking?.stake ?? 0n), 0n);
}

describe("dpos double production", () => {
  it("is detected, an evidence tx lands in a block, and the offender's stake is burned", async () => {
    net = new DposNet({ candidates: 4, params: { producers: 4, epochLength: 10, slotMs: 100 } });
    const offender = await net.start(0, { faults: { doubleProduce: true } });
    for (let i = 1; i < 4; i++) await net.start(i);
    const honest = net.running().filter((n) => n !== offender);
    const offenderAddress = addressFromPublicKey(offender.keys.publicKey);
    const stakeOf = async (node: TestNode) =>
      (await node.chain.getAccounts([offenderAddress]))[0].staking?.stake;
    expect(await stakeOf(honest[0])).toBe(1000n);
    const slashedEverywhere = async () => {
      for (const n of net!.running()) if ((await stakeOf(n)) !== 0n) return false;
      return true;
    };
    let done = false;
    for (let t = 0; t < 100 && !done; t++) {
      await net.bus.advance(100);
      done = await slashedEverywhere();
    }
    expect(done).toBe(true);
    for (const n of honest) {
      const ev = n.plugin.evidence();
      expect(ev.length).toBeGreaterThan(0);
      expect(ev[0]).toMatchObject({ kind: "double-production", offender: offender.keys.publicKey });
    }
    // The evidence tx is in a committed block, and the burn address holds the stake.
    const n1 = honest[0];
    let evidenceTxs = 0;
    for (let h = 1; h <= n1.chain.finalizedHeight(); h++)
      evidenceTxs += (await n1.chain.getBlock(h))!.txs.filter((t) => t.tx.kind === TxKind.Evidence).length;
    expect(evidenceTxs).toBe(1);
    const [burn, slashed] = await n1.chain.getAccounts([BURN_ADDRESS, offenderAddress]);
    expect(burn.balance).toBe(1000n);
    expect(slashed.staking?.stake ?? 0n).toBe(0n);
    expect(await supplyHeld(net, n1)).toBe(n1.chain.supply);
    // The next epochs elect only the three honest producers, and the chain still finalises.
    const height = n1.chain.finalizedHeight();
    expect(await net.bus.runUntil(() => n1.chain.finalizedHeight() >= height + 25, 10_000)).toBe(true);
    const epoch = Math.floor(n1.chain.finalizedHeight() / 10);
    expect(hexes(await n1.plugin.producers(epoch)).sort()).toEqual(
      honest.map((n) => bytesToHex(n.keys.publicKey)).sort(),
    );
    const [mine, theirs] = await Promise.all(honest.slice(0, 2).map((n) => net!.finalChain(n)));
    const common = Math.min(mine.length, theirs.length);
    expect(mine.slice(0, common)).toEqual(theirs.slice(0, common));
  });
});

describe("dpos late double production", () => {
  it("a second signed block below the irreversible height is still evidence", async () => {
    net = new DposNet({ candidates: 4, params: { producers: 4, epochLength: 10, slotMs: 100 } });
    for (let i = 0; i < 4; i++) await net.start(i);
    const nodes = net.running();
    expect(await net.bus.runUntil(() => nodes.every((n) => n.chain.finalizedHeight() >= 5), 5_000)).toBe(
      true,
    );
    const n0 = nodes[0];
    const committed = (await n0.chain.getBlock(2))!;
    const producerIndex = net.candidates.findIndex(
      (k) => bytesToHex(k.publicKey) === bytesToHex(committed.header.proposer),
    );
    const key = net.candidates[producerIndex];
    const header = { ...committed.header, time: committed.header.time + 1 };
    header.certificate = ed25519Sign(headerHash(header), key.secretKey);
    const attacker = net.bus.channel("attacker");
    attacker.subscribe(DPOS_BLOCK, () => {});
    // Unsigned junk at that height is ignored; the signed one is evidence.
    attacker.publish(
      DPOS_BLOCK,
      encodeBlock({ ...committed, header: { ...header, certificate: new Uint8Array(64) } }),
    );
    await net.bus.settle();
    expect(n0.plugin.evidence()).toEqual([]);
    attacker.publish(DPOS_BLOCK, encodeBlock({ ...committed, header }));
    await net.bus.settle();
    const others = nodes.filter((n) => n.keys !== key);
    for (const n of others)
      expect(n.plugin.evidence()).toMatchObject([{ offender: key.publicKey, height: 2 }]);
    const offender = addressFromPublicKey(key.publicKey);
    const slashed = async () => ((await n0.chain.getAccounts([offender]))[0].staking?.stake ?? 0n) === 0n;
    let done = false;
    for (let t = 0; t < 50 && !done; t++) {
      await net.bus.advance(100);
      done = await slashed();
    }
    expect(done).toBe(true);
  });
});

describe("dpos elections", () => {
  it("30 candidates elect exactly 21; votes moving stake change the next epoch's set", async () => {
    net = new DposNet({ candidates: 30, params: { producers: 21, epochLength: 16, slotMs: 100 } });
    // Rank order is index order (stake 1000 − i). Nodes for three producers and for candidate 25, not elected yet.
    const nodes = await Promise.all([0, 1, 2, 25].map((i) => net!.start(i)));
    const [n0] = nodes;
    const schedule0 = hexes(await n0.plugin.producers(0));
    expect(schedule0).toEqual(net.candidates.slice(0, 21).map((k) => bytesToHex(k.publicKey)));
    // Candidate 3 moves its votes (its 997 stake) to candidate 25.
    await net.submit([vote(net.candidates[3], [net.candidates[25]], 0)]);
    const best = () => Math.min(...nodes.map((n) => n.chain.head().height));
    // No finality with 4 of 21 producers: watch the best branch instead.
    const bestHeight = (n: TestNode) => n.plugin.bestBranch().at(-1)?.height ?? n.chain.head().height;
    expect(await net.bus.runUntil(() => nodes.every((n) => bestHeight(n) >= 20), 60_000)).toBe(true);
    expect(best()).toBe(0);
    const schedule1 = hexes(await n0.plugin.producers(1));
    expect(schedule1).toHaveLength(21);
    const expected = [25, 0, 1, 2, ...Array.from({ length: 17 }, (_, k) => k + 4)];
    expect(schedule1).toEqual(expected.map((i) => bytesToHex(net!.candidates[i].publicKey)));
    for (const n of nodes.slice(1)) expect(hexes(await n.plugin.producers(1))).toEqual(schedule1);
    // Candidate 25 produces in epoch 1; candidate 3 is out.
    const branch = n0.plugin.bestBranch();
    const producersOf = (from: number, to: number) =>
      branch.filter((h) => h.height >= from && h.height <= to).map((h) => bytesToHex(h.proposer));
    const c25 = bytesToHex(net.candidates[25].publicKey);
    expect(producersOf(1, 16)).not.toContain(c25);
    expect(producersOf(17, 100)).toContain(c25);
    expect(new Set(branch.map((h) => h.epoch))).toEqual(new Set([0, 1]));
  });
});
