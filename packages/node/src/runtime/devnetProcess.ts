import type { ChildProcess } from "node:child_process";

/** The line `vshard devnet` prints with its API address (see devnetCommand.ts): the one place that reads it back. */
const API_LINE = /API\s+(http:\/\/[0-9.:]+)/;

/**
 * Resolves with the API URL a `vshard devnet` child process prints once it listens; rejects, with everything the
 * process printed, if it exits first. Afterwards its output keeps draining so the child never blocks on a full pipe.
 */
export function waitForDevnetApi(child: ChildProcess): Promise<string> {
  let out = "";
  return new Promise((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      out += chunk.toString();
      const m = API_LINE.exec(out);
      if (!m) return;
      child.stdout?.off("data", collect);
      child.stderr?.off("data", collect);
      child.off("exit", onExit);
      child.stdout?.resume();
      child.stderr?.resume();
      resolve(m[1]);
    };
    const onExit = (code: number | null) =>
      reject(new Error(`vshard devnet exited (${code}) before printing its API address:\n${out}`));
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.once("exit", onExit);
  });
}
