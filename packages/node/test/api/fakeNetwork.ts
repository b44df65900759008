import {
  bytesToHex,
  compareBytes,
  type Ed25519KeyPair,
  ed25519KeyPairFromSeed,
  SingleThreadVerifier,
  sha256,
  u64be,
} from "@vshard/crypto";
import {
  type AnchoredHeaderEntry,
  type AnchorHeadEntry,
  type ChainEntry,
  type Committee,
  type ConsensusPlugin,
  type ConsensusStatus,
  defaultChainOptions,
  defaultMainChainRules,
  type EpochProofEntryWithKey,
  EpochTracker,
  genesisFromJson,
  type MainChainRules,
  nullLogger,
  type RegistryReader,
  ShardChain,
  type ValidatorEntry,
} from "@vshard/engine";
import { LedgerDb, MemoryKvStore } from "@vshard/storage";
import {
  addressFromPublicKey,
  addressToText,
  type EpochProofPurpose,
  encodeSchema,
  parseWorkerChainSchema,
  schemaHash,
  type WorkerChainSchema,
} from "@vshard/types";
import type { FastifyInstance } from "fastify";
import type { HostedShard, NetworkView, ShardCommitteeView } from "../../src/api/networkView.ts";
import { type ApiContext, defaultApiLimits } from "../../src/api/routeDefinition.ts";
import { createApiServer } from "../../src/api/server.ts";
import { createNodeMetrics } from "../../src/metrics.ts";

const text = (s: string) => new TextEncoder().encode(s);

/** A deterministic ed25519 key pair (also used as a VRF key pair: ECVRF keys are ed25519 keys). */
export function keyOf(label: string, i: number): Ed25519KeyPair {
  return ed25519KeyPairFromSeed(sha256(text(label), u64be(i)));
}

/** The `vs…` address of a key pair. */
export function addressOf(k: Ed25519KeyPair): string {
  return addressToText(addressFromPublicKey(k.publicKey));
}

/** A plugin that only reports a fixed status (the API reads nothing else of it). */
export function fakePlugin(name: string, height: () => number): ConsensusPlugin {
  return {
    name,
    start: async () => {},
    stop: async () => {},
    verifyCertificate: () => true,
    evidence: () => [],
    status: (): ConsensusStatus => ({ plugin: name, height: height() + 1, counters: { blocksProduced: 0 } }),
  };
}

/** A registry over plain maps, filled by the test. */
export class FakeRegistry implements RegistryReader {
  readonly chains = new Map<number, ChainEntry>();
  readonly validators: ValidatorEntry[] = [];
  readonly anchorHeads = new Map<string, AnchorHeadEntry>();
  readonly anchoredHeaders = new Map<string, AnchoredHeaderEntry>();
  readonly proofs: Array<EpochProofEntryWithKey & { epoch: number; purpose: EpochProofPurpose }> = [];

  async getChain(chainId: number) {
    return this.chains.get(chainId) ?? null;
  }
  async listChains() {
    return [...this.chains.values()].sort((a, b) => a.chainId - b.chainId);
  }
  async getValidator(publicKey: Uint8Array) {
    return this.validators.find((v) => compareBytes(v.publicKey, publicKey) === 0) ?? null;
  }
  async listValidators() {
    return [...this.validators];
  }
  async anchorHead(chainId: number, shard: number) {
    return this.anchorHeads.get(`${chainId}/${shard}`) ?? null;
  }
  async anchoredHeader(chainId: number, shard: number, height: number) {
    return this.anchoredHeaders.get(`${chainId}/${shard}/${height}`) ?? null;
  }
  async epochProofs(epoch: number, purpose: EpochProofPurpose) {
    return this.proofs
      .filter((p) => p.epoch === epoch && p.purpose === purpose)
      .sort((a, b) => compareBytes(a.validator, b.validator))
      .map(({ validator, proof, height }) => ({ validator, proof, height }));
  }
}

/** A two-shard worker chain with a keyed and a keyless record type. */
export const workerSchema: WorkerChainSchema = parseWorkerChainSchema({
  name: "market",
  version: 1,
  shards: [{ consensus: { plugin: "solo", params: {} } }, { consensus: { plugin: "bft", params: {} } }],
  limits: { maxBlockTxs: 100, maxBlockBytes: 1_000_000, targetBlockIntervalMs: 100 },
  compression: { codec: "none" },
  fees: { minFee: "1", perByte: "0" },
  assignment: { rule: "explicit-suffix" },
  recordTypes: [
    {
      name: "machine",
      key: "id",
      fields: [
        { name: "id", type: "string", minLength: 1, maxLength: 64 },
        { name: "vramGb", type: "uint", min: 1, max: 1024 },
      ],
    },
    { name: "slot", key: "n", fields: [{ name: "n", type: "uint", min: 0, max: 1000 }] },
    { name: "note", fields: [{ name: "text", type: "string", minLength: 1, maxLength: 64 }] },
  ],
});

/** The main chain's rules in these tests: 4-block epochs so that a few empty blocks move epochs. */
export const testRules: MainChainRules = { ...defaultMainChainRules, epochBlocks: 4, anchorDelayBlocks: 1 };

/** Everything a network API test works on. */
export interface FakeNetwork {
  app: FastifyInstance;
  ctx: ApiContext;
  registry: FakeRegistry;
  main: HostedShard;
  worker: HostedShard;
  /** Committees the main chain fixed, by `chainId/shard` (what `committeeOf` answers). */
  book: Map<string, ShardCommitteeView>;
  /** Accounts funded in both chains' genesis. */
  users: Ed25519KeyPair[];
  authority: Ed25519KeyPair;
  /** Commits one block on a chain with whatever its mempool holds. */
  commit(chain: ShardChain): Promise<void>;
  close(): Promise<void>;
}

/**
 * A network view over real chains on one memory database (as a network node shares one): the main chain (0/0) and
 * worker chain 1's shard 0 (chain 1 is registered with 2 shards; shard 1 is not running). The registry is a fake
 * filled by the test; the epoch tracker is the real one over it.
 */
export async function createFakeNetwork(): Promise<FakeNetwork> {
  const authority = keyOf("authority", 0);
  const users = [keyOf("user", 0), keyOf("user", 1)];
  const db = await LedgerDb.create({ store: new MemoryKvStore() });
  const verifier = new SingleThreadVerifier();
  const genesisOf = (chainId: number) =>
    genesisFromJson({
      chainId,
      shard: 0,
      time: 1_000,
      authority: bytesToHex(authority.publicKey),
      accounts: users.map((u) => ({ address: addressOf(u), balance: "1000" })),
    });
  const mainChain = await ShardChain.create(
    { ...defaultChainOptions, chainId: 0, shard: 0, main: testRules },
    genesisOf(0),
    { db, verifier },
  );
  const workerChain = await ShardChain.create(
    { ...defaultChainOptions, chainId: 1, shard: 0, schema: workerSchema },
    genesisOf(1),
    { db, verifier },
  );
  const committee: Committee = { epoch: 0, members: [{ publicKey: authority.publicKey, weight: 1 }] };
  const main: HostedShard = {
    chain: mainChain,
    consensus: fakePlugin("solo", () => mainChain.head().height),
    committee,
  };
  const worker: HostedShard = {
    chain: workerChain,
    consensus: fakePlugin("solo", () => workerChain.head().height),
    committee,
  };
  const registry = new FakeRegistry();
  registry.chains.set(1, {
    chainId: 1,
    name: workerSchema.name,
    owner: authority.publicKey,
    schema: encodeSchema(workerSchema),
    schemaHash: schemaHash(workerSchema),
    version: 1,
    shardsAddedAt: [0, 6],
    registeredHeight: 0,
    updatedHeight: 6,
  });
  const book = new Map<string, ShardCommitteeView>([
    ["1/0", { plugin: "solo", committee: { ...committee, epoch: 0 }, fixedAtHeight: 0 }],
  ]);
  const epochs = new EpochTracker(
    { mainChainId: 0, rules: testRules, witnessesPerCommittee: 1 },
    { registry, committedHeight: () => mainChain.head().height },
  );
  const network: NetworkView = {
    shard: (chainId, shard) =>
      chainId === 0 && shard === 0 ? main : chainId === 1 && shard === 0 ? worker : undefined,
    shards: () => [main, worker],
    registry,
    epochs,
    rules: testRules,
    committeeOf: (chainId, shard) => book.get(`${chainId}/${shard}`),
  };
  const ctx: ApiContext = {
    chain: mainChain,
    consensus: main.consensus,
    committee,
    submitTxs: (txs) => mainChain.submitTxs(txs),
    network,
    metrics: createNodeMetrics(),
    limits: defaultApiLimits,
  };
  const app = createApiServer(ctx, nullLogger, "test");
  let time = 2_000;
  return {
    app,
    ctx,
    registry,
    main,
    worker,
    book,
    users,
    authority,
    async commit(chain) {
      time += 1_000;
      await chain.commitBlock(await chain.prepareProposal({ proposer: authority.publicKey, time, epoch: 0 }));
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
}

/** GET `url` through fastify's inject; the status and the parsed body (typed as the test expects it). */
export async function get<T = Record<string, unknown>>(
  app: FastifyInstance,
  url: string,
): Promise<{ status: number; body: T }> {
  const res = await app.inject({ method: "GET", url });
  return { status: res.statusCode, body: res.json() as T };
}
