import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, type Ed25519KeyPair, ed25519KeyPairFromSeed, sha256 } from "@vshard/crypto";
import { readKeyFile, waitForDevnetApi, writeKeyFile } from "@vshard/node";
import { DEFAULT_DEVNET, type DevnetConfig, isSoloDevnet } from "../devnetConfig.ts";

/** A node process the harness started (one node, or a whole in-process cluster): its API, data folder and pid. */
export interface LaunchedNode {
  /** The API of the node the harness talks to (node-0 of a cluster). */
  url: string;
  dataDir: string;
  pid: number;
  /** What runs in the process. */
  devnet: DevnetConfig;
  /**
   * The key that must fund the workload's accounts before the run: a cluster's faucet (a cluster funds only its
   * faucet); `null` for the single solo node, whose genesis already funded them.
   */
  funder: Ed25519KeyPair | null;
  stop(): Promise<void>;
  /** Bytes on disk: the database of a single node, the whole folder of a cluster (every node's database, log). */
  diskBytes(): Promise<number>;
}

/** Options of a launched devnet. */
export interface LaunchOptions {
  /** Genesis accounts of the single solo node (a cluster ignores them: see {@link LaunchedNode.funder}). */
  accounts: Array<{ address: string; balance: string }>;
  /** Plugin and node count; solo × 1 by default. */
  devnet?: DevnetConfig;
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
export async function folderBytes(dir: string): Promise<number> {
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

/** Writes the single solo node's genesis (funding `accounts`) and authority key into `dataDir`. */
async function writeSoloGenesis(dataDir: string, accounts: LaunchOptions["accounts"]): Promise<void> {
  const authority = benchAuthority();
  const genesis = {
    chainId: 1,
    shard: 0,
    time: Date.now(),
    authority: bytesToHex(authority.publicKey),
    accounts,
  };
  await writeFile(join(dataDir, "genesis.json"), JSON.stringify(genesis));
  await writeKeyFile(join(dataDir, "keys", "authority.json"), authority);
}

/** The `vshard` executable script of the node package (run with this process's node). */
export function vshardBin(): string {
  return createRequire(import.meta.url).resolve("@vshard/node/bin");
}

/**
 * Starts `vshard devnet` in its own process on a fresh temp folder and resolves once it prints its API address. The
 * single solo node gets a genesis that funds the workload's accounts; a cluster (`--nodes N --consensus p`) funds
 * only its faucet, whose key the result carries. The harness then talks to it through the public API only.
 */
export async function launchNode(opts: LaunchOptions): Promise<LaunchedNode> {
  const devnet = opts.devnet ?? DEFAULT_DEVNET;
  const solo = isSoloDevnet(devnet);
  const dataDir = await mkdtemp(join(tmpdir(), "vshard-bench-"));
  if (solo) await writeSoloGenesis(dataDir, opts.accounts);
  const bin = vshardBin();
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
    ...(solo ? ["--consensus", "solo"] : ["--nodes", String(devnet.nodes), "--consensus", devnet.consensus]),
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let url: string;
  try {
    url = await waitForDevnetApi(child);
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  let funder: Ed25519KeyPair | null = null;
  if (!solo)
    funder = await readKeyFile(join(dataDir, "keys", "faucet.json")).catch(async (err: Error) => {
      child.kill("SIGINT");
      await exited;
      await rm(dataDir, { recursive: true, force: true });
      throw err;
    });
  return {
    url,
    dataDir,
    pid: child.pid ?? -1,
    devnet,
    funder,
    diskBytes: () => folderBytes(solo ? join(dataDir, "db") : dataDir),
    async stop() {
      // SIGINT: the node finishes its block and, with --cpu-prof, writes its profile on exit.
      child.kill("SIGINT");
      await exited;
      if (!opts.keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
