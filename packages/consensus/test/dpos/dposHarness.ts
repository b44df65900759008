import {
  bytesToHex,
  type Ed25519KeyPair,
  ed25519KeyPairFromSeed,
  SingleThreadVerifier,
} from "@vshard/crypto";
import {
  type ConsensusApp,
  consensusAppWith,
  defaultChainOptions,
  type Genesis,
  genesisFromJson,
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
import { DposConsensus } from "../../src/dpos/dposConsensus.ts";
import { TestBus } from "./testBus.ts";

/** Start of virtual time, and the genesis time. */
export const T0 = 1_700_000_000_000;

/** The fixed-seed key of candidate or user `i`. */
export function keyOf(kind: "candidate" | "user", i: number): Ed25519KeyPair {
  const seed = new Uint8Array(32);
  seed[0] = kind === "candidate" ? 1 : 2;
  seed[1] = i;
  return ed25519KeyPairFromSeed(seed);
}

/** One running node: its database (kept across restarts), chain and plugin. */
export interface TestNode {
  id: string;
  keys: Ed25519KeyPair;
  db: LedgerDb;
  chain: ShardChain;
  plugin: DposConsensus;
}

/** A dpos network of `candidates` candidates (stakes in rank order), with nodes for some of them. */
export class DposNet {
  readonly bus = new TestBus(T0);
  readonly candidates: Ed25519KeyPair[];
  readonly users: Ed25519KeyPair[];
  readonly genesis: Genesis;
  readonly nodes = new Map<number, TestNode>();

  constructor(
    readonly opts: {
      candidates: number;
      params: Record<string, unknown>;
      /** Stake of candidate i (default 1000 − i: rank order is index order). */
      stake?: (i: number) => bigint;
      users?: number;
    },
  ) {
    this.candidates = Array.from({ length: opts.candidates }, (_, i) => keyOf("candidate", i));
    this.users = Array.from({ length: opts.users ?? 4 }, (_, i) => keyOf("user", i));
    const stake = opts.stake ?? ((i: number) => BigInt(1000 - i));
    this.genesis = genesisFromJson({
      chainId: 1,
      shard: 0,
      time: T0,
      authority: bytesToHex(this.candidates[0].publicKey),
      accounts: this.users.map((k) => ({
        address: addressToText(addressFromPublicKey(k.publicKey)),
        balance: "1000000",
      })),
      validators: this.candidates.map((k, i) => ({
        publicKey: bytesToHex(k.publicKey),
        stake: stake(i).toString(),
        balance: "1000",
      })),
    });
  }

  /** Starts (or restarts on its database) the node of candidate `i`, with extra parameters if given. */
  async start(i: number, extra: Record<string, unknown> = {}): Promise<TestNode> {
    const id = `n${i}`;
    const db = this.nodes.get(i)?.db ?? (await LedgerDb.create({ store: new MemoryKvStore() }));
    const chain = await ShardChain.create(defaultChainOptions, this.genesis, {
      db,
      verifier: new SingleThreadVerifier(),
    });
    const keys = this.candidates[i];
    const plugin = new DposConsensus({
      app: this.gossipingApp(chain),
      chain: { chainId: 1, shard: 0 },
      committee: { epoch: 0, members: this.candidates.map((k) => ({ publicKey: k.publicKey, weight: 1 })) },
      keys: { ed25519: keys },
      channel: this.bus.channel(id),
      clock: this.bus,
      logger: nullLogger,
      params: { ...this.opts.params, ...extra },
    });
    const node = { id, keys, db, chain, plugin };
    this.nodes.set(i, node);
    await plugin.start();
    return node;
  }

  running(): TestNode[] {
    return [...this.nodes.values()];
  }

  async stopAll(): Promise<void> {
    for (const n of this.nodes.values()) await n.plugin.stop();
  }

  /** Submits txs to every running node's mempool (what the node runtime's tx gossip does). */
  async submit(stxs: SignedTx[]): Promise<void> {
    for (const n of this.nodes.values()) {
      const results = await n.chain.submitTxs(stxs);
      for (const r of results) if (!r.ok) throw new Error(`${n.id} refused a tx: ${r.error.message}`);
    }
  }

  /** Final block hashes and state roots of a node, heights 1..finalized. */
  async finalChain(n: TestNode): Promise<string[]> {
    const out: string[] = [];
    for (let h = 1; h <= n.chain.finalizedHeight(); h++) {
      const b = await n.chain.getBlock(h);
      if (!b) throw new Error(`${n.id}: final block ${h} missing`);
      out.push(`${bytesToHex(headerHash(b.header))}/${bytesToHex(b.header.stateRoot)}`);
    }
    return out;
  }

  /** The chain seen by the plugin, except that txs it submits reach every node (as the runtime's gossip does). */
  private gossipingApp(chain: ShardChain): ConsensusApp {
    return consensusAppWith(chain, async (stxs) => {
      const [mine, ...others] = [
        chain,
        ...this.running()
          .map((n) => n.chain)
          .filter((c) => c !== chain),
      ];
      for (const c of others) await c.submitTxs(stxs);
      return mine.submitTxs(stxs);
    });
  }
}

/** A transfer of `amount` from `from` to `to`, fee 1. */
export function transfer(from: Ed25519KeyPair, to: Ed25519KeyPair, amount: bigint, nonce: number): SignedTx {
  return signTx(
    {
      chainId: 1,
      shard: 0,
      kind: TxKind.Transfer,
      sender: from.publicKey,
      nonce,
      fee: 1n,
      payload: { to: addressFromPublicKey(to.publicKey), amount },
    },
    from.secretKey,
  );
}

/** A vote by `voter` for `candidates` (sorted by address as the chain requires), fee 1. */
export function vote(voter: Ed25519KeyPair, candidates: Ed25519KeyPair[], nonce: number): SignedTx {
  const addresses = candidates
    .map((k) => addressFromPublicKey(k.publicKey))
    .sort((a, b) => (bytesToHex(a) < bytesToHex(b) ? -1 : 1));
  return signTx(
    {
      chainId: 1,
      shard: 0,
      kind: TxKind.Vote,
      sender: voter.publicKey,
      nonce,
      fee: 1n,
      payload: { candidates: addresses },
    },
    voter.secretKey,
  );
}
