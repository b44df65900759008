import type { ChunkStoreTotals, DlfsObjectKind, ReplicaHealth } from "@vshard/storage";
import { expectArray, expectBytes, expectUint } from "@vshard/types";

/** Operations storage nodes serve over `PeerRpc`. */
export const DLFS_OPS = {
  /** [cid, kind, bytes] → ["stored" | "exists"]: the node checks the bytes against the CID before storing. */
  put: "dlfs/put",
  /** [cid] → [bytes | null, kind]: what the node has on disk (the reader verifies). */
  get: "dlfs/get",
  /** [[cid, …]] → [[health, …]]: whether each object is stored and still matches its CID. */
  health: "dlfs/health",
  /** [cid] → [health]: a reader found this node's copy bad; the node checks it and drops it if it is damaged. */
  check: "dlfs/check",
  /** [] → [StorageNodeStats fields]. */
  stats: "dlfs/stats",
} as const;

const KIND_BYTES: Record<DlfsObjectKind, number> = { chunk: 0, manifest: 1 };
const HEALTH_BYTES: Record<ReplicaHealth, number> = { healthy: 0, corrupt: 1, missing: 2 };
const HEALTHS: ReplicaHealth[] = ["healthy", "corrupt", "missing"];

export function kindToWire(kind: DlfsObjectKind): number {
  return KIND_BYTES[kind];
}

export function kindFromWire(value: unknown): DlfsObjectKind {
  return expectUint(value, "dlfs kind", 1) === KIND_BYTES.manifest ? "manifest" : "chunk";
}

export function healthToWire(h: ReplicaHealth): number {
  return HEALTH_BYTES[h];
}

export function healthFromWire(value: unknown): ReplicaHealth {
  return HEALTHS[expectUint(value, "dlfs health", 2)];
}

/** Most CIDs in one health request: 1,024 × 36 bytes keeps a request under 40 KiB. */
export const MAX_HEALTH_BATCH = 1024;

export function cidListFromWire(value: unknown): Uint8Array[] {
  const cids = expectArray(value, "cids", (v, what) => expectBytes(v, what));
  if (cids.length > MAX_HEALTH_BATCH) throw new RangeError(`at most ${MAX_HEALTH_BATCH} CIDs per request`);
  return cids;
}

/** What a storage node reports about itself: its store's totals and its last repair pass. */
export interface StorageNodeStats extends ChunkStoreTotals {
  id: string;
  /** Objects whose placement had fewer healthy copies than the replica count at the last repair pass. */
  underReplicated: number;
  /** Copies this node has pushed to restore a placement, since it started. */
  repairs: number;
}

export function statsToWire(s: StorageNodeStats): unknown[] {
  return [s.objects, s.bytes, s.manifests, s.bodyBytes, s.packedBytes, s.underReplicated, s.repairs];
}

export function statsFromWire(id: string, values: unknown[]): StorageNodeStats {
  const f = values.map((v, i) => expectUint(v, `stats[${i}]`));
  if (f.length !== 7) throw new RangeError("a stats answer has 7 fields");
  return {
    id,
    objects: f[0],
    bytes: f[1],
    manifests: f[2],
    bodyBytes: f[3],
    packedBytes: f[4],
    underReplicated: f[5],
    repairs: f[6],
  };
}
