import { bytesToHex, ed25519Verify } from "@vshard/crypto";
import {
  addressFromPublicKey,
  addressToText,
  decodeSchema,
  type JsonValue,
  parseWorkerChainSchema,
  type SignedTx,
  schemaHash,
  schemaToJson,
  TxKind,
  txHash,
} from "@vshard/types";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { ApiError } from "../../src/api/apiError.ts";
import { receiptToJson } from "../../src/api/crossShardTxJson.ts";
import { signedTxFromJson, type TxJson } from "../../src/api/txJson.ts";
import type {
  ChainSummaryJson,
  EpochCommitteesJson,
  EpochJson,
  EpochsJson,
  MainChainSummaryJson,
  TransferStageJson,
  TransferStatusJson,
} from "../../src/client/apiClient.ts";

/** A worker chain the fake serves: its `GET /v1/chains` line and its schema's JSON form. */
export interface FakeChain {
  summary: ChainSummaryJson;
  schema: { [key: string]: JsonValue };
}

/** What the fake node knows; tests set it up and read what the CLI did to it. */
export interface FakeApiState {
  main: MainChainSummaryJson;
  chains: FakeChain[];
  /** Nonce and pending txs by `chainId/shard/address` (the default chain is the main chain's shard 0). */
  accounts: Map<string, { nonce: number; pendingTxs: number }>;
  /** What `GET /v1/txs/:hash` says of a submitted tx (`rejected`: dropped from a block, name taken). */
  outcome: "final" | "aborted" | "pending" | "rejected";
  epochs?: EpochsJson;
  seeds?: Map<number, EpochJson>;
  committees?: Map<number, EpochCommitteesJson>;
  /**
   * How `GET /v1/transfers/:hash` follows a submitted cross transfer: 404 `TRANSFER_NOT_FOUND` for the first
   * `notFoundPolls` polls, then one more of `stages` per poll (none: 404 for ever).
   */
  transfer?: { notFoundPolls: number; stages: TransferStageJson[]; route?: "direct" | "router" };
}

/** A fresh state: main chain 0 at height 20, no worker chain, every account at nonce 0, txs final at once. */
export function fakeState(): FakeApiState {
  return {
    main: { chainId: 0, plugin: "dpos", height: 20, finalizedHeight: 18, epoch: 0 },
    chains: [],
    accounts: new Map(),
    outcome: "final",
  };
}

/** The key of an account in `FakeApiState.accounts`. */
export const accountKey = (chainId: number, shard: number, address: string) =>
  `${chainId}/${shard}/${address}`;

function notFound(reply: FastifyReply, code: string, message: string) {
  return reply.code(404).send({ code, message });
}

/**
 * A hand-written fake of a network node's API (the routes the CLI uses, shaped as the API contract says): it checks
 * and records submitted txs, applies register-chain and update-chain txs to its chain list, and logs every request.
 */
export class FakeApi {
  /** `METHOD url` of every request, in order. */
  readonly requests: string[] = [];
  /** Every tx accepted by `POST /v1/txs`. */
  readonly submitted: SignedTx[] = [];

  private constructor(
    readonly state: FakeApiState,
    private readonly server: FastifyInstance,
    readonly url: string,
  ) {}

  /** Stops the server. */
  close(): Promise<void> {
    return this.server.close();
  }

  /** The posted txs of a kind. */
  ofKind(kind: TxKind): SignedTx[] {
    return this.submitted.filter((s) => s.tx.kind === kind);
  }

  /** Starts the fake on a free port of 127.0.0.1. */
  static async start(state: FakeApiState = fakeState()): Promise<FakeApi> {
    const server = Fastify();
    const txs = new Map<string, SignedTx>();
    /** Polls of `GET /v1/transfers/:hash` since the tx was (last) submitted. */
    const transferPolls = new Map<string, number>();
    let api: FakeApi | null = null;
    server.addHook("onRequest", async (req) => {
      api?.requests.push(`${req.method} ${req.url}`);
    });
    const account = (key: string) => ({
      balance: "1000",
      height: 1,
      stateRoot: "00",
      proof: null,
      ...(state.accounts.get(key) ?? { nonce: 0, pendingTxs: 0 }),
    });
    const chainOf = (id: string) => state.chains.find((c) => c.summary.chainId === Number(id));

    // A network node's default chain is the main chain.
    server.get("/v1/head", async () => ({
      chainId: state.main.chainId,
      shard: 0,
      height: state.main.height,
      hash: "00".repeat(32),
      stateRoot: "00".repeat(32),
      finalizedHeight: state.main.finalizedHeight,
      mempoolTxs: 0,
    }));
    server.get("/v1/chains", async () => ({ main: state.main, chains: state.chains.map((c) => c.summary) }));
    server.get("/v1/chains/:id", async (req, reply) => {
      const chain = chainOf((req.params as { id: string }).id);
      if (!chain) return notFound(reply, "CHAIN_NOT_FOUND", "no such chain");
      return { ...chain.summary, schema: chain.schema };
    });
    server.get("/v1/accounts/:address", async (req) => {
      const { address } = req.params as { address: string };
      return { address, ...account(accountKey(state.main.chainId, 0, address)) };
    });
    server.get("/v1/chains/:id/shards/:shard/accounts/:address", async (req) => {
      const { id, shard, address } = req.params as { id: string; shard: string; address: string };
      return { address, ...account(accountKey(Number(id), Number(shard), address)) };
    });
    server.post("/v1/txs", async (req, reply) => {
      let stx: SignedTx;
      try {
        stx = signedTxFromJson(req.body as TxJson);
      } catch (err) {
        if (err instanceof ApiError)
          return reply.code(err.status).send({ code: err.code, message: err.message });
        throw err;
      }
      const hash = txHash(stx.tx);
      if (!ed25519Verify(stx.signature, hash, stx.tx.sender))
        return reply.code(400).send({ code: "TX_ERROR_BAD_SIGNATURE", message: "signature does not verify" });
      api?.submitted.push(stx);
      txs.set(bytesToHex(hash), stx);
      transferPolls.delete(bytesToHex(hash));
      if (state.outcome === "final") apply(state, stx);
      return reply.code(202).send({ hash: bytesToHex(hash), status: "pending" });
    });
    server.get("/v1/txs/:hash", async (req, reply) => {
      const { hash } = req.params as { hash: string };
      if (!txs.has(hash)) return notFound(reply, "TX_NOT_FOUND", `no transaction ${hash}`);
      if (state.outcome === "pending") return { hash, status: "pending" };
      if (state.outcome === "rejected")
        return {
          hash,
          status: "rejected",
          code: "TX_ERROR_CHAIN_NAME_TAKEN",
          message: "chain name 'gpu-rental' is taken by chain 1",
        };
      const success = state.outcome === "final";
      return {
        hash,
        status: "final",
        receipt: {
          success,
          ...(success ? {} : { aborted: "CHAIN_ERROR_NAME_TAKEN: name taken" }),
          blockHeight: 21,
          index: 0,
        },
      };
    });
    server.get("/v1/transfers/:hash", async (req, reply) => {
      const { hash } = req.params as { hash: string };
      const stx = txs.get(hash);
      const polls = (transferPolls.get(hash) ?? 0) + 1;
      transferPolls.set(hash, polls);
      const plan = state.transfer;
      const shown = plan ? polls - plan.notFoundPolls : 0;
      if (!plan || stx?.tx.kind !== TxKind.CrossTransfer || shown <= 0 || plan.stages.length === 0)
        return notFound(reply, "TRANSFER_NOT_FOUND", `no committed cross transfer ${hash}`);
      const stages = plan.stages.slice(0, shown);
      const last = stages[stages.length - 1].stage;
      const { tx } = stx;
      const receipt = receiptToJson({
        id: txHash(tx),
        from: addressFromPublicKey(tx.sender),
        to: tx.payload.to,
        amount: tx.payload.amount,
        source: { chainId: tx.chainId, shard: tx.shard },
        destination: tx.payload.destination,
      });
      const status = last === "routed" ? "anchored" : last;
      return { hash, receipt, route: plan.route ?? "direct", status, stages } satisfies TransferStatusJson;
    });
    server.get(
      "/v1/epochs",
      async (_req, reply) => state.epochs ?? notFound(reply, "API_ERROR_NOT_A_NETWORK_NODE", "no epochs"),
    );
    server.get("/v1/epochs/:n", async (req, reply) => {
      const n = Number((req.params as { n: string }).n);
      return (
        state.seeds?.get(n) ?? notFound(reply, "EPOCH_NOT_FIXED", `the seed of epoch ${n} is not fixed yet`)
      );
    });
    server.get("/v1/epochs/:n/committees", async (req, reply) => {
      const n = Number((req.params as { n: string }).n);
      return (
        state.committees?.get(n) ??
        notFound(reply, "EPOCH_NOT_FIXED", `the committee assignment of epoch ${n} is not fixed yet`)
      );
    });
    const url = await server.listen({ host: "127.0.0.1", port: 0 });
    api = new FakeApi(state, server, url);
    return api;
  }
}

/** Adds worker chain `chainId` with `schemaJson` (a schema's JSON form) to the state, every shard running. */
export function addChain(
  state: FakeApiState,
  chainId: number,
  schemaJson: { [key: string]: JsonValue },
  owner = "vs-owner",
): FakeChain {
  const schema = parseWorkerChainSchema(schemaJson);
  const chain: FakeChain = {
    summary: {
      chainId,
      name: schema.name,
      version: schema.version,
      schemaHash: bytesToHex(schemaHash(schema)),
      owner,
      shards: schema.shards.map((s, shard) => ({
        shard,
        plugin: s.consensus.plugin,
        running: true,
        height: 10 + shard,
        finalizedHeight: 8 + shard,
        committeeEpoch: 1,
        anchoredHeight: 5 + shard,
      })),
    },
    schema: schemaToJson(schema),
  };
  state.chains.push(chain);
  return chain;
}

/** What a final register-chain or update-chain tx does to the fake's chain list. */
function apply(state: FakeApiState, stx: SignedTx): void {
  const tx = stx.tx;
  if (tx.kind !== TxKind.RegisterChain && tx.kind !== TxKind.UpdateChain) return;
  const schema = decodeSchema(tx.payload.schema);
  const summary: ChainSummaryJson = {
    chainId: 0,
    name: schema.name,
    version: schema.version,
    schemaHash: bytesToHex(schemaHash(schema)),
    owner: addressToText(addressFromPublicKey(tx.sender)),
    shards: schema.shards.map((s, shard) => ({
      shard,
      plugin: s.consensus.plugin,
      running: false,
      height: null,
      finalizedHeight: null,
      committeeEpoch: null,
      anchoredHeight: null,
    })),
  };
  if (tx.kind === TxKind.RegisterChain) {
    summary.chainId = Math.max(0, ...state.chains.map((c) => c.summary.chainId)) + 1;
    state.chains.push({ summary, schema: schemaToJson(schema) });
    return;
  }
  const chain = state.chains.find((c) => c.summary.chainId === tx.payload.chainId);
  if (chain) {
    chain.summary = { ...chain.summary, version: summary.version, schemaHash: summary.schemaHash };
    chain.schema = schemaToJson(schema);
  }
}
