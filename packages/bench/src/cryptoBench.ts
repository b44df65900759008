import { generateKeyPairSync, sign } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  blsAggregateSignatures,
  blsFastAggregateVerify,
  blsKeyGen,
  blsSign,
  blsVerify,
  ed25519Verify,
  ed25519VerifyNoble,
  type SignatureSet,
  type SignatureVerifier,
  SingleThreadVerifier,
  VerifyPool,
} from "@vshard/crypto";

/** Options of {@link runCryptoBench}. */
export interface CryptoBenchOptions {
  /** Seconds each measurement runs (after a short warm-up). */
  seconds: number;
  /** Worker threads of the pool; all cores by default. */
  threads: number;
  /** Distinct ed25519 sets signed before timing (cycled through while timing). */
  ed25519Sets: number;
  /** Where the JSON report goes; `null` to not save it. */
  resultsDir: string | null;
  /** Progress and table lines; `console.log` by default. */
  log: (line: string) => void;
}

/** Repo-root `bench/results/` (git-ignored). */
export const DEFAULT_RESULTS_DIR = fileURLToPath(new URL("../../../bench/results/", import.meta.url));

/** Defaults: ~1 s per measurement, every core for the pool. */
export const defaultCryptoBenchOptions: CryptoBenchOptions = {
  seconds: 1,
  threads: availableParallelism(),
  ed25519Sets: 4096,
  resultsDir: DEFAULT_RESULTS_DIR,
  log: (line) => console.log(line),
};

/** One measured rate. */
export interface CryptoBenchResult {
  name: string;
  operations: number;
  seconds: number;
  perSecond: number;
}

/** What one run measured, with the ratios that matter (both terms measured in the same run). */
export interface CryptoBenchReport {
  kind: "crypto";
  startedAt: string;
  node: string;
  cpu: string;
  cores: number;
  threads: number;
  secondsPerMeasurement: number;
  results: CryptoBenchResult[];
  ratios: {
    /** ed25519 verify/s through node:crypto ÷ through @noble/curves. */
    nodeCryptoOverNoble: number;
    /** ed25519 verify/s through the VerifyPool ÷ the SingleThreadVerifier: the pool's speedup. */
    poolOverSingleThread: number;
  };
  /** Where the report was saved, if it was. */
  file: string | null;
}

/** Sets signed per verifier request: large enough to be cut into a job per worker. */
const REQUEST_SIZE = 512;
/** Verifier requests kept in flight, so that workers never wait for the next request. */
const REQUESTS_IN_FLIGHT = 4;
/** Signers of the fast-aggregate-verify measurement (a committee's votes on one block). */
const AGGREGATE_SIGNERS = 100;

function edSets(count: number): SignatureSet[] {
  // node:crypto signs ~20× faster than noble, so preparing thousands of sets takes a moment only.
  const keys = Array.from({ length: 256 }, () => {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const raw = Buffer.from(publicKey.export({ format: "jwk" }).x as string, "base64url");
    return { publicKey: new Uint8Array(raw), privateKey };
  });
  return Array.from({ length: count }, (_, i) => {
    const key = keys[i % keys.length];
    const message = new TextEncoder().encode(`transfer ${i} of the benchmark`);
    return {
      scheme: "ed25519",
      publicKey: key.publicKey,
      message,
      signature: new Uint8Array(sign(null, message, key.privateKey)),
    };
  });
}

/** Runs `step` (one verify of a valid signature) for `seconds` after a short warm-up. */
function timeSync(name: string, seconds: number, step: (i: number) => boolean): CryptoBenchResult {
  const fail = () => {
    throw new Error(`${name}: a valid signature failed`);
  };
  const warmUp = performance.now() + Math.min(200, seconds * 200);
  let i = 0;
  while (performance.now() < warmUp) if (!step(i++)) fail();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let operations = 0;
  // Time is read every 16 operations; at least 16 run, so a very short run still measures something.
  do {
    for (let k = 0; k < 16; k++, operations++) if (!step(i++)) fail();
  } while (performance.now() < deadline);
  const elapsed = (performance.now() - start) / 1000;
  return { name, operations, seconds: elapsed, perSecond: operations / elapsed };
}

/** Keeps {@link REQUESTS_IN_FLIGHT} requests in flight until `seconds` have passed. */
async function timeVerifier(
  name: string,
  seconds: number,
  verifier: SignatureVerifier,
  sets: SignatureSet[],
): Promise<CryptoBenchResult> {
  const requests: SignatureSet[][] = [];
  for (let i = 0; i + REQUEST_SIZE <= sets.length; i += REQUEST_SIZE)
    requests.push(sets.slice(i, i + REQUEST_SIZE));
  if (requests.length === 0) requests.push(sets);
  const run = async (deadline: number): Promise<number> => {
    let done = 0;
    let r = 0;
    do {
      const request = requests[r++ % requests.length];
      if (!(await verifier.verifyAll(request))) throw new Error(`${name}: a valid signature failed`);
      done += request.length;
    } while (performance.now() < deadline);
    return done;
  };
  const lanes = (deadline: number) =>
    Promise.all(Array.from({ length: REQUESTS_IN_FLIGHT }, () => run(deadline)));
  await lanes(performance.now() + Math.min(200, seconds * 200));
  const start = performance.now();
  const counts = await lanes(start + seconds * 1000);
  const elapsed = (performance.now() - start) / 1000;
  const operations = counts.reduce((a, b) => a + b, 0);
  return { name, operations, seconds: elapsed, perSecond: operations / elapsed };
}

function formatTable(results: CryptoBenchResult[]): string[] {
  const width = Math.max(...results.map((r) => r.name.length));
  const lines = [`${"measurement".padEnd(width)}  ${"ops/s".padStart(10)}  ${"ops".padStart(8)}`];
  for (const r of results)
    lines.push(
      `${r.name.padEnd(width)}  ${Math.round(r.perSecond).toLocaleString("en-US").padStart(10)}  ${String(r.operations).padStart(8)}`,
    );
  return lines;
}

/**
 * Measures, in one run, ed25519 verify/s with @noble/curves, node:crypto, the SingleThreadVerifier
 * and the VerifyPool (all cores), BLS verify/s and 100-signer fast-aggregate verify/s; prints a
 * table with the ratios node:crypto ÷ noble and pool ÷ single thread, and saves the report as JSON.
 */
export async function runCryptoBench(options: Partial<CryptoBenchOptions> = {}): Promise<CryptoBenchReport> {
  const opts = { ...defaultCryptoBenchOptions, ...options };
  const { log, seconds } = opts;
  const startedAt = new Date();
  log(`crypto bench: ${opts.seconds} s per measurement, pool of ${opts.threads} threads`);

  log(`preparing ${opts.ed25519Sets} ed25519 sets, BLS keys and a ${AGGREGATE_SIGNERS}-signer aggregate ...`);
  const sets = edSets(opts.ed25519Sets);
  const blsTriples = Array.from({ length: 64 }, (_, i) => {
    const key = blsKeyGen();
    const message = new TextEncoder().encode(`vote ${i}`);
    return { publicKey: key.publicKey, message, signature: blsSign(key.secretKey, message) };
  });
  const committee = Array.from({ length: AGGREGATE_SIGNERS }, () => blsKeyGen());
  const blockRoot = new TextEncoder().encode("block root of the benchmark");
  const committeeKeys = committee.map((k) => k.publicKey);
  const aggregate = blsAggregateSignatures(committee.map((k) => blsSign(k.secretKey, blockRoot)));

  const results: CryptoBenchResult[] = [];
  const measure = (result: CryptoBenchResult) => {
    results.push(result);
    log(`  ${result.name}: ${Math.round(result.perSecond).toLocaleString("en-US")}/s`);
  };
  const n = sets.length;
  log("measuring ...");
  measure(
    timeSync("ed25519 verify, @noble/curves", seconds, (i) => {
      const s = sets[i % n];
      return ed25519VerifyNoble(s.signature, s.message, s.publicKey);
    }),
  );
  measure(
    timeSync("ed25519 verify, node:crypto", seconds, (i) => {
      const s = sets[i % n];
      return ed25519Verify(s.signature, s.message, s.publicKey);
    }),
  );
  const single = new SingleThreadVerifier();
  measure(await timeVerifier("ed25519 verify, SingleThreadVerifier", seconds, single, sets));
  await single.close();
  const pool = await VerifyPool.create({ threads: opts.threads });
  try {
    measure(await timeVerifier(`ed25519 verify, VerifyPool (${pool.threads} threads)`, seconds, pool, sets));
  } finally {
    await pool.close();
  }
  measure(
    timeSync("bls verify", seconds, (i) => {
      const t = blsTriples[i % blsTriples.length];
      return blsVerify(t.publicKey, t.message, t.signature);
    }),
  );
  measure(
    timeSync(`bls fastAggregateVerify, ${AGGREGATE_SIGNERS} signers`, seconds, () =>
      blsFastAggregateVerify(committeeKeys, blockRoot, aggregate),
    ),
  );

  const rate = (prefix: string) => results.find((r) => r.name.startsWith(prefix))?.perSecond ?? Number.NaN;
  const ratios = {
    nodeCryptoOverNoble: rate("ed25519 verify, node:crypto") / rate("ed25519 verify, @noble/curves"),
    poolOverSingleThread: rate("ed25519 verify, VerifyPool") / rate("ed25519 verify, SingleThreadVerifier"),
  };
  for (const line of formatTable(results)) log(line);
  log(`node:crypto ÷ noble:        ${ratios.nodeCryptoOverNoble.toFixed(2)}×`);
  log(`pool ÷ single thread:       ${ratios.poolOverSingleThread.toFixed(2)}× (${opts.threads} threads)`);

  const report: CryptoBenchReport = {
    kind: "crypto",
    startedAt: startedAt.toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: availableParallelism(),
    threads: opts.threads,
    secondsPerMeasurement: seconds,
    results,
    ratios,
    file: null,
  };
  if (opts.resultsDir !== null) {
    await mkdir(opts.resultsDir, { recursive: true });
    const file = join(opts.resultsDir, `crypto-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
    report.file = file;
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    log(`report saved to ${file}`);
  }
  return report;
}

/**
 * This machine's ed25519 verify rate on all cores, through the same worker pool a node uses: the denominator of the
 * load benchmark's efficiency. Measured for `seconds` at the start of a run, while nothing else runs.
 */
export async function measureVerifyRate(seconds = 2, threads = availableParallelism()): Promise<number> {
  const sets = edSets(4096);
  const pool = await VerifyPool.create({ threads });
  try {
    return (await timeVerifier(`ed25519 verify, VerifyPool (${threads} threads)`, seconds, pool, sets))
      .perSecond;
  } finally {
    await pool.close();
  }
}
