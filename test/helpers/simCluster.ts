import { bytesToHex, type Ed25519KeyPair, type SignatureVerifier } from "@vshard/crypto";
import { Cluster, type ClusterOptions, Simulator, type VshardNode } from "@vshard/node";
import { headerHash } from "@vshard/types";
import { addressOf, tempDir, testKey } from "./testNetwork.ts";

/** A simulated cluster in a temp folder with funded client accounts. */
export interface SimCluster {
  sim: Simulator;
  cluster: Cluster;
  clients: Ed25519KeyPair[];
  /** Runs virtual time until every running node has finalised `height` (false if `maxMs` passes first). */
  runUntilFinal(height: number, maxMs: number): Promise<boolean>;
  /** Stops the nodes and removes the folder. */
  close(): Promise<void>;
}

/** Options of a simulated cluster: the cluster's, minus what the helper fills in. */
export type SimClusterOptions = Omit<ClusterOptions, "dataDir" | "accounts"> & {
  clients?: number;
  clientBalance?: bigint;
  verifier?: SignatureVerifier;
};

/** Starts a cluster on a `Simulator` seeded with `opts.seed`; each node has its own classic-level folder. */
export async function startSimCluster(opts: SimClusterOptions): Promise<SimCluster> {
  const dir = await tempDir(`cluster-${opts.consensus.name}`);
  const sim = new Simulator({ seed: opts.seed });
  const clients = Array.from({ length: opts.clients ?? 10 }, (_, i) => testKey("client", i));
  const balance = (opts.clientBalance ?? 1_000_000n).toString();
  const cluster = Cluster.create(
    { ...opts, dataDir: dir.path, accounts: clients.map((k) => ({ address: addressOf(k), balance })) },
    { scheduler: sim, ...(opts.verifier ? { verifier: opts.verifier } : {}) },
  );
  await cluster.start();
  return {
    sim,
    cluster,
    clients,
    runUntilFinal: (height, maxMs) =>
      sim.runUntilCondition(
        () => cluster.running().every(({ node }) => node.chain.finalizedHeight() >= height),
        maxMs,
      ),
    async close() {
      await cluster.stop();
      await dir.cleanup();
    },
  };
}

/** Hashes (hex) of a node's final blocks, heights 1..finalized. */
export async function finalHashes(node: VshardNode): Promise<string[]> {
  const out: string[] = [];
  for (let h = 1; h <= node.chain.finalizedHeight(); h++) {
    const block = await node.chain.getBlock(h);
    if (!block) throw new Error(`final block ${h} missing`);
    out.push(bytesToHex(headerHash(block.header)));
  }
  return out;
}

/** Throws if two nodes hold different final blocks at one height. */
export async function expectNoConflictingFinalBlocks(nodes: VshardNode[]): Promise<void> {
  const byHeight = new Map<number, string>();
  for (const node of nodes) {
    const hashes = await finalHashes(node);
    hashes.forEach((hash, i) => {
      const seen = byHeight.get(i + 1);
      if (seen && seen !== hash)
        throw new Error(`two different final blocks at height ${i + 1}: ${seen} and ${hash}`);
      byHeight.set(i + 1, hash);
    });
  }
}
