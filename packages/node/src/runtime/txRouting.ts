import { type SubmitResult, TxError } from "@vshard/engine";
import type { SignedTx, WireTx } from "@vshard/types";

/** Where a batch's txs go: the hosted chain shard each names, if any. */
export interface TxDestination {
  submitTxs(txs: Array<SignedTx | WireTx>): Promise<SubmitResult[]>;
}

/**
 * Admits each tx on the chain shard it names (one batch per shard, in the batch's order); a tx for a shard this node
 * does not run is refused with `TX_ERROR_WRONG_CHAIN`. One result per input, in order.
 */
export async function routeTxs(
  txs: Array<SignedTx | WireTx>,
  destinationOf: (chainId: number, shard: number) => TxDestination | undefined,
): Promise<SubmitResult[]> {
  const results: SubmitResult[] = new Array(txs.length);
  const groups = new Map<TxDestination, number[]>();
  txs.forEach((t, i) => {
    const { tx } = "stx" in t ? t.stx : t;
    const destination = destinationOf(tx.chainId, tx.shard);
    if (!destination) {
      results[i] = {
        ok: false,
        error: new TxError(
          { code: "TX_ERROR_WRONG_CHAIN", txHash: "" },
          `this node runs no chain ${tx.chainId} shard ${tx.shard} (see GET /v1/chains)`,
        ),
      };
      return;
    }
    const group = groups.get(destination);
    if (group) group.push(i);
    else groups.set(destination, [i]);
  });
  for (const [destination, indexes] of groups) {
    const out = await destination.submitTxs(indexes.map((i) => txs[i]));
    indexes.forEach((i, j) => {
      results[i] = out[j];
    });
  }
  return results;
}
