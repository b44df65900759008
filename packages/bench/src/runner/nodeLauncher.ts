import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, type Ed25519KeyPair, ed25519KeyPairFromSeed, sha256 } from "@vshard/crypto";
import { waitForDevnetApi, writeKeyFile } from "@vshard/node";

/** A node process the harness started: its API, data folder and pid. */
export interface LaunchedNode {
  url: string;
  dataDir: string;
  pid: number;
  stop(): Promise<void>;
  /** Bytes under the data folder (database, logs): the on-disk cost of the run. */
  diskBytes(): Promise<number>;
}

/** Options of a launched single-node devnet. */
export interface LaunchOptions {
  accounts: Array<{ address: string; balance: string }>;
  blockIntervalMs: number;
  /** Write CPU profiles of the node process into this folder. */
  cpuProfDir?: string;
  /** Keep the data folder after the run (it is a temp folder otherwise removed). */
  keepData?: boolean;
}

/** The authority key of bench devnets: fixed, so runs are reproducible. */
export function benchAuthority(): Ed25519KeyPair {
  return ed25519KeyPairFromSeed(sha256(new TextEncoder().encode("vshard/bench/authority")));
}

/** Bytes of the files under `dir`; files that vanish while it counts (LevelDB compaction) are skipped. */
async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(path);
    else if (entry.isFile())
      total += await stat(path).then(
        (s) => s.size,
        (err: NodeJS.ErrnoException) => (err.code === "ENOENT" ? 0 : Promise.reject(err)),
      );
  }
  return total;
}

/**
 * Starts `vshard devnet` in its own process on a fresh temp folder whose genesis funds the workload's accounts, and
 * resolves once it prints its API address. The harness then talks to it through the public API only.
 */
export async function launchNode(opts: LaunchOptions): Promise<LaunchedNode> {
  const dataDir = await mkdtemp(join(tmpdir(), "vshard-bench-"));
  const authority = benchAuthority();
  const genesis = {
    chainId: 1,
    shard: 0,
    time: Date.now(),
    authority: bytesToHex(authority.publicKey),
    accounts: opts.accounts,
  };
  await writeFile(join(dataDir, "genesis.json"), JSON.stringify(genesis));
  await writeKeyFile(join(dataDir, "keys", "authority.json"), authority);
  const bin = createRequire(import.meta.url).resolve("@vshard/node/bin");
  const profArgs = opts.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
  if (opts.cpuProfDir) await mkdir(opts.cpuProfDir, { recursive: true });
  const args = [
    ...profArgs,
    bin,
    "devnet",
    "--data-dir",
    dataDir,
    "--port",
    "0",
    "--block-interval",
    String(opts.blockIntervalMs),
    "--log-level",
    "warn",
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const url = await waitForDevnetApi(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url,
    dataDir,
    pid: child.pid ?? -1,
    diskBytes: () => folderBytes(join(dataDir, "db")),
    async stop() {
      // SIGINT: the node finishes its block and, with --cpu-prof, writes its profile on exit.
      child.kill("SIGINT");
      await exited;
      if (!opts.keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
