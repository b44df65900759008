import type { SimNetwork } from "../network/index.ts";

/** The node id of validator i on an in-process network. */
export function clusterPeerId(i: number): string {
  return `node-${i}`;
}

/**
 * N nodes in one process on a `SimNetwork`: started in order, crashed (silent at once, then stopped) and restarted on
 * their folders by index. `Cluster` (one chain) and `NetworkCluster` (main chain + worker shards) say how a node starts.
 */
export abstract class InProcessNodes<N extends { stop(): Promise<void> }> {
  private readonly nodes: Array<N | null>;

  protected constructor(
    readonly network: SimNetwork,
    count: number,
  ) {
    this.nodes = new Array(count).fill(null);
  }

  /** Creates and starts node i (its id on the network is `clusterPeerId(i)`). */
  protected abstract launch(i: number): Promise<N>;

  /** Starts every node that is not running. */
  async start(): Promise<void> {
    for (let i = 0; i < this.nodes.length; i++) if (!this.nodes[i]) await this.startNode(i);
  }

  /** Node i (throws when it is crashed). */
  node(i: number): N {
    const node = this.nodes[i];
    if (!node) throw new Error(`node ${i} is not running`);
    return node;
  }

  /** The running nodes, by index. */
  running(): Array<{ index: number; node: N }> {
    return this.nodes.flatMap((node, index) => (node ? [{ index, node }] : []));
  }

  /** Kills node i: it goes silent at once (messages and timers dropped), then its database is closed. */
  async crash(i: number): Promise<void> {
    const node = this.node(i);
    this.nodes[i] = null;
    this.network.crash(clusterPeerId(i));
    await node.stop();
  }

  /** Restarts node i on its folder; it rejoins the network and catches up. */
  async restart(i: number): Promise<N> {
    if (this.nodes[i]) throw new Error(`node ${i} is running`);
    return this.startNode(i);
  }

  /** Stops every running node. */
  async stop(): Promise<void> {
    await Promise.all(this.running().map(({ node }) => node.stop()));
    this.nodes.fill(null);
  }

  private async startNode(i: number): Promise<N> {
    const node = await this.launch(i);
    this.nodes[i] = node;
    return node;
  }
}
