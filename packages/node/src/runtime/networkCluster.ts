import { join } from "node:path";
import type { SignatureVerifier } from "@vshard/crypto";
import { type Logger, nullLogger } from "@vshard/engine";
import { type Scheduler, SimNetwork, type SimNetworkOptions } from "../network/index.ts";
import { clockOf, clusterPeerId } from "./cluster.ts";
import { type NetworkGenesisOptions, type NetworkValidator, networkGenesis } from "./networkGenesis.ts";
import { type NetworkConfig, NetworkNode } from "./networkNode.ts";
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
}

/**
 * A whole network in one process: N validator nodes, each running the main chain and every worker shard on its own
 * classic-level folder, joined by a `SimNetwork` on a scheduler (a `Simulator` in tests, real time for the devnet).
 */
export class NetworkCluster {
  readonly network: SimNetwork;
  private readonly nodes: Array<NetworkNode | null>;

  private constructor(
    readonly opts: NetworkClusterOptions,
    readonly config: NetworkConfig,
    readonly validators: NetworkValidator[],
    private readonly modules: { scheduler: Scheduler; verifier?: SignatureVerifier; logger: Logger },
  ) {
    this.network = new SimNetwork(modules.scheduler, opts.network ?? {});
    this.nodes = new Array(validators.length).fill(null);
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

  /** Starts every node that is not running. */
  async start(): Promise<void> {
    for (let i = 0; i < this.nodes.length; i++) if (!this.nodes[i]) await this.startNode(i);
  }

  /** Node i (throws when it is crashed). */
  node(i: number): NetworkNode {
    const node = this.nodes[i];
    if (!node) throw new Error(`node ${i} is not running`);
    return node;
  }

  /** The running nodes, by index. */
  running(): Array<{ index: number; node: NetworkNode }> {
    return this.nodes.flatMap((node, index) => (node ? [{ index, node }] : []));
  }

  /** Kills node i: it goes silent at once, then its database is closed. */
  async crash(i: number): Promise<void> {
    const node = this.node(i);
    this.nodes[i] = null;
    this.network.crash(clusterPeerId(i));
    await node.stop();
  }

  /** Restarts node i on its folder. */
  async restart(i: number): Promise<NetworkNode> {
    if (this.nodes[i]) throw new Error(`node ${i} is running`);
    return this.startNode(i);
  }

  /** Stops every running node. */
  async stop(): Promise<void> {
    await Promise.all(this.running().map(({ node }) => node.stop()));
    this.nodes.fill(null);
  }

  private async startNode(i: number): Promise<NetworkNode> {
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
        clock: clockOf(modules.scheduler, id),
        ...(modules.verifier ? { verifier: modules.verifier } : {}),
      },
    ).catch((err) => {
      transport.close();
      throw err;
    });
    await node.start();
    this.nodes[i] = node;
    return node;
  }
}
