import { join } from "node:path";
import {
  blsKeyGen,
  createEd25519Signer,
  type Ed25519KeyPair,
  ed25519KeyPairFromSeed,
  sha256,
} from "@vshard/crypto";
import { type Logger, nullLogger } from "@vshard/engine";
import { clockOf, NetworkNode } from "@vshard/node";
import { type DlfsObject, packBody } from "@vshard/storage";
import {
  addressFromPublicKey,
  encodeBody,
  isShardAllowed,
  type SignedTx,
  TxKind,
  txHash,
} from "@vshard/types";
import { type SimNetworkRun, type SimNetworkRunOptions, startSimNetwork } from "../helpers/simNetwork.ts";
import { testKey } from "../helpers/testNetwork.ts";
import { signedFor } from "../sharding/fixtures.ts";

/** A main-chain network of 2 validators with 5 storage nodes, r = 3, 1 KiB chunks (so a body spans several). */
export function startDlfsNetwork(seed: number): Promise<SimNetworkRun> {
  return startDlfsNetworkWith(seed, {});
}

/** Drives the simulator until `work` settles (it may need virtual time: RPC timeouts, message delivery). */
export function drive<T>(run: SimNetworkRun, work: Promise<T>): Promise<T> {
  return run.sim.settle(work);
}

/** Main-chain transfers from every client (each to the next), submitted to node 0; returns them. */
export function submitTransfers(run: SimNetworkRun, perClient: number): Promise<SignedTx[]> {
  return submitRoundRobin(run, run.clients, { chainId: 0, shard: 0 }, 10n, perClient);
}

/** `perClient` rounds of transfers from each of `clients` to the next, on one chain shard, submitted to node 0. */
async function submitRoundRobin(
  run: SimNetworkRun,
  clients: Ed25519KeyPair[],
  at: { chainId: number; shard: number },
  fee: bigint,
  perClient: number,
): Promise<SignedTx[]> {
  const node = run.cluster.node(0);
  const txs: SignedTx[] = [];
  for (let round = 0; round < perClient; round++)
    for (const [i, client] of clients.entries()) {
      const to = clients[(i + 1) % clients.length];
      const stx = await signedFor(node, client, {
        ...at,
        kind: TxKind.Transfer,
        fee,
        payload: { to: addressFromPublicKey(to.publicKey), amount: BigInt(1 + round) },
      } as never);
      const [result] = await node.submitTxs([stx]);
      if (!result.ok) throw new Error(`transfer refused: ${JSON.stringify(result)}`);
      txs.push(stx);
    }
  return txs;
}

/** The DLFS objects of main-chain blocks 1..height as node packs them: each block's manifest and chunks. */
export async function objectsUpTo(node: NetworkNode, height: number): Promise<DlfsObject[]> {
  const out: DlfsObject[] = [];
  for (let h = 1; h <= height; h++) {
    const block = await node.main.chain.getBlock(h);
    if (!block) throw new Error(`no main block ${h}`);
    const packed = packBody(encodeBody(block.txs), node.main.chain.opts.dlfs);
    out.push(packed.manifestObject, ...packed.chunks);
  }
  return out;
}

/** Waits (in virtual time) until every chain node has written every body it queued. */
export async function publishersIdle(run: SimNetworkRun): Promise<void> {
  const idle = () =>
    run.cluster.running().every(({ node }) => (node.dlfs?.publisher.stats().pending ?? 0) === 0);
  // Settle lets real I/O run between steps: a publisher may wait on its database while no virtual event is due.
  while (!idle())
    await run.sim.settle(Promise.all(run.cluster.running().map(({ node }) => node.dlfs?.publisher.idle())));
}

/** Repair passes on every running storage node until one finds nothing to do (the first may see copies in flight). */
export async function repairUntilQuiet(run: SimNetworkRun): Promise<void> {
  for (let pass = 0; pass < 5; pass++) {
    const reports = await drive(run, Promise.all(run.cluster.dlfs.runningStorage().map((s) => s.repair())));
    if (reports.every((r) => r.underReplicated === 0 && r.unreachable.length === 0)) return;
  }
}

/** `startDlfsNetwork`'s network with some of its options changed (more clients, other DLFS settings…). */
export function startDlfsNetworkWith(
  seed: number,
  over: Partial<SimNetworkRunOptions>,
): Promise<SimNetworkRun> {
  return startSimNetwork({
    seed,
    validators: 2,
    chains: [],
    rules: { epochBlocks: 16, anchorDelayBlocks: 6 },
    blockIntervalMs: 100,
    witnessesPerCommittee: 2,
    network: { latencyMs: 5, jitterMs: 5, lossRate: 0 },
    storageNodes: 5,
    repairIntervalMs: 0,
    dlfs: { chunkSize: 1024, replicas: 3 },
    clients: 8,
    ...over,
  });
}

/** A steady stream of main-chain transfers on virtual time (see `startTransferLoad`). */
export interface TransferLoad {
  /** Transfers admitted so far. */
  submitted(): number;
  /** Why transfers were refused (empty while all were admitted). */
  refusals(): string[];
  /** Resolves once the load has stopped (its `until` held, or `stop` was called). */
  done: Promise<void>;
  /** Stops submitting (the tick in flight finishes). */
  stop(): void;
}

/**
 * Every `everyMs` of virtual time, submits `perTick` signed transfers to node `node` (0 by default), taking senders
 * round-robin from `run.clients` (each to the next), until `until()` holds. Nonces are tracked here, per client, from
 * 0 (clients are funded at genesis and send nothing else), so a tick costs no database read. Signed through
 * node:crypto (`createEd25519Signer`: the same RFC 8032 signatures as `signTx`, ~15× faster than noble), so that tens
 * of thousands of transfers cost seconds, not tens of seconds.
 */
export function startTransferLoad(
  run: SimNetworkRun,
  opts: { perTick: number; everyMs: number; until: () => boolean; node?: number },
): TransferLoad {
  const signers = run.clients.map((c) => createEd25519Signer(c.secretKey));
  const nonces = run.clients.map(() => 0);
  const refused: string[] = [];
  let submitted = 0;
  let next = 0;
  let stopped = false;
  let cancel: (() => void) | null = null;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const end = () => {
    stopped = true;
    cancel?.();
    finish();
  };
  const tick = async () => {
    if (stopped || opts.until()) return end();
    const txs: SignedTx[] = [];
    for (let k = 0; k < opts.perTick; k++) {
      const i = next;
      next = (next + 1) % run.clients.length;
      const from = run.clients[i];
      const to = run.clients[(i + 1) % run.clients.length];
      const tx = {
        chainId: 0,
        shard: 0,
        kind: TxKind.Transfer,
        sender: from.publicKey,
        nonce: nonces[i]++,
        fee: 10n,
        payload: { to: addressFromPublicKey(to.publicKey), amount: 1n },
      } as const;
      txs.push({ tx, signature: signers[i].sign(txHash(tx)) });
    }
    for (const result of await run.cluster.node(opts.node ?? 0).submitTxs(txs))
      if (result.ok) submitted++;
      else refused.push(result.error.message);
    if (!stopped) cancel = run.sim.schedule(opts.everyMs, tick);
  };
  cancel = run.sim.schedule(0, tick);
  return { submitted: () => submitted, refusals: () => [...refused], done, stop: end };
}

/**
 * Runs virtual time until node 0's main chain commits `height` (false if `maxMs` pass first), then stops consensus
 * and tx gossip on every running node's main chain, so that no later block commits: the nodes stay up and keep
 * answering (headers, DLFS) over a chain frozen at that height.
 */
export async function freezeMainChainAt(run: SimNetworkRun, height: number, maxMs: number): Promise<boolean> {
  const chain = run.cluster.node(0).main.chain;
  const reached = await run.runUntil(() => chain.head().height >= height, maxMs);
  await drive(run, Promise.all(run.cluster.running().map(({ node }) => node.main.stop())));
  return reached;
}

/**
 * Starts a full node (role "full") named `id` on `run`'s network: keys of no validator (`testKey("full", …)` and BLS
 * and VRF keys derived from `id`), its database in the cluster's folder, serving the main chain and the worker shards in
 * `serves`; logs go to `logger` (none by default). The caller stops it (before `run.close()`, which removes the folder).
 */
export async function startFullNode(
  run: SimNetworkRun,
  id: string,
  serves: Array<{ chainId: number; shard: number }>,
  logger: Logger = nullLogger,
): Promise<NetworkNode> {
  const seed = (what: string) => sha256(new TextEncoder().encode(`vshard/test/${id}/${what}`));
  const vrf = ed25519KeyPairFromSeed(seed("vrf"));
  const transport = run.cluster.network.join(id);
  const node = await NetworkNode.create(
    {
      dataDir: join(run.cluster.opts.dataDir, id),
      api: null,
      keys: testKey("full", Number(id.split("-").at(-1)) || 0),
      blsKeys: blsKeyGen(seed("bls")),
      vrf: { secretKey: vrf.secretKey, publicKey: vrf.publicKey },
      verifyThreads: 0,
      logLevel: "silent",
      network: run.cluster.config,
      role: "full",
      serves,
    },
    {
      transport,
      storage: run.cluster.dlfs.directory,
      clock: clockOf(run.sim, id),
      logger,
    },
  ).catch((err) => {
    transport.close();
    throw err;
  });
  await drive(run, node.start());
  return node;
}

/**
 * Transfers on a worker shard among the clients whose sub-account lives there (under the chain's assignment rule), each
 * to the next such client, submitted to validator node 0; returns them.
 */
export function submitShardTransfers(
  run: SimNetworkRun,
  at: { chainId: number; shard: number },
  perClient: number,
): Promise<SignedTx[]> {
  const node = run.cluster.node(0);
  const schema = node.runtime(at.chainId, at.shard)?.chain.opts.schema;
  if (!schema) throw new Error(`node 0 runs no worker chain ${at.chainId} shard ${at.shard}`);
  const home = run.clients.filter((c) => isShardAllowed(schema, addressFromPublicKey(c.publicKey), at.shard));
  if (home.length < 2) throw new Error(`fewer than 2 clients live in shard ${at.shard}: add clients`);
  return submitRoundRobin(run, home, at, 1n, perClient);
}
