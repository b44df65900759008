import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import type { Command } from "commander";

/**
 * `vshard bench …`: runs the benchmark package's own CLI in a child process. The node package does not import the bench
 * package (bench is a client of the node), so the command finds its entry file and runs it.
 */
export function registerBenchCommand(program: Command): void {
  program
    .command("bench")
    .description("run a benchmark (see `vshard bench --help` of the bench CLI: crypto, …)")
    .allowUnknownOption()
    .helpOption(false)
    .argument("[args...]")
    .action(async (args: string[]) => {
      const entry = createRequire(import.meta.url).resolve("@vshard/bench/cli");
      const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], { stdio: "inherit" });
      const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
      process.exitCode = code;
    });
}
