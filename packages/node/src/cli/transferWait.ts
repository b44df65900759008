import {
  type ApiClient,
  ApiClientError,
  type TransferStageJson,
  type TransferStatusJson,
  type TxStatusJson,
} from "../client/apiClient.ts";
import { WAIT_POLL_MS } from "./txSubmit.ts";

/** One line of `--wait`'s progress: `debited   chain 1 shard 0 height 12  (+0 ms)`, time since the first stage. */
export function stageLine(stage: TransferStageJson, firstAt: number): string {
  const where = placeOf(stage);
  return `${stage.stage.padEnd(10)}${where}  (+${stage.at - firstAt} ms)`;
}

/** Where a stage happened: its chain shard and block (a relayed stage has no block: a relay handed it to a node). */
function placeOf(stage: TransferStageJson): string {
  const block = stage.height === undefined ? "" : ` height ${stage.height}`;
  return `chain ${stage.chainId} shard ${stage.shard}${block}`;
}

/** The stage a transfer waits for after its last one (a routed transfer passes the main chain's router). */
function nextStage(t: TransferStatusJson): string {
  const last = t.stages.at(-1)?.stage ?? t.status;
  if (last === "debited") return "anchored (its source header on the main chain)";
  if (last === "anchored" && t.route === "router" && !t.stages.some((s) => s.stage === "routed"))
    return "routed (through the main chain's router)";
  if (last === "relayed") return "credited (by the destination shard)";
  return "relayed (its receipt delivered to the destination shard)";
}

/** Where a transfer stands, for the timeout message. */
function stuckAt(t: TransferStatusJson | null, txStatus: string): string {
  if (t === null) return `no stage reached yet: the node does not know the transfer (tx status: ${txStatus})`;
  const last = t.stages.at(-1);
  const where = last ? ` (${placeOf(last)})` : "";
  return `stuck after stage '${last?.stage ?? t.status}'${where}, waiting to be ${nextStage(t)}`;
}

async function transferOf(client: ApiClient, hash: string): Promise<TransferStatusJson | null> {
  try {
    return await client.transfer(hash);
  } catch (err) {
    if (err instanceof ApiClientError && err.status === 404 && err.code === "TRANSFER_NOT_FOUND") return null;
    throw err;
  }
}

async function txStatusOf(client: ApiClient, hash: string): Promise<TxStatusJson | null> {
  try {
    return await client.tx(hash);
  } catch (err) {
    if (err instanceof ApiClientError && err.status === 404) return null;
    throw err;
  }
}

/**
 * Polls `GET /v1/transfers/:hash` until the cross transfer is credited, printing one line per new stage. While the
 * transfer is unknown (404 `TRANSFER_NOT_FOUND`: its tx is not committed yet) it asks `GET /v1/txs/:hash` too, so that a
 * tx the node rejected or whose debit aborted fails at once instead of at the timeout. Throws when it is refunded, or
 * after `timeoutS` seconds with the stage it is stuck in.
 */
export async function waitUntilCredited(
  client: ApiClient,
  hash: string,
  timeoutS: number,
  print: (line: string) => void,
  pollMs = WAIT_POLL_MS,
): Promise<TransferStatusJson> {
  const deadline = Date.now() + timeoutS * 1000;
  let printed = 0;
  let last: TransferStatusJson | null = null;
  let txStatus = "unknown to the node";
  while (Date.now() < deadline) {
    const t = await transferOf(client, hash);
    if (t === null) {
      const tx = await txStatusOf(client, hash);
      if (tx?.status === "rejected")
        throw new Error(
          `transfer ${hash} was rejected and will not be included: ${tx.code ?? "no code given"}: ${tx.message ?? "no reason given"}`,
        );
      if (tx?.status === "final" && tx.receipt?.success === false)
        throw new Error(
          `transfer ${hash} is final in block ${tx.receipt.blockHeight} but aborted: ${tx.receipt.aborted ?? "no reason given"}`,
        );
      if (tx) txStatus = tx.status;
    } else {
      last = t;
      for (; printed < t.stages.length; printed++) print(stageLine(t.stages[printed], t.stages[0].at));
      if (t.status === "credited") return t;
      if (t.status === "refunded") {
        const r = t.stages.findLast((s) => s.stage === "refunded");
        const where = r ? ` on chain ${r.chainId} shard ${r.shard} at height ${r.height}` : "";
        throw new Error(`transfer ${hash} was not credited: its amount was refunded to the sender${where}`);
      }
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`transfer ${hash} not credited after ${timeoutS} s: ${stuckAt(last, txStatus)}`);
}
