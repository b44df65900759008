import type { BenchRunResult } from "./benchResult.ts";
import { totalCount } from "./benchResult.ts";
import { crossShardConsoleLines } from "./crossShard/crossShardReport.ts";

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Prints the figures of a run a person looks at first. */
export function printRunSummary(r: BenchRunResult, log: (line: string) => void): void {
  const l = r.latencyMs;
  log("");
  log(`workload ${r.workload}: ${r.durationSeconds} s measured after ${r.warmupSeconds} s warm-up`);
  log(
    `  committed TPS   ${fmt(r.committedTps)} tx/s  (offered ${fmt(r.offeredRate)} tx/s, ${fmt(r.committed)} final of ${fmt(r.submitted)} sent)`,
  );
  log(
    `  latency         p50 ${fmt(l.p50)} ms  p95 ${fmt(l.p95)} ms  p99 ${fmt(l.p99)} ms  max ${fmt(l.max)} ms  (submit → final)`,
  );
  const sharded = r.sharded;
  if (sharded) {
    log(
      `  network         ${sharded.shards} ${sharded.shardConsensus} shard${sharded.shards === 1 ? "" : "s"} of chain ${sharded.chainId}, ${sharded.validators} validator node${sharded.validators === 1 ? "" : "s"} in one process, every node running every shard; ${r.crossShard ? `${fmt(r.crossShard.ratio * 100, 1)}% cross-shard transfers` : "same-shard txs only"}`,
    );
    for (const p of sharded.perShard)
      log(
        `  shard ${String(p.shard).padEnd(9)} ${fmt(p.committedTps)} tx/s committed  (${fmt(p.committed)} final of ${fmt(p.submitted)} sent)`,
      );
  }
  if (r.crossShard) for (const line of crossShardConsoleLines(r.crossShard)) log(line);
  const replicas = sharded
    ? ` (one per validator node: every node verifies every tx of every shard)`
    : (r.nodes ?? 1) > 1
      ? ` (one per node of the ${r.nodes}-node cluster in this process)`
      : "";
  log(
    `  efficiency      ${fmt(r.efficiency, 3)}  = ${fmt(r.committedTps)} tx/s × ${r.signatureChecksPerTx} check/tx${replicas} ÷ ${fmt(r.verifyRatePerSecond)} verifies/s (this machine, all cores)`,
  );
  const rejected = totalCount(r.rejected);
  const dropped = totalCount(r.dropped);
  log(
    `  rejected        ${fmt(rejected)}${rejected ? `  ${JSON.stringify(r.rejected)}` : ""}  retried (node busy) ${fmt(r.busyRetries ?? 0)}`,
  );
  log(`  dropped         ${fmt(dropped)}${dropped ? `  ${JSON.stringify(r.dropped)}` : ""}`);
  for (const p of r.processes)
    log(
      `  ${p.name.padEnd(15)} ${fmt(p.cpuSeconds, 1)} CPU s, peak RSS ${fmt(p.peakRssBytes / 2 ** 20)} MiB`,
    );
  if (r.diskBytes !== null)
    log(
      `  disk            ${fmt(r.diskBytes / 2 ** 20, 1)} MiB${r.compressionRatio ? `, bodies compressed ${fmt(r.compressionRatio, 2)}×` : ""}`,
    );
  for (const c of r.checks) log(`  check ${c.name}: ${c.passed ? "passed" : "FAILED"} (${c.detail})`);
}
