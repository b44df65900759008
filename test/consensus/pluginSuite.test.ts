import { bytesToHex } from "@vshard/crypto";
import type { VshardNode } from "@vshard/node";
import { addressFromPublicKey, BURN_ADDRESS, headerHash, type SignedTx } from "@vshard/types";
import { afterEach, describe, expect, it } from "vitest";
import {
  expectNoConflictingFinalBlocks,
  finalHashes,
  type SimCluster,
  startSimCluster,
} from "../helpers/simCluster.ts";
import { transfer } from "../helpers/testNetwork.ts";

// One suite, every plugin: the same scenarios on a simulated cluster (virtual time, real classic-level folders).
const plugins = [
  { name: "solo", nodes: 1, params: { blockIntervalMs: 250 } },
  { name: "bft", nodes: 4, params: {} },
  { name: "bft", nodes: 7, params: {} },
  { name: "dpos", nodes: 4, params: { producers: 4, slotMs: 250, epochLength: 40 } },
];

/** Virtual time a scenario may take before it counts as stuck. */
const MAX_SIM_MS = 120_000;

/** Tracks where each tx was included on each node, so a run can wait until all are final everywhere. */
function trackInclusion(nodes: VshardNode[]) {
  const included = nodes.map(() => new Map<string, number>());
  for (const [i, node] of nodes.entries())
    node.chain.subscribe((e) => {
      if (e.type === "block") for (const h of e.txHashes ?? []) included[i].set(h, e.height);
    });
  return (hashes: string[]) =>
    nodes.every((node, i) =>
      hashes.every((h) => (included[i].get(h) ?? Number.POSITIVE_INFINITY) <= node.chain.finalizedHeight()),
    );
}

/** Each client sends `rounds` transfers of 10 to the next client. */
function ringTransfers(c: SimCluster, rounds: number, firstNonce = 0): SignedTx[] {
  const out: SignedTx[] = [];
  for (let r = 0; r < rounds; r++)
    for (const [i, k] of c.clients.entries())
      out.push(transfer(k, c.clients[(i + 1) % c.clients.length], 10n, firstNonce + r));
  return out;
}

async function submitThroughSim(c: SimCluster, node: VshardNode, txs: SignedTx[]): Promise<string[]> {
  const hashes: string[] = [];
  c.sim.schedule(0, async () => {
    const results = await node.submitTxs(txs);
    for (const r of results) {
      if (!r.ok) throw new Error(`submission refused: ${r.error.message}`);
      hashes.push(r.hash);
    }
  });
  await c.sim.runFor(1);
  return hashes;
}

async function supplyHeld(c: SimCluster, node: VshardNode): Promise<bigint> {
  const addresses = [
    ...c.clients.map((k) => addressFromPublicKey(k.publicKey)),
    ...c.cluster.validators.map((v) => addressFromPublicKey(v.keys.publicKey)),
    BURN_ADDRESS,
  ];
  const accounts = await node.chain.getAccounts(addresses);
  return accounts.reduce((sum, a) => sum + a.balance + (a.staking?.stake ?? 0n), 0n);
}

describe.each(plugins)("$name × $nodes: the shared consensus suite", (plugin) => {
  let c: SimCluster | null = null;
  afterEach(async () => {
    await c?.close();
    c = null;
  });
  const start = (seed: number) =>
    startSimCluster({ nodes: plugin.nodes, consensus: { name: plugin.name, params: plugin.params }, seed });

  it("finalises blocks carrying transfers; every node holds the same blocks, balances and supply", async () => {
    c = await start(1);
    const nodes = c.cluster.running().map((r) => r.node);
    const allFinal = trackInclusion(nodes);
    const hashes = await submitThroughSim(c, nodes[0], ringTransfers(c, 5));
    expect(await c.sim.runUntilCondition(() => allFinal(hashes), MAX_SIM_MS)).toBe(true);
    await expectNoConflictingFinalBlocks(nodes);
    for (const node of nodes) {
      const balances = await node.chain.getAccounts(c.clients.map((k) => addressFromPublicKey(k.publicKey)));
      // Each client sent and received 5 × 10 and paid 5 fees of 1.
      for (const a of balances) expect(a.balance).toBe(1_000_000n - 5n);
      expect(await supplyHeld(c, node)).toBe(node.chain.supply);
    }
  });

  it.skipIf(plugin.nodes < 4)(
    "a minority node killed and restarted catches up to the same head and state root",
    async () => {
      c = await start(2);
      expect(await c.runUntilFinal(3, MAX_SIM_MS)).toBe(true);
      const last = plugin.nodes - 1;
      await c.cluster.crash(last);
      const hashes = await submitThroughSim(c, c.cluster.node(0), ringTransfers(c, 3));
      const others = c.cluster.running().map((r) => r.node);
      const allFinal = trackInclusion(others);
      expect(await c.sim.runUntilCondition(() => allFinal(hashes), MAX_SIM_MS)).toBe(true);
      const target = c.cluster.node(0).chain.finalizedHeight();
      const restarted = await c.cluster.restart(last);
      expect(
        await c.sim.runUntilCondition(() => restarted.chain.finalizedHeight() >= target, MAX_SIM_MS),
      ).toBe(true);
      const mine = await restarted.chain.getBlock(target);
      const theirs = await c.cluster.node(0).chain.getBlock(target);
      expect(bytesToHex(headerHash(mine!.header))).toBe(bytesToHex(headerHash(theirs!.header)));
      expect(bytesToHex(mine!.header.stateRoot)).toBe(bytesToHex(theirs!.header.stateRoot));
      await expectNoConflictingFinalBlocks(c.cluster.running().map((r) => r.node));
    },
  );

  it("the same seed gives the same final chain", async () => {
    const runOnce = async () => {
      const run = await start(7);
      try {
        await submitThroughSim(run, run.cluster.node(0), ringTransfers(run, 2));
        expect(await run.runUntilFinal(8, MAX_SIM_MS)).toBe(true);
        return (await finalHashes(run.cluster.node(0))).slice(0, 8);
      } finally {
        await run.close();
      }
    };
    const first = await runOnce();
    const second = await runOnce();
    expect(second).toEqual(first);
  });
});
