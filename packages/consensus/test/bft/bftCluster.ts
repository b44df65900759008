import {
  type BlsKeyPair,
  blsKeyGen,
  bytesToHex,
  type Ed25519KeyPair,
  ed25519KeyPairFromSeed,
  SingleThreadVerifier,
} from "@vshard/crypto";
import {
  type Committee,
  type ConsensusApp,
  type ConsensusPlugin,
  defaultChainOptions,
  type Genesis,
  genesisFromJson,
  type Logger,
  nullLogger,
  ShardChain,
} from "@vshard/engine";
import { LedgerDb, MemoryKvStore } from "@vshard/storage";
import {
  addressFromPublicKey,
  addressToText,
  headerHash,
  type SignedTx,
  signTx,
  TxKind,
} from "@vshard/types";
import { BftConsensus } from "../../src/bft/bftConsensus.ts";
import { FakeBus, type FakeBusOptions, SimClock } from "../fakeBus.ts";

/** The chain shard of the test clusters. */
export const CHAIN = { chainId: 1, shard: 0 };
/** The funded account of the test genesis. */
export const user = ed25519KeyPairFromSeed(new Uint8Array(32).fill(200));

/** Fixed keys of committee member `i` (and of followers, with indexes past the committee). */
export function memberKeys(i: number): { ed25519: Ed25519KeyPair; bls: BlsKeyPair } {
  return {
    ed25519: ed25519KeyPairFromSeed(new Uint8Array(32).fill(i + 1)),
    bls: blsKeyGen(new Uint8Array(32).fill(i + 101)),
  };
}

/** A committee of `n` members of weight 1. */
export function committeeOf(n: number): Committee {
  return {
    epoch: 0,
    members: Array.from({ length: n }, (_, i) => {
      const k = memberKeys(i);
      return { publicKey: k.ed25519.publicKey, blsPublicKey: k.bls.publicKey, weight: 1 };
    }),
  };
}

/** One node of a test cluster. */
export interface BftNode {
  id: string;
  chain: ShardChain;
  plugin: BftConsensus;
  /** The node's database: a restart opens a new chain on it. */
  db: LedgerDb;
}

/** Nodes "n0".."n{size-1}" on one bus; the first `members` are the committee, the others follow. */
export async function createCluster(opts: {
  members: number;
  followers?: number;
  bus?: Partial<FakeBusOptions>;
  params?: (i: number) => Record<string, unknown>;
}): Promise<{ clock: SimClock; bus: FakeBus; nodes: BftNode[]; committee: Committee; genesis: Genesis }> {
  const clock = new SimClock();
  const bus = new FakeBus(clock, opts.bus);
  const committee = committeeOf(opts.members);
  const genesis = genesisFromJson({
    chainId: CHAIN.chainId,
    shard: CHAIN.shard,
    time: 0,
    authority: bytesToHex(committee.members[0].publicKey),
    accounts: [{ address: addressToText(addressFromPublicKey(user.publicKey)), balance: "1000000" }],
  });
  const nodes: BftNode[] = [];
  for (let i = 0; i < opts.members + (opts.followers ?? 0); i++) {
    const db = await LedgerDb.create({ store: new MemoryKvStore() });
    const chain = await ShardChain.create(defaultChainOptions, genesis, {
      db,
      verifier: new SingleThreadVerifier(),
    });
    const id = `n${i}`;
    const keys = memberKeys(i);
    const plugin = new BftConsensus({
      app: chain,
      chain: CHAIN,
      committee,
      keys,
      channel: bus.channel(id),
      clock,
      logger: nullLogger,
      params: opts.params?.(i) ?? {},
    });
    nodes.push({ id, chain, plugin, db });
  }
  return { clock, bus, nodes, committee, genesis };
}

/**
 * Node `index` of a cluster as after a crash: a new chain opened on its database and a new plugin (not started);
 * `app` may stand between the plugin and the chain.
 */
export async function reopenNode(
  cluster: { clock: SimClock; bus: FakeBus; committee: Committee; genesis: Genesis },
  node: BftNode,
  index: number,
  opts: { app?: (chain: ShardChain) => ConsensusApp; logger?: Logger; params?: Record<string, unknown> } = {},
): Promise<BftNode> {
  const { db } = node;
  const chain = await ShardChain.create(defaultChainOptions, cluster.genesis, {
    db,
    verifier: new SingleThreadVerifier(),
  });
  const plugin = new BftConsensus({
    app: opts.app?.(chain) ?? chain,
    chain: CHAIN,
    committee: cluster.committee,
    keys: memberKeys(index),
    channel: cluster.bus.channel(node.id),
    clock: cluster.clock,
    logger: opts.logger ?? nullLogger,
    params: opts.params ?? {},
  });
  return { id: node.id, chain, plugin, db };
}

/** `count` signed transfers from the funded user, nonces from `firstNonce`. */
export function transfers(count: number, firstNonce = 0): SignedTx[] {
  return Array.from({ length: count }, (_, i) =>
    signTx(
      {
        chainId: CHAIN.chainId,
        shard: CHAIN.shard,
        kind: TxKind.Transfer,
        sender: user.publicKey,
        nonce: firstNonce + i,
        fee: 1n,
        payload: { to: new Uint8Array(20).fill(7), amount: 3n },
      },
      user.secretKey,
    ),
  );
}

/** Block hash and state root (hex, "hash/root") of every committed block, per node: `out[node][height - 1]`. */
export async function committedHashes(nodes: BftNode[]): Promise<string[][]> {
  const out: string[][] = [];
  for (const n of nodes) {
    const hashes: string[] = [];
    for (let h = 1; h <= n.chain.head().height; h++) {
      const block = await n.chain.getBlock(h);
      hashes.push(
        block ? `${bytesToHex(headerHash(block.header))}/${bytesToHex(block.header.stateRoot)}` : "missing",
      );
    }
    out.push(hashes);
  }
  return out;
}

/** Stops every plugin. */
export async function stopAll(plugins: ConsensusPlugin[]): Promise<void> {
  for (const p of plugins) await p.stop();
}
