import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const VSHARD_BIN = fileURLToPath(new URL("../../packages/node/bin/vshard.js", import.meta.url));

/** A `vshard` CLI process, with its output kept for error messages. */
export interface NodeProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `vshard devnet` on a data folder and resolves once it prints its API address. */
export function startDevnetProcess(dataDir: string, extraArgs: string[] = []): Promise<NodeProcess> {
  const child = spawn(
    process.execPath,
    [
      VSHARD_BIN,
      "devnet",
      "--data-dir",
      dataDir,
      "--port",
      "0",
      "--block-interval",
      "50",
      "--verify-threads",
      "1",
      "--log-level",
      "warn",
      ...extraArgs,
    ],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /API\s+(http:\/\/[0-9.:]+)/.exec(out);
      if (m) {
        child.stdout.off("data", onData);
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString();
        });
        resolve({ child, url: m[1], output: () => out, exited });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (c: Buffer) => {
      out += c.toString();
    });
    exited.then((code) =>
      reject(new Error(`vshard devnet exited with ${code} before printing its API address:\n${out}`)),
    );
  });
}
