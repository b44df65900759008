import { join } from "node:path";
import type { SignatureVerifier } from "@vshard/crypto";
import { type Logger, nullLogger } from "@vshard/engine";
import { DEFAULT_REPAIR_INTERVAL_MS } from "../dlfs/storageNode.ts";
import { type Scheduler, SimNetwork, type SimNetworkOptions } from "../network/index.ts";
import { clockOf } from "./cluster.ts";
import { DlfsNodes } from "./dlfsNodes.ts";
import { clusterPeerId, InProcessNodes } from "./inProcessNodes.ts";
import { type NetworkGenesisOptions, type NetworkValidator, networkGenesis } from "./networkGenesis.ts";
import { NetworkNode } from "./networkNode.ts";
import type { NetworkConfig } from "./networkNodeOptions.ts";
import { defaultNodeApiOptions } from "./nodeOptions.ts";

/** Options of an in-process network: one node per validator. */
export interface NetworkClusterOptions extends Omit<NetworkGenesisOptions, "time"> {
  /** Parent folder: node i keeps its database in `node-i`. */
  dataDir: string;
  network?: Partial<SimNetworkOptions>;
  /** Gives node i an HTTP API on `apiPort + i` (0: OS-chosen ports); no API when absent. */
  api?: { host: string; port: number };
  /** Genesis time; the scheduler's time at creation by default (a devnet keeps its first one across restarts). */
  genesisTime?: number;
  /** Storage nodes of the DLFS (`storage-i`, started before the chain nodes); none by default. */
  storageNodes?: number;
  /** Storage nodes' repair period (default 10 s; 0: only when asked or when a member leaves). */
  repairIntervalMs?: number;
}

/**
 * A whole network in one process: N validator nodes, each running the main chain and every worker shard on its own
 * classic-level folder, joined by a `SimNetwork` on a scheduler (a `Simulator` in tests, real time for the devnet).
 */
export class NetworkCluster extends InProcessNodes<NetworkNode> {
  /** Storage and light nodes, on the same network. */
  readonly dlfs: DlfsNodes;

  private constructor(
    readonly opts: NetworkClusterOptions,
    readonly config: NetworkConfig,
    readonly validators: NetworkValidator[],
    private readonly modules: { scheduler: Scheduler; verifier?: SignatureVerifier; logger: Logger },
  ) {
    super(new SimNetwork(modules.scheduler, opts.network ?? {}), validators.length);
    this.dlfs = new DlfsNodes(
      {
        dataDir: opts.dataDir,
        storageNodes: opts.storageNodes ?? 0,
        replicas: config.dlfs.replicas,
        repairIntervalMs: opts.repairIntervalMs ?? DEFAULT_REPAIR_INTERVAL_MS,
      },
      { network: this.network, scheduler: modules.scheduler, logger: modules.logger },
    );
  }

  /** Starts the storage nodes, then every chain node that is not running. */
  override async start(): Promise<void> {
    await this.dlfs.start();
    await super.start();
  }

  /** Stops every chain node, then the light and storage nodes. */
  override async stop(): Promise<void> {
    await super.stop();
    await this.dlfs.stop();
  }

  /** Makes the genesis and the keys; nodes start with `start`. */
  static create(
    opts: NetworkClusterOptions,
    modules: { scheduler: Scheduler; verifier?: SignatureVerifier; logger?: Logger },
  ): NetworkCluster {
    if (opts.validators < 1) throw new RangeError("a network needs at least one validator");
    const { config, validators } = networkGenesis({
      ...opts,
      time: opts.genesisTime ?? modules.scheduler.now(),
    });
    return new NetworkCluster(opts, config, validators, { logger: nullLogger, ...modules });
  }

  protected async launch(i: number): Promise<NetworkNode> {
    const { opts, modules } = this;
    const id = clusterPeerId(i);
    const transport = this.network.join(id);
    const v = this.validators[i];
    const node = await NetworkNode.create(
      {
        dataDir: join(opts.dataDir, id),
        api: opts.api
          ? { ...defaultNodeApiOptions, host: opts.api.host, port: opts.api.port && opts.api.port + i }
          : null,
        keys: v.keys,
        blsKeys: v.bls,
        vrf: v.vrf,
        verifyThreads: 0,
        logLevel: "info",
        network: this.config,
      },
      {
        logger: modules.logger.child({ node: id }),
        transport,
        storage: this.dlfs.directory,
        clock: clockOf(modules.scheduler, id),
        ...(modules.verifier ? { verifier: modules.verifier } : {}),
      },
    ).catch((err) => {
      transport.close();
      throw err;
    });
    await node.start();
    return node;
  }
}
