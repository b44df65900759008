import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The `vshard` entry point, run in a child process as a user runs it. */
const VSHARD = fileURLToPath(new URL("../../bin/vshard.js", import.meta.url));

/** What a `vshard` run printed and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `vshard …args` in a child process and resolves when it exits (never rejects). */
export function vshard(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [VSHARD, ...args], (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The lines of a run's stdout, trailing newline dropped. */
export function lines(run: CliRun): string[] {
  return run.stdout.trimEnd().split("\n");
}
