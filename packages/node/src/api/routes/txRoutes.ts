import type { SubmitResult, TxStatus } from "@vshard/engine";
import { decodeTxSubmission, type SignedTx, type WireTx } from "@vshard/types";
import { ApiError, statusOfCode, toApiError } from "../apiError.ts";
import type { ApiContext, RouteDefinition } from "../routeDefinition.ts";
import { signedTxFromJson, type TxJson, txJsonSchema } from "../txJson.ts";
import { txStatusToJson } from "../txStatusJson.ts";

const hashParam = {
  type: "object",
  required: ["hash"],
  properties: { hash: { type: "string", pattern: "^[0-9a-f]{64}$", description: "tx hash, hex" } },
} as const;

function readSubmission(body: unknown, ctx: ApiContext): { txs: Array<SignedTx | WireTx>; batch: boolean } {
  if (typeof body !== "object" || body === null)
    throw new ApiError(
      415,
      "API_ERROR_UNSUPPORTED_MEDIA_TYPE",
      "send transactions as application/json or application/msgpack",
    );
  let txs: Array<SignedTx | WireTx>;
  let batch = Array.isArray(body);
  if (body instanceof Uint8Array) {
    try {
      ({ txs, batch } = decodeTxSubmission(body));
    } catch (err) {
      throw toApiError(err);
    }
  } else if (Array.isArray(body))
    txs = (body as TxJson[]).map((item, i) => signedTxFromJson(item, `body[${i}]`));
  else txs = [signedTxFromJson(body as TxJson)];
  if (txs.length === 0) throw new ApiError(400, "API_ERROR_EMPTY_BATCH", "the batch holds no transaction");
  if (txs.length > ctx.limits.maxBatchTxs)
    throw new ApiError(
      400,
      "API_ERROR_BATCH_TOO_LARGE",
      `a batch holds at most ${ctx.limits.maxBatchTxs} transactions, got ${txs.length}`,
    );
  return { txs, batch };
}

function resultToJson(r: SubmitResult, index: number) {
  return r.ok
    ? { index, ok: true, hash: r.hash }
    : { index, ok: false, hash: r.hash, code: r.error.code, message: r.error.message };
}

/**
 * A tx by hash: on the default chain, then (on a network node) on every other chain shard the node runs. The shards
 * of a node share one tx index, so a shard reports a committed tx only when the tx names that shard: its status
 * (included or final) is judged against that shard's final height. A rejected tx is known only to the shard that
 * dropped it. Null when none holds it.
 */
async function findTx(ctx: ApiContext, hash: string): Promise<TxStatus | null> {
  if (!ctx.network) return ctx.chain.getTx(hash);
  const chains = [
    ctx.chain,
    ...ctx.network
      .shards()
      .map((s) => s.chain)
      .filter((c) => c !== ctx.chain),
  ];
  for (const chain of chains) {
    const found = await chain.getTx(hash);
    if (!found) continue;
    if (found.status === "rejected") return found;
    if (found.stx.tx.chainId === chain.opts.chainId && found.stx.tx.shard === chain.opts.shard) return found;
  }
  return null;
}

/** Transactions: submit (one or a batch; JSON or msgpack) and look up. */
export function txRoutes(ctx: ApiContext): RouteDefinition[] {
  return [
    {
      method: "POST",
      url: "/v1/txs",
      operationId: "submitTxs",
      summary:
        "Submit one signed transaction or a batch (JSON, or application/msgpack made by encodeTxBatch)",
      bodyContentTypes: ["application/json", "application/msgpack"],
      schema: {
        body: {
          content: {
            "application/json": { schema: { anyOf: [txJsonSchema, { type: "array", items: txJsonSchema }] } },
            "application/msgpack": { schema: {} },
          },
        },
      },
      async handler(req, reply) {
        const { txs, batch } = readSubmission(req.body, ctx);
        const results = await ctx.submitTxs(txs);
        for (const r of results) ctx.metrics.txsAdmitted.inc({ result: r.ok ? "accepted" : r.error.code });
        const failed = results.filter((r): r is Extract<SubmitResult, { ok: false }> => !r.ok);
        if (!batch) {
          const r = results[0];
          if (!r.ok) throw new ApiError(statusOfCode(r.error.code), r.error.code, r.error.message);
          return reply.code(202).send({ hash: r.hash, status: "pending" });
        }
        const summary = {
          accepted: results.length - failed.length,
          rejected: failed.length,
          results: results.map(resultToJson),
        };
        if (failed.length === 0) return reply.code(202).send(summary);
        const first = failed[0];
        const allBusy = failed.every((f) => statusOfCode(f.error.code) === 503);
        return reply.code(allBusy ? 503 : 422).send({
          code: "API_ERROR_BATCH_PARTIALLY_REJECTED",
          message: `${failed.length} of ${results.length} transactions rejected (first: ${first.error.code}: ${first.error.message}); the others were accepted`,
          ...summary,
        });
      },
    },
    {
      method: "GET",
      url: "/v1/txs/:hash",
      operationId: "getTx",
      summary:
        "A transaction: pending, included or final, with its receipt once in a block (success false and the reason in `aborted` for an aborted op); or `rejected` with the refusal's `code` and `message` when this node dropped it while building a block (it will not be included; other nodes may still show it pending); a network node looks in every chain shard it runs",
      schema: { params: hashParam },
      async handler(req) {
        const { hash } = req.params as { hash: string };
        const found = await findTx(ctx, hash);
        if (!found) throw new ApiError(404, "TX_NOT_FOUND", `no transaction ${hash} is pending or committed`);
        return txStatusToJson(hash, found);
      },
    },
  ];
}
