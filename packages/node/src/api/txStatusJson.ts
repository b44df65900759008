import type { TxStatus } from "@vshard/engine";
import { signedTxToJson } from "./txJson.ts";

/**
 * The body of `GET /v1/txs/:hash` for a tx found: pending with the tx; included or final with the tx and its receipt
 * (success false and the reason in `aborted` for an aborted op); rejected with the refusal's code and message.
 */
export function txStatusToJson(hash: string, found: TxStatus) {
  if (found.status === "rejected")
    return { hash, status: found.status, code: found.code, message: found.message };
  const tx = signedTxToJson(found.stx);
  if (found.status === "pending") return { hash, status: found.status, tx };
  return {
    hash,
    status: found.status,
    tx,
    receipt: {
      success: found.outcome.status === "ok",
      ...(found.outcome.status === "aborted" ? { aborted: found.outcome.reason } : {}),
      blockHeight: found.height,
      blockHash: Buffer.from(found.blockHash).toString("hex"),
      index: found.index,
      feePaid: found.fee.toString(),
    },
  };
}
