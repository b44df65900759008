import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { waitForDevnetApi } from "@vshard/node";

const VSHARD_BIN = fileURLToPath(new URL("../../packages/node/bin/vshard.js", import.meta.url));

/** A `vshard devnet` process and its API address. */
export interface NodeProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  exited: Promise<number | null>;
}

/** Starts `vshard devnet` on a data folder and resolves once it prints its API address. */
export function startDevnetProcess(dataDir: string, extraArgs: string[] = []): Promise<NodeProcess> {
  const child = spawn(
    process.execPath,
    [
      VSHARD_BIN,
      "devnet",
      "--consensus",
      "solo",
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
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return waitForDevnetApi(child).then((url) => ({ child, url, exited }));
}
