import { MAIN_SHARD } from "@vshard/engine";
import type { ShardRef, SignedTx } from "@vshard/types";
import { receiptFromJson, receiptProofFromJson, shardRefFromJson } from "../api/crossShardTxJson.ts";
import { ApiClient, ApiClientError, type OutboxJson } from "../client/apiClient.ts";
import type { OutboxPage, RelayEndpoint, SubmitOutcome } from "./interface.ts";

/**
 * Codes that mean the receipt needs nothing more from this relay now: consumed already, a receive of it pending in
 * the mempool (ours: the same tx, `MEMPOOL_ERROR_DUPLICATE`; another relay's: `TX_ERROR_RECEIPT_PENDING`, or
 * `MEMPOOL_ERROR_REPLACEMENT_UNDERPRICED` when both raced into its mempool slot, which has nonce 0 and fee 0), or
 * our receive already in a block.
 */
const DONE_CODES = new Set([
  "TX_ERROR_RECEIPT_SPENT",
  "TX_ERROR_RECEIPT_PENDING",
  "TX_ERROR_ALREADY_INCLUDED",
  "MEMPOOL_ERROR_DUPLICATE",
  "MEMPOOL_ERROR_REPLACEMENT_UNDERPRICED",
]);

/** Codes that mean "not yet": the source block is not anchored where the delivery point can see it. */
const LATER_CODES = new Set([
  "TX_ERROR_RECEIPT_NOT_ANCHORED",
  "API_CLIENT_UNREACHABLE",
  "API_CLIENT_BAD_RESPONSE",
]);

/** Classifies an error of `POST /v1/txs` (busy, 5xx and network failures are `later`). */
export function classifySubmitError(err: unknown): SubmitOutcome {
  if (!(err instanceof ApiClientError))
    return { kind: "later", code: "RELAY_ERROR_NETWORK", message: (err as Error)?.message ?? String(err) };
  const { code, status } = err;
  const message = err.message.startsWith(`${code}: `) ? err.message.slice(code.length + 2) : err.message;
  if (DONE_CODES.has(code)) return { kind: "done", code, message };
  if (LATER_CODES.has(code) || status === 0 || status === 429 || status >= 500)
    return { kind: "later", code, message };
  return { kind: "refused", code, message };
}

/** Decodes an outbox page of the API; a malformed one throws (an `ApiError` naming the field). */
export function outboxPageFromJson(json: OutboxJson): OutboxPage {
  return {
    finalHeight: json.finalHeight,
    next: json.next,
    blocks: json.blocks.map((b, i) => ({
      height: b.height,
      anchoredAt: b.anchoredAt,
      receipts: b.receipts.map((r, j) => {
        const at = `outbox.blocks[${i}].receipts[${j}]`;
        return {
          index: r.index,
          receipt: receiptFromJson(r.receipt, `${at}.receipt`),
          proof: receiptProofFromJson(r.proof, `${at}.proof`),
          deliverTo: r.deliverTo === null ? null : shardRefFromJson(r.deliverTo, `${at}.deliverTo`),
          consumed: r.consumed,
        };
      }),
    })),
  };
}

/** A relay's view of a node through its HTTP API. */
export class HttpRelayEndpoint implements RelayEndpoint {
  readonly client: ApiClient;

  constructor(apiUrl: string) {
    this.client = new ApiClient(apiUrl);
  }

  /** The main chain and every shard of every registered worker chain (`GET /v1/chains`). */
  async sources(): Promise<ShardRef[]> {
    const { chains } = await this.client.chains();
    return [
      // The main chain sends receipts too: to worker shards, and the router's forwards and refunds.
      { ...MAIN_SHARD },
      ...chains.flatMap((c) => c.shards.map((s) => ({ chainId: c.chainId, shard: s.shard }))),
    ];
  }

  /** `GET /v1/chains/:chainId/shards/:shard/outbox?from=H&limit=N&pending=true` (consumed receipts left out), decoded. */
  async outbox(ref: ShardRef, fromHeight: number, limit: number): Promise<OutboxPage> {
    return outboxPageFromJson(await this.client.outbox(ref.chainId, ref.shard, fromHeight, limit, true));
  }

  /** `POST /v1/txs` with a msgpack batch; each item classified like a single submit. */
  async submitReceives(stxs: SignedTx[]): Promise<SubmitOutcome[]> {
    try {
      const { results } = await this.client.submitBatch(stxs);
      return stxs.map((_, i): SubmitOutcome => {
        const r = results[i];
        if (r?.ok) return { kind: "accepted", hash: r.hash ?? "" };
        const code = r?.code ?? "API_CLIENT_BAD_RESPONSE";
        return classifySubmitError(new ApiClientError(422, code, r?.message ?? "no result for this tx", r));
      });
    } catch (err) {
      const outcome = classifySubmitError(err);
      return stxs.map(() => outcome);
    }
  }

  /** `POST /v1/txs` (JSON), classified. */
  async submitReceive(stx: SignedTx): Promise<SubmitOutcome> {
    try {
      return { kind: "accepted", hash: await this.client.submit(stx) };
    } catch (err) {
      return classifySubmitError(err);
    }
  }
}
