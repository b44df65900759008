import type { Ed25519KeyPair } from "@vshard/crypto";
import { ApiClient } from "@vshard/node";
import type { BenchCheck, BenchRunResult, ProcessUsage, TimelinePoint } from "../benchResult.ts";
import { type DevnetConfig, devnetLabel, isSoloDevnet } from "../devnetConfig.ts";
import { efficiency } from "../efficiency.ts";
import { LatencyHistogram } from "../latencyHistogram.ts";
import type { ProgressLine } from "../progressBar.ts";
import { plannedTxCount, type RateSchedule, timeForCount, txsDueBy } from "../rateSchedule.ts";
import type { Workload } from "../workloads/workload.ts";
import { FinalityTracker } from "./finalityTracker.ts";
import { fundAccounts } from "./fundAccounts.ts";
import { driveLoad, type ReadyTx } from "./loadDriver.ts";
import { type LaunchedNode, launchNode } from "./nodeLauncher.ts";
import { ProcessMeter } from "./processUsage.ts";

/** How the offered load is shaped. */
export type OfferedLoad = { kind: "saturate" } | { kind: "open"; schedule: RateSchedule };

/** Options of one measured run. */
export interface BenchRunOptions {
  workload: Workload;
  load: OfferedLoad;
  /** Existing node to drive; without it the harness launches one. */
  url?: string;
  /** Without `url`: the devnet the harness launches (plugin, node count); solo × 1 by default. */
  devnet?: DevnetConfig;
  /** Base units each account receives from a launched cluster's faucet; {@link DEFAULT_FUND_AMOUNT} by default. */
  fundAmount?: bigint;
  durationMs: number;
  /** Bound the measured window by a tx count instead of `durationMs` (approximate at saturation). */
  txCount?: number;
  warmupMs: number;
  /** How long to wait after sending for accepted txs to become final. */
  drainMs: number;
  blockIntervalMs: number;
  /** This machine's all-core ed25519 verify rate, measured at the start of the command. */
  verifyRatePerSecond: number;
  cpuProfDir?: string;
  /** With `url`: a key that funds the workload's accounts first (e.g. a devnet's faucet), and how much each gets. */
  funding?: { funder: Ed25519KeyPair; amount: bigint };
  log: (line: string) => void;
  progress: ProgressLine;
  /** Shown in the progress line, e.g. "saturation" or "1500 tx/s". */
  phaseLabel: string;
}

/**
 * What each account gets from a launched cluster's faucet: 10^9 covers any run at fee 1 (and transfer amount 1), and
 * 10,000 accounts take 10^13 of the faucet's 10^15.
 */
export const DEFAULT_FUND_AMOUNT = 1_000_000_000n;

/** Most txs per POST: a tenth of a block, so batches flow while a block is being built. */
const MAX_BATCH = 500;
/** Concurrent POSTs: enough to keep both the HTTP parser and the verify pool busy. */
const MAX_CONCURRENT_REQUESTS = 4;
/** Closed-loop window at saturation: two full default blocks (5,000 txs each) waiting, so no block is built short. */
const SATURATION_WINDOW = 10_000;

/** Runs one benchmark: launch (or reach) the node, run setup, send the load, drain, measure, check. */
export async function runBench(opts: BenchRunOptions): Promise<BenchRunResult> {
  const { workload, log } = opts;
  const node: LaunchedNode | null = opts.url
    ? null
    : await launchNode({
        accounts: workload.genesisAccounts(),
        ...(opts.devnet ? { devnet: opts.devnet } : {}),
        blockIntervalMs: opts.blockIntervalMs,
        cpuProfDir: opts.cpuProfDir,
      });
  const url = opts.url ?? (node as LaunchedNode).url;
  if (node)
    log(
      isSoloDevnet(node.devnet)
        ? `node started at ${url} (data ${node.dataDir})`
        : `${node.devnet.nodes} ${node.devnet.consensus} nodes started in one process, node-0 at ${url} (data ${node.dataDir})`,
    );
  const tracker = new FinalityTracker(url);
  try {
    await tracker.start();
    const funding = opts.url
      ? opts.funding
      : node?.funder
        ? { funder: node.funder, amount: opts.fundAmount ?? DEFAULT_FUND_AMOUNT }
        : undefined;
    if (funding)
      await fundAccounts({
        url,
        ...funding,
        accounts: workload.genesisAccounts(),
        tracker,
        drainMs: opts.drainMs,
        log,
      });
    await runSetup(workload.setupTxs(), url, tracker, opts);
    const { total, count } = sendPlan(opts);
    log(`signing ${count} transactions before the measured window ...`);
    const txs = signInChunks(workload, count, log);
    const meters = [
      new ProcessMeter("bench client", process.pid),
      ...(node ? [new ProcessMeter(nodeProcessName(node.devnet), node.pid)] : []),
    ];
    for (const m of meters) await m.start();
    const schedule = opts.load.kind === "open" ? opts.load.schedule : null;
    const finalBefore = tracker.finalCount();
    const record = await driveLoad(
      txs,
      {
        url,
        pacing: schedule
          ? { kind: "open", dueBy: (ms) => txsDueBy(schedule, ms) }
          : { kind: "saturate", window: SATURATION_WINDOW },
        sendForMs: total,
        maxBatch: MAX_BATCH,
        maxConcurrentRequests: MAX_CONCURRENT_REQUESTS,
        onProgress: (ms, sent) =>
          opts.progress.update({
            elapsedMs: ms,
            totalMs: Number.isFinite(total) ? total : null,
            targetTxs: count,
            submitted: sent,
            committed: tracker.finalCount() - finalBefore,
            phase: ms < opts.warmupMs ? "warm-up" : opts.phaseLabel,
          }),
      },
      tracker,
    );
    opts.progress.finish({
      elapsedMs: record.endedAt - record.startedAt,
      totalMs: Number.isFinite(total) ? total : null,
      targetTxs: count,
      submitted: record.sent,
      committed: tracker.finalCount() - finalBefore,
      phase: opts.phaseLabel,
    });
    const processes: ProcessUsage[] = [];
    for (const m of meters) processes.push(await m.end());
    const acceptedNotFinal = () => {
      for (let i = 0; i < record.sent; i++)
        if (record.accepted[i] && tracker.finalTime(txs[i].hashHex) === undefined) return false;
      return true;
    };
    log("draining: waiting for accepted transactions to become final ...");
    await tracker.waitFor(acceptedNotFinal, opts.drainMs);
    // A count-bounded window ends when its last tx went out; a time-bounded one after `durationMs`.
    const durationMs =
      opts.txCount !== undefined
        ? Math.max(1, record.endedAt - record.startedAt - opts.warmupMs)
        : opts.durationMs;
    const result = measure(txs, record, tracker, { ...opts, durationMs });
    result.processes = processes;
    if (node) {
      result.diskBytes = await node.diskBytes();
      result.consensus = node.devnet.consensus;
      result.nodes = node.devnet.nodes;
    }
    const stats = (await new ApiClient(url).request("GET", "/v1/node/stats")) as {
      storage: { compressionRatio: number | null };
    };
    result.compressionRatio = stats.storage.compressionRatio;
    if (workload.check) {
      log("checking the final state ...");
      const c = await workload.check(new ApiClient(url), tracker.finalOrder);
      result.checks.push({ name: c.name, passed: c.passed, detail: c.details });
    }
    return result;
  } finally {
    await tracker.stop();
    await node?.stop();
  }
}

/** "node" for the single solo node; "nodes (bft:4)" for a cluster, whose nodes all live in that one process. */
function nodeProcessName(devnet: DevnetConfig): string {
  return isSoloDevnet(devnet) ? "node" : `nodes (${devnetLabel(devnet)})`;
}

/** How long to send and how many txs to sign: by time, or by count (warm-up txs added). */
function sendPlan(opts: BenchRunOptions): { total: number; count: number } {
  const saturationCount = (ms: number) => Math.ceil((opts.verifyRatePerSecond * ms * 1.2) / 1000);
  if (opts.txCount === undefined) {
    const total = opts.warmupMs + opts.durationMs;
    const count =
      opts.load.kind === "open"
        ? plannedTxCount(opts.load.schedule, total)
        : saturationCount(total) + SATURATION_WINDOW;
    return { total, count };
  }
  if (opts.load.kind === "open") {
    const count = plannedTxCount(opts.load.schedule, opts.warmupMs) + opts.txCount;
    return { total: timeForCount(opts.load.schedule, count) + 1, count };
  }
  return { total: Number.POSITIVE_INFINITY, count: saturationCount(opts.warmupMs) + opts.txCount };
}

function signInChunks(workload: Workload, count: number, log: (line: string) => void): ReadyTx[] {
  const out: ReadyTx[] = [];
  const chunk = 20_000;
  for (let done = 0; done < count; done += chunk) {
    out.push(...workload.nextTxs(Math.min(chunk, count - done)));
    if (count > chunk) log(`  signed ${Math.min(done + chunk, count)} / ${count}`);
  }
  return out;
}

async function runSetup(
  setup: ReadyTx[],
  url: string,
  tracker: FinalityTracker,
  opts: BenchRunOptions,
): Promise<void> {
  if (setup.length === 0) return;
  opts.log(`setup: ${setup.length} transactions ...`);
  const record = await driveLoad(
    setup,
    {
      url,
      pacing: { kind: "saturate", window: SATURATION_WINDOW },
      sendForMs: Number.POSITIVE_INFINITY,
      maxBatch: MAX_BATCH,
      maxConcurrentRequests: MAX_CONCURRENT_REQUESTS,
    },
    tracker,
  );
  const rejected = [...record.rejectedByCode].map(([c, n]) => `${c}×${n}`).join(", ");
  if (rejected) throw new Error(`setup transactions were refused: ${rejected}`);
  const done = await tracker.waitFor(
    () => setup.every((t) => tracker.finalTime(t.hashHex) !== undefined),
    opts.drainMs,
  );
  if (!done) throw new Error("setup transactions did not all become final");
}

function measure(
  txs: ReadyTx[],
  record: Awaited<ReturnType<typeof driveLoad>>,
  tracker: FinalityTracker,
  opts: BenchRunOptions,
): BenchRunResult {
  const windowStart = record.startedAt + opts.warmupMs;
  const windowEnd = windowStart + opts.durationMs;
  const seconds = opts.durationMs / 1000;
  const histogram = new LatencyHistogram();
  const timeline: TimelinePoint[] = Array.from({ length: Math.ceil(seconds) }, (_, k) => ({
    tSeconds: k + 1,
    offeredTps: 0,
    committedTps: 0,
  }));
  let submitted = 0;
  let committed = 0;
  let notFinal = 0;
  for (let i = 0; i < record.sent; i++) {
    const planned = record.plannedAt[i];
    const final = tracker.finalTime(txs[i].hashHex);
    if (final !== undefined && final >= windowStart && final < windowEnd) {
      committed++;
      const slot = timeline[Math.floor((final - windowStart) / 1000)];
      if (slot) slot.committedTps++;
    }
    if (planned < windowStart || planned >= windowEnd) continue;
    submitted++;
    const slot = timeline[Math.floor((planned - windowStart) / 1000)];
    if (slot) slot.offeredTps++;
    if (final !== undefined) histogram.recordMs(Math.max(0, final - planned));
    else if (record.accepted[i]) notFinal++;
  }
  const committedTps = committed / seconds;
  // Every node of an in-process cluster checks every tx's signature once (at admission; its block reuses that check),
  // all on this machine's cores: the honest work per committed tx is one check per node.
  const replicas = opts.devnet && !isSoloDevnet(opts.devnet) ? opts.devnet.nodes : 1;
  const signatureChecksPerTx = opts.workload.signatureChecksPerTx * replicas;
  const checks: BenchCheck[] = [];
  return {
    workload: opts.workload.name,
    startedAt: new Date(Date.now() - (performance.now() - windowStart)).toISOString(),
    durationSeconds: seconds,
    warmupSeconds: opts.warmupMs / 1000,
    offeredRate: submitted / seconds,
    submitted,
    committed,
    committedTps,
    latencyMs: histogram.summary(),
    signatureChecksPerTx,
    verifyRatePerSecond: opts.verifyRatePerSecond,
    efficiency: efficiency({
      committedTps,
      signatureChecksPerTx,
      verifyRatePerSecond: opts.verifyRatePerSecond,
    }),
    rejected: Object.fromEntries(record.rejectedByCode),
    busyRetries: record.busyRetries,
    dropped: notFinal > 0 ? { "not final after drain": notFinal } : {},
    processes: [],
    diskBytes: null,
    compressionRatio: null,
    checks,
    timeline,
  };
}
