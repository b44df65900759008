import { join } from "node:path";
import type { Logger } from "@vshard/engine";
import { StorageDirectory } from "../dlfs/storageMembership.ts";
import { StorageNode } from "../dlfs/storageNode.ts";
import type { Scheduler, SimNetwork } from "../network/index.ts";
import { clockOf } from "./cluster.ts";
import { LightNode, type LightNodeOptions } from "./lightNode.ts";

/** The peer id of storage node i on an in-process network. */
export function storagePeerId(i: number): string {
  return `storage-${i}`;
}

/** Options of the DLFS part of an in-process network. */
export interface DlfsNodesOptions {
  /** Parent folder: storage node i keeps its database in `storage-i`, light node k in `light-k`. */
  dataDir: string;
  storageNodes: number;
  replicas: number;
  /** Storage nodes' repair period (0: repair only when asked, or when the membership changes). */
  repairIntervalMs: number;
}

/**
 * The storage nodes and light nodes of an in-process network, on the same `SimNetwork` as its chain nodes: storage
 * nodes are the network's registered members (`directory`), started first; they can be crashed (offline, still
 * members), removed (they leave: repair moves their objects) and restarted on their folders.
 */
export class DlfsNodes {
  readonly directory: StorageDirectory;
  private readonly storage: Array<StorageNode | null>;
  private readonly lights: LightNode[] = [];

  constructor(
    readonly opts: DlfsNodesOptions,
    private readonly modules: { network: SimNetwork; scheduler: Scheduler; logger: Logger },
  ) {
    this.storage = new Array(opts.storageNodes).fill(null);
    this.directory = new StorageDirectory(this.storage.map((_, i) => storagePeerId(i)));
  }

  /** Starts every storage node that is not running. */
  async start(): Promise<void> {
    for (let i = 0; i < this.storage.length; i++) if (!this.storage[i]) await this.startStorage(i);
  }

  /** Storage node i (throws when it is not running). */
  storageNode(i: number): StorageNode {
    const node = this.storage[i];
    if (!node) throw new Error(`storage node ${i} is not running`);
    return node;
  }

  /** The running storage nodes. */
  runningStorage(): StorageNode[] {
    return this.storage.filter((n): n is StorageNode => n !== null);
  }

  /** Storage node i goes offline at once (it stays a member: readers skip it, repair cannot reach it). */
  async crashStorage(i: number): Promise<void> {
    const node = this.storageNode(i);
    this.storage[i] = null;
    this.modules.network.crash(storagePeerId(i));
    await node.stop();
  }

  /** Storage node i leaves the network: it is crashed and no longer a member, so repair re-replicates its objects. */
  async removeStorage(i: number): Promise<void> {
    if (this.storage[i]) await this.crashStorage(i);
    this.directory.remove(storagePeerId(i));
  }

  /** Restarts storage node i on its folder (and makes it a member again). */
  async restartStorage(i: number): Promise<StorageNode> {
    if (this.storage[i]) throw new Error(`storage node ${i} is running`);
    const node = await this.startStorage(i);
    this.directory.add(storagePeerId(i));
    return node;
  }

  /** Starts a light node (`light-k`) following `shards`, asking `fullNodes` for headers. */
  async addLight(
    opts: Pick<LightNodeOptions, "shards" | "fullNodes"> & Partial<LightNodeOptions>,
  ): Promise<LightNode> {
    const id = `light-${this.lights.length}`;
    const transport = this.modules.network.join(id);
    const light = await LightNode.create(
      {
        dataDir: join(this.opts.dataDir, id),
        replicas: this.opts.replicas,
        syncIntervalMs: 0,
        maxBodyBytes: 16 * 1024 * 1024,
        api: null,
        logLevel: "info",
        ...opts,
      },
      {
        transport,
        membership: this.directory,
        clock: clockOf(this.modules.scheduler, id),
        logger: this.modules.logger.child({ node: id }),
      },
    );
    this.lights.push(light);
    await light.start();
    return light;
  }

  /** The light nodes started. */
  lightNodes(): LightNode[] {
    return [...this.lights];
  }

  /** Stops every light and storage node. */
  async stop(): Promise<void> {
    await Promise.all(this.lights.map((l) => l.stop()));
    await Promise.all(this.runningStorage().map((s) => s.stop()));
    this.storage.fill(null);
  }

  private async startStorage(i: number): Promise<StorageNode> {
    const id = storagePeerId(i);
    const node = await StorageNode.create(
      {
        dataDir: join(this.opts.dataDir, id),
        replicas: this.opts.replicas,
        repairIntervalMs: this.opts.repairIntervalMs,
      },
      {
        transport: this.modules.network.join(id),
        membership: this.directory,
        clock: clockOf(this.modules.scheduler, id),
        logger: this.modules.logger.child({ node: id }),
      },
    );
    node.start();
    this.storage[i] = node;
    return node;
  }
}
