import { sha256 } from "@vshard/crypto";

const encoder = new TextEncoder();

/** A node's weight for one object: the first 8 bytes of sha256(node id ‖ 0x00 ‖ cid), as an unsigned integer. */
function weight(nodeId: string, cid: Uint8Array): bigint {
  const digest = sha256(encoder.encode(nodeId), Uint8Array.of(0), cid);
  return new DataView(digest.buffer, digest.byteOffset, 8).getBigUint64(0);
}

/**
 * Rendezvous (highest random weight) order of `nodeIds` for one object: every node computes the same order from the
 * same member list, and removing a member moves only the objects it held (each to the next node in its own order).
 * Ties, which need equal 64-bit weights, fall back to the id; a repeated id counts once.
 */
export function rendezvousOrder(cid: Uint8Array, nodeIds: readonly string[]): string[] {
  return [...new Set(nodeIds)]
    .map((id) => ({ id, w: weight(id, cid) }))
    .sort((a, b) => (a.w === b.w ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.w > b.w ? -1 : 1))
    .map((n) => n.id);
}

/** The `replicas` nodes an object is placed on: the first of its rendezvous order. */
export function placeReplicas(cid: Uint8Array, nodeIds: readonly string[], replicas: number): string[] {
  return rendezvousOrder(cid, nodeIds).slice(0, replicas);
}
