import { join } from "node:path";
import type { Clock, Logger } from "@vshard/engine";
import { ChunkStore, cidToString, LevelKvStore, type ReplicaHealth } from "@vshard/storage";
import { expectBytes } from "@vshard/types";
import type { Transport } from "../network/transport.ts";
import {
  cidListFromWire,
  DLFS_OPS,
  healthToWire,
  kindFromWire,
  kindToWire,
  type StorageNodeStats,
  statsToWire,
} from "./dlfsOps.ts";
import { DEFAULT_RPC_TIMEOUT_MS, PeerRpc } from "./peerRpc.ts";
import { type RepairReport, repairPass } from "./repairPass.ts";
import type { StorageMembership } from "./storageMembership.ts";

/** A storage node's options. */
export interface StorageNodeOptions {
  /** Its classic-level database goes in `dataDir/db`. */
  dataDir: string;
  /** Copies of each object the network keeps. */
  replicas: number;
  /** How often it re-checks its objects' placements and pushes missing copies (0: only when asked, e.g. tests). */
  repairIntervalMs: number;
}

/**
 * 10 s between repair passes: a pass asks every placed peer about each object once, so its cost grows with the store;
 * 10 s restores a lost node's copies within seconds on a devnet without keeping the links busy.
 */
export const DEFAULT_REPAIR_INTERVAL_MS = 10_000;

/**
 * A storage node: holds DLFS objects in its own database, checks every object it is given against its CID, serves
 * them to readers, and repairs: each pass it looks up where each of its objects belongs among the current members
 * (rendezvous hashing) and pushes a copy to every placed node that lacks a healthy one. It runs no chain.
 */
export class StorageNode {
  private readonly unsubscribes: Array<() => void> = [];
  private cancelTimer: (() => void) | null = null;
  private pass: Promise<RepairReport> | null = null;
  private last: RepairReport = { objects: 0, underReplicated: 0, repaired: 0, unreachable: [] };
  private repairs = 0;
  private stopped = false;

  private constructor(
    readonly opts: StorageNodeOptions,
    readonly store: ChunkStore,
    /** The node's key-value store (what a disk fault damages: tests write to it directly). */
    readonly kv: LevelKvStore,
    private readonly rpc: PeerRpc,
    private readonly modules: { membership: StorageMembership; clock: Clock; logger: Logger },
  ) {}

  static async create(
    opts: StorageNodeOptions,
    modules: { transport: Transport; membership: StorageMembership; clock: Clock; logger: Logger },
  ): Promise<StorageNode> {
    const kv = await LevelKvStore.create({ path: join(opts.dataDir, "db") });
    const store = await ChunkStore.open(kv);
    const rpc = new PeerRpc({ timeoutMs: DEFAULT_RPC_TIMEOUT_MS }, modules);
    return new StorageNode(opts, store, kv, rpc, modules);
  }

  /** This node's peer id (its name in the membership). */
  get id(): string {
    return this.rpc.peerId;
  }

  /** Starts serving the DLFS operations, and repairing every `repairIntervalMs` and after each membership change. */
  start(): void {
    const { rpc, store } = this;
    this.unsubscribes.push(
      rpc.handle(DLFS_OPS.put, async (_from, [cid, kind, bytes]) => [
        await store.put(expectBytes(cid, "cid"), expectBytes(bytes, "bytes"), kindFromWire(kind)),
      ]),
      rpc.handle(DLFS_OPS.get, async (_from, [cid]) => {
        const found = await store.get(expectBytes(cid, "cid"));
        return found ? [found.bytes, kindToWire(found.kind)] : [null, 0];
      }),
      rpc.handle(DLFS_OPS.health, async (_from, [cids]) => [
        await Promise.all(cidListFromWire(cids).map(async (c) => healthToWire(await store.health(c)))),
      ]),
      rpc.handle(DLFS_OPS.check, async (from, [cid]) => [healthToWire(await this.checkReported(from, cid))]),
      rpc.handle(DLFS_OPS.stats, async () => statsToWire(this.stats())),
      this.modules.membership.subscribe(() => void this.repair().catch(() => undefined)),
    );
    this.schedule();
  }

  /** Runs one repair pass (or joins the one running): see `repairPass`. */
  repair(): Promise<RepairReport> {
    this.pass ??= (async () => {
      try {
        const report = await repairPass(
          { replicas: this.opts.replicas, self: this.id },
          { store: this.store, rpc: this.rpc, members: this.modules.membership.members() },
        );
        this.last = report;
        this.repairs += report.repaired;
        if (report.repaired > 0 || report.underReplicated > 0)
          this.modules.logger.info(
            {
              underReplicated: report.underReplicated,
              repaired: report.repaired,
              unreachable: report.unreachable,
            },
            "dlfs repair pass",
          );
        return report;
      } finally {
        this.pass = null;
      }
    })();
    return this.pass;
  }

  /** Its store's totals and its repair figures. */
  stats(): StorageNodeStats {
    return {
      id: this.id,
      ...this.store.stats(),
      underReplicated: this.last.underReplicated,
      repairs: this.repairs,
    };
  }

  /** Stops serving and repairing, then closes the database. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelTimer?.();
    for (const u of this.unsubscribes) u();
    this.rpc.close();
    await this.pass?.catch(() => undefined);
    await this.kv.close();
  }

  private schedule(): void {
    const every = this.opts.repairIntervalMs;
    if (every <= 0 || this.stopped) return;
    this.cancelTimer = this.modules.clock.setTimer(every, async () => {
      await this.repair().catch((err) => this.modules.logger.warn({ err }, "dlfs repair pass failed"));
      this.schedule();
    });
  }

  private async checkReported(from: string, cidValue: unknown): Promise<ReplicaHealth> {
    const cid = expectBytes(cidValue, "cid");
    const health = await this.store.health(cid);
    if (health === "corrupt") {
      await this.store.delete(cid);
      this.modules.logger.warn({ cid: cidToString(cid), reportedBy: from }, "dlfs: damaged copy dropped");
    }
    return health;
  }
}
