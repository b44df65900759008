import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import { registerLoadBenchCommand } from "./benchCommand.ts";
import { runCryptoBench } from "./cryptoBench.ts";

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a positive number");
  return n;
}

function positiveInteger(value: string): number {
  const n = positiveNumber(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

/** The `bench` command line: the load benchmark (default) and `crypto`. */
export function createBenchProgram(): Command {
  const program = new Command("bench").description(
    "vshard benchmarks: results saved as JSON under bench/results/",
  );
  program
    .command("crypto")
    .description(
      "ed25519 verify/s (noble, node:crypto, single thread, worker pool) and BLS verify/s, with ratios",
    )
    .option("-s, --seconds <seconds>", "seconds per measurement", positiveNumber, 1)
    .option("-t, --threads <threads>", "worker threads of the pool (default: all cores)", positiveInteger)
    .option("--no-save", "do not save the JSON report")
    .action(async (opts: { seconds: number; threads?: number; save: boolean }) => {
      await runCryptoBench({
        seconds: opts.seconds,
        ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
        ...(opts.save ? {} : { resultsDir: null }),
      });
    });
  registerLoadBenchCommand(program, positiveInteger, nonNegativeNumber);
  return program;
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("expected a number ≥ 0");
  return n;
}

/** Parses `argv` (as `process.argv`) and runs the chosen benchmark. */
export async function runBenchCli(argv: string[] = process.argv): Promise<void> {
  await createBenchProgram().parseAsync(argv);
}

function isMainModule(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return pathToFileURL(realpathSync(entry)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isMainModule())
  await runBenchCli().catch((err: Error) => {
    // A refused run (bad option, a node that says no) is reported in one line, not as a stack trace.
    console.error(`vshard bench: ${err.message}`);
    process.exitCode = 1;
  });
