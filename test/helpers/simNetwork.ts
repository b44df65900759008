import type { Ed25519KeyPair } from "@vshard/crypto";
import { NetworkCluster, type NetworkClusterOptions, Simulator } from "@vshard/node";
import { addressOf, tempDir, testKey } from "./testNetwork.ts";

/** A simulated sharded network in a temp folder with funded client accounts. */
export interface SimNetworkRun {
  sim: Simulator;
  cluster: NetworkCluster;
  clients: Ed25519KeyPair[];
  /** Runs virtual time until `done` holds (false if `maxMs` of virtual time pass first). */
  runUntil(done: () => boolean, maxMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Options: the network cluster's, minus what the helper fills in. */
export type SimNetworkRunOptions = Omit<NetworkClusterOptions, "dataDir" | "accounts"> & {
  clients?: number;
  clientBalance?: bigint;
};

/** Starts a network of `opts.validators` nodes on a `Simulator`; each node has its own classic-level folder. */
export async function startSimNetwork(opts: SimNetworkRunOptions): Promise<SimNetworkRun> {
  const dir = await tempDir("network");
  const sim = new Simulator({ seed: opts.seed });
  const clients = Array.from({ length: opts.clients ?? 4 }, (_, i) => testKey("client", i));
  const balance = (opts.clientBalance ?? 1_000_000n).toString();
  const cluster = NetworkCluster.create(
    { ...opts, dataDir: dir.path, accounts: clients.map((k) => ({ address: addressOf(k), balance })) },
    { scheduler: sim },
  );
  await cluster.start();
  return {
    sim,
    cluster,
    clients,
    runUntil: (done, maxMs) => sim.runUntilCondition(done, maxMs),
    async close() {
      await cluster.stop();
      await dir.cleanup();
    },
  };
}
