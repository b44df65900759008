import { encodeTxBatch, type SignedTx } from "@vshard/types";
import { signedTxToJson } from "../api/txJson.ts";

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
  constructor(readonly baseUrl: string) {}

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

  account(address: string): Promise<{
    address: string;
    balance: string;
    nonce: number;
    pendingTxs: number;
    height: number;
    stateRoot: string;
    proof: unknown;
  }> {
    return this.request("GET", `/v1/accounts/${encodeURIComponent(address)}`);
  }

  tx(hash: string): Promise<{
    hash: string;
    status: "pending" | "included" | "final";
    receipt?: { blockHeight: number; index: number };
  }> {
    return this.request("GET", `/v1/txs/${hash}`);
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

  async request<T>(
    method: string,
    path: string,
    body?: string | Uint8Array,
    contentType?: string,
  ): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: contentType ? { "content-type": contentType } : {},
      body,
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiClientError(
        res.status,
        "API_CLIENT_BAD_RESPONSE",
        `not JSON: ${text.slice(0, 200)}`,
        text,
      );
    }
    if (!res.ok) {
      const e = json as { code?: string; message?: string };
      throw new ApiClientError(res.status, e.code ?? "UNKNOWN", e.message ?? text, json);
    }
    return json as T;
  }
}
