import { join } from "node:path";
import {
  type BlsKeyPair,
  blsKeyGen,
  bytesToHex,
  type Ed25519KeyPair,
  ed25519KeyPairFromSeed,
  type SignatureVerifier,
  sha256,
} from "@vshard/crypto";
import {
  type ChainOptions,
  type Clock,
  defaultChainOptions,
  type Genesis,
  type GenesisJson,
  genesisFromJson,
  type Logger,
  nullLogger,
} from "@vshard/engine";
import { type Scheduler, SimNetwork, type SimNetworkOptions } from "../network/index.ts";
import { clusterPeerId, InProcessNodes } from "./inProcessNodes.ts";
import { defaultNodeApiOptions, type NodeOptions } from "./nodeOptions.ts";
import { VshardNode } from "./vshardNode.ts";

/** A cluster's validator: its keys, whether a node runs it. */
export interface ClusterValidator {
  keys: Ed25519KeyPair;
  bls: BlsKeyPair;
}

/** Options of an in-process cluster of one chain shard. */
export interface ClusterOptions {
  /** Nodes that run (validators 0..nodes-1). */
  nodes: number;
  /** Genesis validators (candidates, for dpos); at least `nodes`; the extra ones have no node. */
  validators?: number;
  consensus: { name: string; params: Record<string, unknown> };
  /** Fault injection per node index: merged into that node's plugin params as `faults` (see each plugin). */
  faults?: Record<number, Record<string, unknown>>;
  /** Derives every key and, on a `Simulator`, the whole run. */
  seed: number;
  /** Parent folder: node i keeps its classic-level database in `node-i`. */
  dataDir: string;
  /** Funded accounts besides the validators (the ones clients send from). */
  accounts: Array<{ address: string; balance: string }>;
  /** Stake and spendable balance of each validator at genesis. */
  validatorStake?: bigint;
  validatorBalance?: bigint;
  network?: Partial<SimNetworkOptions>;
  chain?: Partial<ChainOptions>;
  /** Gives node i an HTTP API on `apiPort + i` (0: OS-chosen ports); no API when absent. */
  api?: { host: string; port: number };
  /** Genesis time; the scheduler's time at creation by default (a devnet keeps its first one across restarts). */
  genesisTime?: number;
  /** Threads of a verify pool made per node when no shared verifier is given. */
  verifyThreads?: number;
}

/** Keys of validator i of a cluster seed: fixed, so a run (and a devnet folder) can be reproduced. */
export function clusterValidator(seed: number, i: number): ClusterValidator {
  const base = new TextEncoder().encode(`vshard/cluster/${seed}/${i}`);
  return {
    keys: ed25519KeyPairFromSeed(sha256(base, new TextEncoder().encode("/ed25519"))),
    bls: blsKeyGen(sha256(base, new TextEncoder().encode("/bls"))),
  };
}

/** A clock whose timers belong to `owner` on `scheduler`, so that a crash cancels them. */
export function clockOf(scheduler: Scheduler, owner: string): Clock {
  return { now: () => scheduler.now(), setTimer: (ms, fn) => scheduler.schedule(ms, fn, owner) };
}

/**
 * N nodes of one chain shard in one process, each with its own classic-level folder, joined by a `SimNetwork` on a
 * scheduler: a `Simulator` (virtual time, replayable from the seed) for tests and research, or the real-time scheduler
 * for the in-process devnet. Nodes can be crashed (network silence, timers cancelled, database closed) and restarted on
 * their folder.
 */
export class Cluster extends InProcessNodes<VshardNode> {
  readonly genesis: Genesis;
  readonly validators: ClusterValidator[];

  private constructor(
    readonly opts: ClusterOptions,
    private readonly modules: { scheduler: Scheduler; verifier?: SignatureVerifier; logger: Logger },
    genesis: Genesis,
    validators: ClusterValidator[],
  ) {
    super(new SimNetwork(modules.scheduler, opts.network ?? {}), opts.nodes);
    this.genesis = genesis;
    this.validators = validators;
  }

  /** Makes the genesis and the keys; nodes start with `start`. */
  static create(
    opts: ClusterOptions,
    modules: { scheduler: Scheduler; verifier?: SignatureVerifier; logger?: Logger },
  ): Cluster {
    const count = opts.validators ?? opts.nodes;
    if (opts.nodes < 1 || count < opts.nodes)
      throw new RangeError(
        `a cluster needs 1 or more nodes and at least as many validators (${count} < ${opts.nodes})`,
      );
    const validators = Array.from({ length: count }, (_, i) => clusterValidator(opts.seed, i));
    const json: GenesisJson = {
      chainId: opts.chain?.chainId ?? defaultChainOptions.chainId,
      shard: opts.chain?.shard ?? 0,
      time: opts.genesisTime ?? modules.scheduler.now(),
      authority: bytesToHex(validators[0].keys.publicKey),
      accounts: opts.accounts,
      validators: validators.map((v) => ({
        publicKey: bytesToHex(v.keys.publicKey),
        blsPublicKey: bytesToHex(v.bls.publicKey),
        stake: String(opts.validatorStake ?? 1_000_000n),
        balance: String(opts.validatorBalance ?? 1_000_000n),
      })),
    };
    const genesis = genesisFromJson(json);
    return new Cluster(opts, { logger: nullLogger, ...modules }, genesis, validators);
  }

  protected async launch(i: number): Promise<VshardNode> {
    const { opts, modules } = this;
    const id = clusterPeerId(i);
    const transport = this.network.join(id);
    const nodeOpts: NodeOptions = {
      dataDir: join(opts.dataDir, id),
      api: opts.api
        ? { ...defaultNodeApiOptions, host: opts.api.host, port: opts.api.port && opts.api.port + i }
        : null,
      chain: {
        ...defaultChainOptions,
        ...opts.chain,
        chainId: this.genesis.chainId,
        shard: this.genesis.shard,
      },
      genesis: this.genesis,
      consensus: opts.faults?.[i]
        ? { name: opts.consensus.name, params: { ...opts.consensus.params, faults: opts.faults[i] } }
        : opts.consensus,
      keys: this.validators[i].keys,
      blsKeys: this.validators[i].bls,
      verifyThreads: opts.verifyThreads ?? 0,
      logLevel: "info",
    };
    const node = await VshardNode.create(nodeOpts, {
      logger: modules.logger.child({ node: id }),
      transport,
      clock: clockOf(modules.scheduler, id),
      ...(modules.verifier ? { verifier: modules.verifier } : {}),
    }).catch((err) => {
      transport.close();
      throw err;
    });
    await node.start();
    return node;
  }
}
