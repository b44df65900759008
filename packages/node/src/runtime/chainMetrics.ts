import type { NodeMetrics } from "../metrics.ts";
import type { ChainRuntime } from "./chainRuntime.ts";

/** Feeds a hosted chain shard's blocks, finality and consensus status into the node's metrics (label `chain`). */
export function trackChainMetrics(metrics: NodeMetrics, runtime: ChainRuntime): void {
  const { chain, consensus } = runtime;
  const label = { chain: runtime.key };
  metrics.trackConsensus(label.chain, () => consensus.status());
  let lastBlockAt = 0;
  chain.subscribe((e) => {
    if (e.type === "block") {
      const now = performance.now();
      if (lastBlockAt > 0) metrics.blockCommitSeconds.observe(label, (now - lastBlockAt) / 1000);
      lastBlockAt = now;
      metrics.blocksCommitted.inc(label);
      metrics.txsCommitted.inc(label, e.block?.txs.length ?? 0);
      metrics.headHeight.set(label, e.height);
      metrics.mempoolTxs.set(label, chain.mempool.size());
    } else metrics.finalizedHeight.set(label, e.height);
  });
}
