import { bytesEqual } from "@vshard/crypto";
import type { Logger } from "@vshard/engine";
import {
  bodyCidOf,
  cidMatches,
  cidToString,
  DlfsError,
  type DlfsObject,
  decodeManifest,
  defaultDlfsLayout,
  type PackedBody,
  placeReplicas,
  rendezvousOrder,
  unpackBody,
} from "@vshard/storage";
import { decodeBody, encodeBody, type Header, type SignedTx, txRootOf } from "@vshard/types";
import type { NodeMetrics } from "../metrics.ts";
import { DLFS_OPS, kindFromWire, kindToWire, type StorageNodeStats, statsFromWire } from "./dlfsOps.ts";
import { type PeerRpc, RpcError } from "./peerRpc.ts";
import type { StorageMembership } from "./storageMembership.ts";

/** A replica a reader could not use, and why. */
export interface SkippedReplica {
  node: string;
  /** The object (base32 CID). */
  cid: string;
  reason: "corrupt" | "missing" | "unreachable" | "error";
}

/** What a read went through: the replicas it skipped on the way. */
export interface FetchReport {
  /** Objects read (the manifest and each chunk). */
  objects: number;
  skipped: SkippedReplica[];
}

/** A write's outcome: copies stored and copies that did not get through (repair completes those later). */
export interface PublishReport {
  objects: number;
  copies: number;
  failed: Array<{ node: string; cid: string; reason: string }>;
}

/** The DLFS as the network sees it: every storage node's figures and their totals. */
export interface DlfsStats {
  replicas: number;
  /** Bytes of objects on all storage nodes (every copy counted). */
  bytesStored: number;
  /** Chunk copies on all storage nodes (manifests apart). */
  chunks: number;
  manifests: number;
  /** Body bytes ÷ packed bytes over the stored manifests; 1 when none is stored. */
  compressionRatio: number;
  underReplicated: number;
  repairs: number;
  nodes: Array<StorageNodeStats & { online: boolean }>;
}

const GENESIS_BODY_CID = bodyCidOf(encodeBody([]), defaultDlfsLayout);

/**
 * Reads and writes the DLFS for one node: writes put each object on its `replicas` rendezvous nodes; reads try an
 * object's nodes in rendezvous order (placed nodes first, then the other members, which may hold it from before a
 * membership change), verify what comes back against the CID, skip and report corrupt, missing and unreachable
 * replicas (telling a node whose copy was damaged, so that it drops it and repair replaces it).
 */
export class DlfsClient {
  constructor(
    private readonly opts: { replicas: number },
    private readonly modules: {
      rpc: PeerRpc;
      membership: StorageMembership;
      logger: Logger;
      metrics?: NodeMetrics | null;
    },
  ) {}

  /** Writes a packed body (manifest and chunks); throws `DLFS_ERROR_UNAVAILABLE` when an object reached no node. */
  async publish(packed: PackedBody): Promise<PublishReport> {
    const objects: Array<DlfsObject & { kind: "manifest" | "chunk" }> = [
      { ...packed.manifestObject, kind: "manifest" },
      ...packed.chunks.map((c) => ({ ...c, kind: "chunk" as const })),
    ];
    const report: PublishReport = { objects: objects.length, copies: 0, failed: [] };
    const members = this.modules.membership.members();
    const lost: string[] = [];
    await Promise.all(
      objects.map(async ({ cid, bytes, kind }) => {
        const targets = placeReplicas(cid, members, this.opts.replicas);
        const results = await Promise.allSettled(
          targets.map((node) => this.modules.rpc.request(node, DLFS_OPS.put, [cid, kindToWire(kind), bytes])),
        );
        let copies = 0;
        results.forEach((r, i) => {
          if (r.status === "fulfilled") copies++;
          else
            report.failed.push({
              node: targets[i],
              cid: cidToString(cid),
              reason: (r.reason as Error).message,
            });
        });
        report.copies += copies;
        if (copies === 0) lost.push(cidToString(cid));
      }),
    );
    if (lost.length > 0)
      throw new DlfsError(
        { code: "DLFS_ERROR_UNAVAILABLE", cid: lost[0] },
        `no storage node took ${lost.length} of ${objects.length} objects (${members.length} members), first ${lost[0]}`,
      );
    return report;
  }

  /** One object by CID, verified; throws `DLFS_ERROR_UNAVAILABLE` when no replica has it intact. */
  async fetchObject(
    cid: Uint8Array,
    report: FetchReport,
  ): Promise<{ bytes: Uint8Array; kind: "manifest" | "chunk" }> {
    const text = cidToString(cid);
    report.objects++;
    for (const node of rendezvousOrder(cid, this.modules.membership.members())) {
      let values: unknown[];
      try {
        values = await this.modules.rpc.request(node, DLFS_OPS.get, [cid]);
      } catch (err) {
        const reason = err instanceof RpcError && err.code === "RPC_ERROR_TIMEOUT" ? "unreachable" : "error";
        this.skip(report, { node, cid: text, reason });
        continue;
      }
      const [bytes, kind] = values;
      if (!(bytes instanceof Uint8Array)) {
        this.skip(report, { node, cid: text, reason: "missing" });
        continue;
      }
      if (!cidMatches(cid, bytes)) {
        this.skip(report, { node, cid: text, reason: "corrupt" });
        this.modules.rpc.request(node, DLFS_OPS.check, [cid]).catch(() => undefined);
        continue;
      }
      try {
        return { bytes, kind: kindFromWire(kind) };
      } catch {
        // The right bytes with a malformed kind: a broken member, skipped like any bad replica.
        this.skip(report, { node, cid: text, reason: "error" });
      }
    }
    throw new DlfsError(
      { code: "DLFS_ERROR_UNAVAILABLE", cid: text },
      `no replica of ${text} could be read intact (skipped: ${report.skipped
        .filter((s) => s.cid === text)
        .map((s) => `${s.node} ${s.reason}`)
        .join(", ")})`,
    );
  }

  /** A body's canonical bytes by the header's body CID: manifest, then chunks, each verified, then the whole. */
  async fetchBody(
    bodyCid: Uint8Array,
    maxBodyBytes: number,
  ): Promise<{ body: Uint8Array; report: FetchReport }> {
    const report: FetchReport = { objects: 0, skipped: [] };
    const manifest = decodeManifest((await this.fetchObject(bodyCid, report)).bytes);
    const chunks = await Promise.all(
      manifest.chunks.map(async (c) => (await this.fetchObject(c, report)).bytes),
    );
    return { body: unpackBody(manifest, chunks, maxBodyBytes), report };
  }

  /**
   * A block's transactions from the DLFS, verified against its header (body CID, then tx root). A genesis body
   * (empty, never published) needs no read.
   */
  async fetchTxs(header: Header, maxBodyBytes: number): Promise<{ txs: SignedTx[]; report: FetchReport }> {
    if (header.height === 0 && bytesEqual(header.bodyCid, GENESIS_BODY_CID))
      return { txs: [], report: { objects: 0, skipped: [] } };
    const { body, report } = await this.fetchBody(header.bodyCid, maxBodyBytes);
    const txs = decodeBody(body);
    if (!bytesEqual(txRootOf(txs), header.txRoot))
      throw new DlfsError(
        { code: "DLFS_ERROR_BODY_MISMATCH", cid: cidToString(header.bodyCid) },
        `the body of block ${header.height} does not match its header's tx root`,
      );
    return { txs, report };
  }

  private skip(report: FetchReport, s: SkippedReplica): void {
    report.skipped.push(s);
    this.modules.metrics?.dlfsReplicasSkipped.inc({ reason: s.reason });
  }

  /** Asks every member for its figures; a member that does not answer is listed offline with zeros. */
  async stats(): Promise<DlfsStats> {
    const nodes = await Promise.all(
      this.modules.membership.members().map(async (id) => {
        try {
          return {
            ...statsFromWire(id, await this.modules.rpc.request(id, DLFS_OPS.stats, [])),
            online: true,
          };
        } catch {
          const zero = { objects: 0, bytes: 0, manifests: 0, bodyBytes: 0, packedBytes: 0 };
          return { id, ...zero, underReplicated: 0, repairs: 0, online: false };
        }
      }),
    );
    const sum = (f: (n: StorageNodeStats) => number) => nodes.reduce((a, n) => a + f(n), 0);
    const packed = sum((n) => n.packedBytes);
    return {
      replicas: this.opts.replicas,
      bytesStored: sum((n) => n.bytes),
      chunks: sum((n) => n.objects - n.manifests),
      manifests: sum((n) => n.manifests),
      compressionRatio: packed === 0 ? 1 : sum((n) => n.bodyBytes) / packed,
      underReplicated: sum((n) => n.underReplicated),
      repairs: sum((n) => n.repairs),
      nodes,
    };
  }
}
