import { encodeTxBatch, type SignedTx } from "@vshard/types";
import { CAR_CONTENT_TYPE, type CarImportResult } from "../api/routes/carRoutes.ts";
import { signedTxToJson } from "../api/txJson.ts";
import type {
  AccountJson,
  ChainDetailJson,
  ChainsJson,
  EpochCommitteesJson,
  EpochJson,
  EpochsJson,
  OutboxJson,
  TransferStatusJson,
  TxStatusJson,
} from "./apiTypes.ts";

export type { CarImportResult } from "../api/routes/carRoutes.ts";
export type * from "./apiTypes.ts";

/** An error answer of the API: its status, code and message. */
export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(`${code}: ${message}`);
    this.name = "ApiClientError";
  }
}

/** A small typed client of the node API over fetch; the CLI and the benchmark use it. */
export class ApiClient {
  /** The node's API base URL, without a trailing slash. */
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  head(): Promise<{
    chainId: number;
    shard: number;
    height: number;
    hash: string;
    stateRoot: string;
    finalizedHeight: number;
    mempoolTxs: number;
  }> {
    return this.request("GET", "/v1/head");
  }

  /** An account on the node's default chain (the main chain on a network node). */
  account(address: string): Promise<AccountJson> {
    return this.request("GET", `/v1/accounts/${encodeURIComponent(address)}`);
  }

  /** An account on shard `shard` of chain `chainId`. */
  chainAccount(chainId: number, shard: number, address: string): Promise<AccountJson> {
    return this.request(
      "GET",
      `/v1/chains/${chainId}/shards/${shard}/accounts/${encodeURIComponent(address)}`,
    );
  }

  /** A transaction's status, with its receipt once it is in a block, or why it was rejected. */
  tx(hash: string): Promise<TxStatusJson> {
    return this.request("GET", `/v1/txs/${hash}`);
  }

  /** A cross transfer's receipt and the stages it reached; 404 `TRANSFER_NOT_FOUND` until its tx is committed. */
  transfer(hash: string): Promise<TransferStatusJson> {
    return this.request("GET", `/v1/transfers/${hash}`);
  }

  /** The main chain and every registered worker chain with its shards. */
  chains(): Promise<ChainsJson> {
    return this.request("GET", "/v1/chains");
  }

  /** One worker chain with its schema in force. */
  chain(chainId: number): Promise<ChainDetailJson> {
    return this.request("GET", `/v1/chains/${chainId}`);
  }

  /**
   * Shard `shard` of chain `chainId`'s final outboxes from height `from`: about `limit` receipts, whole blocks;
   * `pending`: only the receipts not consumed yet.
   */
  outbox(chainId: number, shard: number, from: number, limit: number, pending = false): Promise<OutboxJson> {
    const query = `from=${from}&limit=${limit}${pending ? "&pending=true" : ""}`;
    return this.request("GET", `/v1/chains/${chainId}/shards/${shard}/outbox?${query}`);
  }

  /** A record of a worker chain shard by its type's name and key (the key field's JSON value as text). */
  record(chainId: number, shard: number, recordType: string, key: string): Promise<Record<string, unknown>> {
    return this.request("GET", recordPath(chainId, shard, recordType, key));
  }

  /** The main chain's current epoch and phase. */
  epochs(): Promise<EpochsJson> {
    return this.request("GET", "/v1/epochs");
  }

  /** Epoch `epoch`'s seed and what made it. */
  epoch(epoch: number): Promise<EpochJson> {
    return this.request("GET", `/v1/epochs/${epoch}`);
  }

  /** Epoch `epoch`'s committee assignment, in its JSON form. */
  epochCommittees(epoch: number): Promise<EpochCommitteesJson> {
    return this.request("GET", `/v1/epochs/${epoch}/committees`);
  }

  block(
    id: number | string,
  ): Promise<{ header: { height: number; hash: string; time: number }; txCount: number; txs: string[] }> {
    return this.request("GET", `/v1/blocks/${id}`);
  }

  /** Submits one tx (JSON) and returns its hash. */
  async submit(stx: SignedTx): Promise<string> {
    const r = await this.request<{ hash: string }>(
      "POST",
      "/v1/txs",
      JSON.stringify(signedTxToJson(stx)),
      "application/json",
    );
    return r.hash;
  }

  /** Submits a batch as msgpack; resolves to per-item results whether or not some were rejected. */
  async submitBatch(stxs: SignedTx[]): Promise<{
    status: number;
    accepted: number;
    results: Array<{ ok: boolean; hash?: string; code?: string; message?: string }>;
  }> {
    const res = await fetch(`${this.baseUrl}/v1/txs`, {
      method: "POST",
      headers: { "content-type": "application/msgpack" },
      body: encodeTxBatch(stxs),
    });
    const body = (await res.json()) as { accepted?: number; results?: []; code?: string; message?: string };
    if (!body.results)
      throw new ApiClientError(res.status, body.code ?? "UNKNOWN", body.message ?? "no results", body);
    return { status: res.status, accepted: body.accepted ?? 0, results: body.results };
  }

  /** Committed blocks `from..to` of shard `shard` of chain `chainId` as the bytes of a CAR file. */
  async exportCar(chainId: number, shard: number, from: number, to: number): Promise<Uint8Array> {
    const res = await this.send("GET", `/v1/chains/${chainId}/shards/${shard}/car?from=${from}&to=${to}`);
    if (res.ok) return new Uint8Array(await res.arrayBuffer());
    throw errorOf(res.status, await res.text());
  }

  /** Imports a CAR file into the chain shard its index names (verified whole, then block by block). */
  importCar(bytes: Uint8Array): Promise<CarImportResult> {
    return this.request("POST", "/v1/car", bytes, CAR_CONTENT_TYPE);
  }

  /**
   * One request; the JSON answer, or an `ApiClientError` with the server's code and message (`API_CLIENT_UNREACHABLE`
   * when the node cannot be reached, `API_CLIENT_BAD_RESPONSE` when the answer is not JSON).
   */
  async request<T>(
    method: string,
    path: string,
    body?: string | Uint8Array,
    contentType?: string,
  ): Promise<T> {
    const res = await this.send(method, path, body, contentType);
    const text = await res.text();
    if (!res.ok) throw errorOf(res.status, text);
    return parseJson(res.status, text) as T;
  }

  private async send(method: string, path: string, body?: string | Uint8Array, contentType?: string) {
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: contentType ? { "content-type": contentType } : {},
        body,
      });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
      throw new ApiClientError(
        0,
        "API_CLIENT_UNREACHABLE",
        `cannot reach the node at ${this.baseUrl} (${cause})`,
        null,
      );
    }
  }
}

/** A response body as JSON, or `API_CLIENT_BAD_RESPONSE`. */
function parseJson(status: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiClientError(status, "API_CLIENT_BAD_RESPONSE", `not JSON: ${text.slice(0, 200)}`, text);
  }
}

/** The error of a failed response: the server's `{code, message}`. */
function errorOf(status: number, text: string): ApiClientError {
  const e = parseJson(status, text) as { code?: string; message?: string };
  return new ApiClientError(status, e.code ?? "UNKNOWN", e.message ?? text, e);
}

/** The API path of a record (what `vshard record` prints for the user to query it). */
export function recordPath(chainId: number, shard: number, recordType: string, key: string): string {
  return `/v1/chains/${chainId}/shards/${shard}/records/${encodeURIComponent(recordType)}/${encodeURIComponent(key)}`;
}
