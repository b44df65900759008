import { availableParallelism } from "node:os";
import { join } from "node:path";
import { ApiClient, readKeyFile } from "@vshard/node";
import type { Command } from "commander";
import { BENCH_CHAIN_ID } from "./benchChainSchema.ts";
import type { BenchRunResult, SweepPoint } from "./benchResult.ts";
import { type ConsensusSweepOutcome, runConsensusSweep } from "./consensusSweep.ts";
import { measureVerifyRate } from "./cryptoBench.ts";
import { DEFAULT_CONSENSUS_SWEEP, type DevnetConfig } from "./devnetConfig.ts";
import { parseDuration, parseRateList } from "./durations.ts";
import { defaultMaxRateSearchOptions, runMaxRateSearch } from "./efficiency.ts";
import { crossShardOf, devnetsOf, shardedNetworksOf } from "./loadBenchOptions.ts";
import { ProgressLine } from "./progressBar.ts";
import { fixedRate, rampRate } from "./rateSchedule.ts";
import { writeBenchReport } from "./report.ts";
import type { OfferedLoad } from "./runner/measureRun.ts";
import { runBench } from "./runner/runBench.ts";
import { printRunSummary } from "./runSummary.ts";
import type { ShardedNetworkConfig } from "./shardedNetwork.ts";
import { runShardSweep } from "./shardSweep.ts";
import { createWorkload, WORKLOAD_NAMES } from "./workloads/createWorkload.ts";

/** Options of `vshard bench` (the load benchmark). */
export interface LoadBenchCliOptions {
  workload: string;
  duration: number;
  txs?: number;
  warmup: number;
  drain: number;
  rate: string;
  ramp?: string;
  sweepRates?: string;
  /** A list such as `solo:1,bft:4`; `true` when the option was given without one ({@link DEFAULT_CONSENSUS_SWEEP}). */
  sweepConsensus?: string | true;
  /** Plugin and node count of the devnet the harness starts. */
  consensus: string;
  nodes: number;
  /** Run on a sharded network: a worker chain of this many shards (see `validators`, `shardConsensus`). */
  shards?: number;
  /** Validators (nodes) of the sharded network; the fewest its committees need by default. */
  validators?: number;
  /** Consensus of every shard: solo (default), bft or dpos. */
  shardConsensus?: string;
  /** A list of shard counts such as `1,2,4`: one sharded network each, at saturation. */
  sweepShards?: string;
  /** `transfer` on 2 or more shards: the share (0..1) of cross-shard transfers; 0 when absent. */
  crossShard?: number;
  repeats: number;
  accounts: number;
  zipf: number;
  hotspot: number;
  seed: number;
  url?: string;
  funderKey?: string;
  fundAmount: string;
  blockInterval: number;
  cpuProf: boolean;
  out?: string;
}

/** Registers the default (load) command of the bench program. */
export function registerLoadBenchCommand(
  program: Command,
  int: (v: string) => number,
  num: (v: string) => number,
): void {
  program
    .command("load", { isDefault: true })
    .description(
      "drive signed load at a node through its public API; report committed TPS, latency and efficiency",
    )
    .option("-w, --workload <name>", `workload: ${WORKLOAD_NAMES.join(", ")}`, "transfer")
    .option("-d, --duration <time>", "measured window (e.g. 30s), warm-up excluded", parseDuration, 30_000)
    .option(
      "--txs <n>",
      "bound the measured window by a tx count instead of --duration (approximate at saturation)",
      int,
    )
    .option("--warmup <time>", "warm-up before the measured window", parseDuration, 5_000)
    .option(
      "--drain <time>",
      "how long to wait for accepted txs to become final after sending",
      parseDuration,
      30_000,
    )
    .option(
      "-r, --rate <rate>",
      "offered load: 'saturate' (closed loop), 'max' (search the highest tracking rate) or tx/s (open loop)",
      "saturate",
    )
    .option("--ramp <from:to>", "open loop, rate ramping linearly from..to tx/s over the run")
    .option(
      "--sweep-rates <list>",
      "sweep over offered rates, absolute or % of the saturation rate (e.g. 25%,50%,100%,150%)",
    )
    .option(
      "--sweep-consensus [list]",
      `sweep over devnets at saturation, plugin:nodes each (default list: ${DEFAULT_CONSENSUS_SWEEP})`,
    )
    .option("--repeats <n>", "repeats of each sweep point", int, 3)
    .option("--accounts <n>", "accounts (customers for smallbank)", int, 10_000)
    .option("--zipf <s>", "Zipf exponent of account choice (0: uniform)", num, 0)
    .option("--hotspot <fraction>", "smallbank: fraction of txs on the 1% hottest customers", num, 0)
    .option("--seed <n>", "seed of the workload", int, 1)
    .option("--url <url>", "drive an existing node instead of starting one (see --funder-key)")
    .option(
      "--funder-key <file>",
      "with --url: key file that funds the workload's accounts first (e.g. data/devnet/keys/faucet.json)",
    )
    .option("--fund-amount <n>", "with --funder-key: base units each account receives", "1000000000")
    .option("--block-interval <ms>", "block interval of the node the harness starts", int, 250)
    .option("--consensus <plugin>", "consensus of the devnet the harness starts: solo, bft or dpos", "solo")
    .option("--nodes <n>", "nodes of that devnet (all in one process; solo runs one)", int, 1)
    .option(
      "--shards <n>",
      "run on a sharded network: a worker chain of n shards, every node running the main chain and every shard",
      int,
    )
    .option(
      "--validators <n>",
      "validators (one node each) of the sharded network (default: the fewest its committees need: shards for solo, 2×shards for bft/dpos)",
      int,
    )
    .option("--shard-consensus <plugin>", "consensus of every shard: solo (default), bft or dpos")
    .option(
      "--sweep-shards <list>",
      "sweep over shard counts at saturation, one fresh network each (e.g. 1,2,4)",
    )
    .option(
      "--cross-shard <ratio>",
      "transfer on --shards ≥ 2: share of cross-shard transfers (0..1), relayed; a sample is followed to its credit",
      num,
      0,
    )
    .option("--cpu-prof", "write CPU profiles of the node process into the results folder")
    .option("--out <dir>", "results root folder (default: bench/results)")
    .action(async (o: LoadBenchCliOptions) => {
      const ok = await runLoadBench(o);
      if (!ok) process.exitCode = 1;
    });
}

/** Runs the load benchmark the options describe; resolves false when a check failed. */
export async function runLoadBench(o: LoadBenchCliOptions): Promise<boolean> {
  const log = (line: string) => console.log(line);
  const { devnet, sweep: devnetSweep } = devnetsOf(o);
  const { network, sweep: shardSweep } = shardedNetworksOf(o);
  const crossShard = crossShardOf(o);
  const funder = o.funderKey ? await readKeyFile(o.funderKey) : undefined;
  if (funder && !o.url)
    throw new Error(
      "--funder-key needs --url (a node the harness starts funds the accounts itself, at genesis or from its faucet)",
    );
  // A node given by URL is driven on its default chain: chain 1 of a single-chain devnet, the main chain of a network
  // node (whose worker shards take only their home accounts' txs; the faucet is funded on the main chain too).
  const urlChain = o.url ? await new ApiClient(o.url).head() : null;
  const threads = availableParallelism();
  log(`measuring this machine's ed25519 verify rate on ${threads} cores ...`);
  const verifyRatePerSecond = await measureVerifyRate(1, threads);
  log(`  ${Math.round(verifyRatePerSecond).toLocaleString("en-US")} verifies/s`);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const cpuProfDir = o.cpuProf ? join(o.out ?? "bench/results", `cpu-profiles-${stamp}`) : undefined;
  const run = async (
    load: OfferedLoad,
    label: string,
    seedOffset = 0,
    launch: DevnetConfig | ShardedNetworkConfig = network ?? devnet,
  ): Promise<BenchRunResult> =>
    runBench({
      workload: createWorkload(o.workload, {
        accounts: o.accounts,
        seed: o.seed + seedOffset,
        chainId: "shards" in launch ? BENCH_CHAIN_ID : (urlChain?.chainId ?? 1),
        shard: urlChain?.shard ?? 0,
        ...("shards" in launch ? { shards: launch.shards, crossShard } : {}),
        zipf: o.zipf,
        hotspot: o.hotspot,
      }),
      load,
      url: o.url,
      ...("shards" in launch ? { network: launch } : { devnet: launch }),
      fundAmount: BigInt(o.fundAmount),
      durationMs: o.duration,
      ...(o.txs !== undefined ? { txCount: o.txs } : {}),
      warmupMs: o.warmup,
      drainMs: o.drain,
      blockIntervalMs: o.blockInterval,
      verifyRatePerSecond,
      cpuProfDir,
      ...(funder ? { funding: { funder, amount: BigInt(o.fundAmount) } } : {}),
      log,
      progress: new ProgressLine(process.stdout),
      phaseLabel: label,
      crossShard: { seed: o.seed + seedOffset },
    });
  const report = { resultsDir: o.out };
  const config = { ...o, verifyRatePerSecond, threads };
  const finishSweep = async (what: string, { sweep, failure }: ConsensusSweepOutcome): Promise<boolean> => {
    if (sweep.points.length > 0) {
      const written = await writeBenchReport(
        { kind: "sweep", name: `${o.workload}-${what}-sweep`, config, sweep },
        report,
      );
      log(`results: ${written.dir}${failure ? " (the configurations measured before the failure)" : ""}`);
    }
    if (failure) throw new Error(`${what} sweep stopped at ${failure.label}: ${failure.error.message}`);
    return sweep.points.every((p) => p.runs.every((r) => r.checks.every((c) => c.passed)));
  };
  if (devnetSweep) {
    const outcome = await runConsensusSweep({
      configs: devnetSweep,
      repeats: o.repeats,
      run: (c, k) => run({ kind: "saturate" }, `saturation ${c.consensus}:${c.nodes}`, k, c),
      log,
    });
    return finishSweep("consensus", outcome);
  }
  if (shardSweep) {
    const outcome = await runShardSweep({
      networks: shardSweep,
      repeats: o.repeats,
      run: (c, k) => run({ kind: "saturate" }, `saturation, ${c.shards} shards`, k, c),
      log,
    });
    return finishSweep("shard", outcome);
  }
  if (o.sweepRates) {
    const rates = parseRateList(o.sweepRates);
    let saturation = 0;
    if (rates.some((r) => r.relative)) {
      log("sweep: measuring the saturation rate first ...");
      saturation = (await run({ kind: "saturate" }, "saturation")).committedTps;
      log(`  saturation: ${Math.round(saturation)} tx/s`);
    }
    const points: SweepPoint[] = [];
    for (const r of rates) {
      const rate = r.relative ? Math.max(1, Math.round(r.value * saturation)) : r.value;
      const runs: BenchRunResult[] = [];
      for (let k = 0; k < o.repeats; k++) {
        log(`sweep point ${rate} tx/s, repeat ${k + 1}/${o.repeats}`);
        runs.push(await run({ kind: "open", schedule: fixedRate(rate) }, `${rate} tx/s`, k));
      }
      points.push({
        x: rate,
        label: r.relative ? `${Math.round(r.value * 100)}% (${rate}/s)` : String(rate),
        runs,
      });
    }
    const written = await writeBenchReport(
      {
        kind: "sweep",
        name: `${o.workload}-rate-sweep`,
        config,
        sweep: { parameter: "offeredRate", xLabel: "offered rate (tx/s)", points },
      },
      report,
    );
    log(`results: ${written.dir}`);
    return points.every((p) => p.runs.every((r) => r.checks.every((c) => c.passed)));
  }
  let result: BenchRunResult;
  if (o.rate === "max") {
    // One full run per step; the report is the run at the highest rate that still tracked.
    const runs = new Map<number, BenchRunResult>();
    const search = await runMaxRateSearch(
      { ...defaultMaxRateSearchOptions, startRate: Math.round(verifyRatePerSecond / 4) },
      async (rate) => {
        log(`max search: offering ${Math.round(rate)} tx/s`);
        const r = await run({ kind: "open", schedule: fixedRate(rate) }, `${Math.round(rate)} tx/s`);
        runs.set(rate, r);
        return r.committedTps;
      },
    );
    const best = search.maxRate !== null ? runs.get(search.maxRate) : [...runs.values()].pop();
    if (!best) throw new Error("the max-rate search measured no step");
    log(
      `max search: ${search.maxRate === null ? "no rate tracked" : `highest tracking rate ${Math.round(search.maxRate)} tx/s`} (${search.reason})`,
    );
    result = { ...best, maxRateSearch: search };
  } else if (o.ramp) {
    const [from, to] = o.ramp.split(":").map(Number);
    if (!(from >= 0 && to > 0)) throw new Error(`--ramp expects from:to tx/s, got '${o.ramp}'`);
    result = await run(
      { kind: "open", schedule: rampRate(from, to, (o.warmup + o.duration) / 1000) },
      `ramp ${from}→${to}/s`,
    );
  } else if (o.rate === "saturate") result = await run({ kind: "saturate" }, "saturation");
  else {
    const rate = Number(o.rate);
    if (!(rate > 0))
      throw new Error(`--rate expects 'saturate', 'max' or a positive number, got '${o.rate}'`);
    result = await run({ kind: "open", schedule: fixedRate(rate) }, `${rate} tx/s`);
  }
  printRunSummary(result, log);
  const written = await writeBenchReport(
    { kind: "run", name: `${o.workload}-${o.rate}`, config, run: result },
    report,
  );
  log(`results: ${written.dir}`);
  return result.checks.every((c) => c.passed);
}
