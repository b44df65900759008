import { ED25519_SIGNATURE_LENGTH } from "@vshard/crypto";
import { encodeSignedTx, type FeeRules, type Tx } from "@vshard/types";
import type { Command } from "commander";
import { type AccountJson, type ApiClient, ApiClientError, type TxStatusJson } from "../client/apiClient.ts";
import { intOption } from "./options.ts";

/** How often `--wait` asks whether a tx is final: a few polls per block at the devnet's 250 ms blocks. */
export const WAIT_POLL_MS = 200;

/** How long `--wait` waits by default, in seconds: a worker chain's first blocks may wait for its committee. */
export const DEFAULT_WAIT_TIMEOUT_S = 60;

/** Adds `--wait` and `--timeout <s>` to a command that submits a tx. */
export function addWaitOptions(command: Command, what: string): Command {
  return command
    .option("--wait", `wait until the ${what} is final`)
    .option("--timeout <s>", "give up waiting after this many seconds", intOption, DEFAULT_WAIT_TIMEOUT_S);
}

/** The nonce a new tx of this account takes: its committed nonce plus its txs waiting in the mempool. */
export function nextNonce(account: AccountJson): number {
  return account.nonce + account.pendingTxs;
}

/**
 * The fee a tx pays under a worker chain's fee rule, `minFee + perByte × size` where size is the signed tx's
 * encoding (the fee is part of it, so the size is recomputed until it no longer changes).
 */
export function feeUnder(fees: FeeRules, tx: Tx): bigint {
  const signature = new Uint8Array(ED25519_SIGNATURE_LENGTH);
  let fee = fees.minFee;
  for (;;) {
    const size = encodeSignedTx({ tx: { ...tx, fee }, signature }).length;
    const next = fees.minFee + fees.perByte * BigInt(size);
    if (next <= fee) return fee;
    fee = next;
  }
}

/**
 * Polls `GET /v1/txs/:hash` until the tx is final and returns its status. Throws when it is not final after
 * `timeoutS` seconds, when it is final but its op aborted (the receipt's reason), or at once when the node rejected it
 * while building a block (the refusal's code and message: it will never be included). A tx the node does not know yet
 * (404, e.g. still on its way to the shard that runs it) counts as pending.
 */
export async function waitUntilFinal(
  client: ApiClient,
  hash: string,
  timeoutS: number,
  what: string,
  pollMs = WAIT_POLL_MS,
): Promise<TxStatusJson> {
  const deadline = Date.now() + timeoutS * 1000;
  let last = "unknown to the node";
  while (Date.now() < deadline) {
    const tx = await statusOf(client, hash);
    if (tx?.status === "rejected")
      throw new Error(
        `${what} ${hash} was rejected and will not be included: ${tx.code ?? "no code given"}: ${tx.message ?? "no reason given"}`,
      );
    if (tx?.status === "final") {
      if (tx.receipt?.success === false)
        throw new Error(
          `${what} ${hash} is final in block ${tx.receipt.blockHeight} but aborted: ${tx.receipt.aborted ?? "no reason given"}`,
        );
      return tx;
    }
    if (tx) last = tx.status;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`${what} ${hash} not final after ${timeoutS} s (last status: ${last})`);
}

async function statusOf(client: ApiClient, hash: string): Promise<TxStatusJson | null> {
  try {
    return await client.tx(hash);
  } catch (err) {
    if (err instanceof ApiClientError && err.status === 404) return null;
    throw err;
  }
}
