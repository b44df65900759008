import { type ChunkStore, cidToString, rendezvousOrder } from "@vshard/storage";
import { DLFS_OPS, healthFromWire, kindToWire, MAX_HEALTH_BATCH } from "./dlfsOps.ts";
import type { PeerRpc } from "./peerRpc.ts";

/** What one repair pass found and did. */
export interface RepairReport {
  /** Objects this node holds (healthy) and checked. */
  objects: number;
  /**
   * Objects that had fewer than `replicas` healthy copies on their placed nodes when the pass looked, counted by the
   * holder that leads their repair (so that the network's total is the sum over storage nodes).
   */
  underReplicated: number;
  /** Copies pushed that the receiver stored. */
  repaired: number;
  /** Placed peers that did not answer. */
  unreachable: string[];
}

/**
 * One repair pass of a storage node: drops its own damaged copies, then for every object it holds finds the object's
 * placement among `members` (rendezvous, `replicas` nodes), asks each placed peer (in batches) whether it holds a
 * healthy copy, and pushes the object to each that does not. Of the holders that know of each other (this node and
 * the placed peers that answered healthy), only the first in the object's rendezvous order pushes and counts it, so
 * copies are not pushed twice. A peer that does not answer is skipped this pass (it may be restarting).
 */
export async function repairPass(
  opts: { replicas: number; self: string },
  modules: { store: ChunkStore; rpc: PeerRpc; members: readonly string[] },
): Promise<RepairReport> {
  const { store, rpc, members } = modules;
  await store.scrub();
  const byPeer = new Map<string, Uint8Array[]>();
  const held: Array<{ cid: Uint8Array; placement: string[]; order: string[] }> = [];
  for await (const { cid } of store.list()) {
    const order = rendezvousOrder(cid, members.includes(opts.self) ? members : [...members, opts.self]);
    const placement = order.filter((m) => members.includes(m)).slice(0, opts.replicas);
    held.push({ cid, placement, order });
    for (const peer of placement)
      if (peer !== opts.self) byPeer.set(peer, [...(byPeer.get(peer) ?? []), cid]);
  }
  const healthy = new Set<string>();
  const key = (peer: string, cid: Uint8Array) => `${peer}/${cidToString(cid)}`;
  const unreachable: string[] = [];
  await Promise.all(
    [...byPeer].map(async ([peer, cids]) => {
      try {
        for (let i = 0; i < cids.length; i += MAX_HEALTH_BATCH) {
          const batch = cids.slice(i, i + MAX_HEALTH_BATCH);
          const [answers] = await rpc.request(peer, DLFS_OPS.health, [batch]);
          if (!Array.isArray(answers) || answers.length !== batch.length)
            throw new Error("bad health answer");
          answers.forEach((a, j) => {
            if (healthFromWire(a) === "healthy") healthy.add(key(peer, batch[j]));
          });
        }
      } catch {
        unreachable.push(peer);
      }
    }),
  );
  let underReplicated = 0;
  let repaired = 0;
  for (const { cid, placement, order } of held) {
    const lacking = placement.filter((p) => p !== opts.self && !healthy.has(key(p, cid)));
    if (lacking.length === 0) continue;
    const lead = order.find((m) => m === opts.self || healthy.has(key(m, cid)));
    if (lead !== opts.self) continue;
    underReplicated++;
    const found = await store.get(cid);
    if (!found) continue;
    for (const peer of lacking) {
      if (unreachable.includes(peer)) continue;
      try {
        const [result] = await rpc.request(peer, DLFS_OPS.put, [cid, kindToWire(found.kind), found.bytes]);
        if (result === "stored") repaired++;
      } catch {
        // The peer refused or went away: the next pass tries again.
      }
    }
  }
  return { objects: held.length, underReplicated, repaired, unreachable };
}
