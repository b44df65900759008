import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bytesToHex, type Ed25519KeyPair } from "@vshard/crypto";
import type { NetworkNode } from "@vshard/node";
import { addressFromPublicKey, type SignedTx, signTx, type Tx } from "@vshard/types";
import type { SimNetworkRunOptions } from "../helpers/simNetwork.ts";

/** An example schema from examples/, as parsed JSON. */
export function exampleSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(import.meta.dirname, "../../examples", name), "utf8"));
}

/**
 * The GPU-rental example cut to two shards (bft, dpos with 2 producers) at a 200 ms cadence: the record types of the
 * example on a network small enough for a test.
 */
export function smallGpuRental(): Record<string, unknown> {
  const schema = exampleSchema("gpu-rental.json");
  return {
    ...schema,
    shards: [
      { consensus: { plugin: "bft", params: {} } },
      { consensus: { plugin: "dpos", params: { producers: 2 } } },
    ],
    limits: { maxBlockTxs: 500, maxBlockBytes: 1048576, targetBlockIntervalMs: 200 },
  };
}

/** Signs a tx of `from` with the nonce its account has on that chain shard (committed + pending). */
export async function signedFor(
  node: NetworkNode,
  from: Ed25519KeyPair,
  tx: Omit<Tx, "sender" | "nonce">,
): Promise<SignedTx> {
  const runtime = node.runtime(tx.chainId, tx.shard);
  if (!runtime) throw new Error(`node runs no chain ${tx.chainId} shard ${tx.shard}`);
  const address = addressFromPublicKey(from.publicKey);
  const [account] = await runtime.chain.getAccounts([address]);
  const nonce = account.nonce + runtime.chain.mempool.pendingOf(bytesToHex(address)).length;
  return signTx({ ...tx, sender: from.publicKey, nonce } as Tx, from.secretKey);
}

/**
 * The small network the sharding tests run over HTTP: 4 validators (all witnesses), 100 ms main blocks, 16-block
 * epochs with a 6-block anchor delay, a 5 ms ± 5 ms lossless network and an API on a free port; `over` changes any of it.
 */
export function httpTestNetwork(
  seed: number,
  chains: unknown[],
  over: Partial<SimNetworkRunOptions> = {},
): SimNetworkRunOptions {
  return {
    seed,
    validators: 4,
    chains,
    rules: { epochBlocks: 16, anchorDelayBlocks: 6 },
    blockIntervalMs: 100,
    witnessesPerCommittee: 4,
    network: { latencyMs: 5, jitterMs: 5, lossRate: 0 },
    api: { host: "127.0.0.1", port: 0 },
    ...over,
  };
}
