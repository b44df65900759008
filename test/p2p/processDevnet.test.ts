import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { waitForDevnetApi } from "@vshard/node";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/testNetwork.ts";

const VSHARD_BIN = fileURLToPath(new URL("../../packages/node/bin/vshard.js", import.meta.url));
const run = promisify(execFile);
const NODES = 4;

interface NodeInfo {
  name: string;
  dir: string;
  url: string;
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes; the error shows the last state. */
async function until<T>(what: string, check: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

const finalOf = async (n: NodeInfo) =>
  (await getJson<{ finalizedHeight: number }>(`${n.url}/v1/head`)).finalizedHeight;
const pidOf = async (n: NodeInfo) => Number((await readFile(join(n.dir, "node.pid"), "utf8")).trim());
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * `vshard devnet --processes`: every node of the sharded network in its own OS process over libp2p, supervised by the
 * devnet. Nodes find each other, a node killed with SIGKILL is restarted and catches up while the others keep
 * finalising, and the benchmark's transfer workload runs against node-0.
 */
describe("vshard devnet --processes: one OS process per node over libp2p", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("runs 4 node processes that see each other, survives a SIGKILL, and takes the transfer benchmark", async () => {
    const dir = await tempDir("process-devnet");
    cleanups.push(dir.cleanup);
    const child: ChildProcessWithoutNullStreams = spawn(
      process.execPath,
      [
        VSHARD_BIN,
        "devnet",
        "--processes",
        "--nodes",
        String(NODES),
        "--data-dir",
        dir.path,
        "--port",
        "0",
        "--p2p-port",
        "0",
        "--relays",
        "0",
        // Chain nodes only: storage and light processes (3 + 1 by default) would double the processes this test runs
        // (DLFS over libp2p is tested in dlfsOverLibp2p.test.ts, the process roles' configs in processNetworkRoles).
        "--storage-nodes",
        "0",
        "--light-nodes",
        "0",
        "--block-interval",
        "250",
        "--verify-threads",
        "0",
        "--log-level",
        "info",
      ],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    let printed = "";
    child.stdout.on("data", (chunk: Buffer) => {
      printed += chunk.toString();
    });
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    });
    const url0 = await waitForDevnetApi(child);

    // Each node's API address is in its config file (the devnet chose free ports).
    const nodes: NodeInfo[] = await Promise.all(
      Array.from({ length: NODES }, async (_, i) => {
        const nodeDir = join(dir.path, `node-${i}`);
        const config = JSON.parse(await readFile(join(nodeDir, "config.json"), "utf8"));
        return { name: `node-${i}`, dir: nodeDir, url: `http://${config.api.host}:${config.api.port}` };
      }),
    );
    expect(nodes[0].url).toBe(url0);
    // Stop the nodes with the devnet even if the test fails before its end: a SIGKILLed devnet leaves them running
    // only until they notice (their IPC channel closes), so SIGTERM it first.
    cleanups.push(async () => {
      const pids = await Promise.all(nodes.map((n) => pidOf(n).catch(() => 0)));
      if (child.exitCode === null) child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      for (const pid of pids) if (pid > 0 && alive(pid)) process.kill(pid, "SIGKILL");
    });

    // Every node finalises main-chain blocks, each in its own process with its own log.
    const start = await Promise.all(nodes.map(finalOf));
    await until(
      "every node finalising",
      async () =>
        (await Promise.all(nodes.map(finalOf))).every((h, i) => h >= start[i] + 4) ? true : undefined,
      60_000,
    );
    const pids = await Promise.all(nodes.map(pidOf));
    expect(new Set([...pids, child.pid]).size).toBe(NODES + 1);
    for (const n of nodes) expect(existsSync(join(n.dir, "node.log"))).toBe(true);

    // Every node is connected to the three others (GET /v1/p2p).
    const p2p = await Promise.all(
      nodes.map((n) =>
        getJson<{ peerId: string; peers: Array<{ peerId: string; connected: boolean }> }>(`${n.url}/v1/p2p`),
      ),
    );
    const ids = p2p.map((p) => p.peerId);
    expect(new Set(ids).size).toBe(NODES);
    await until(
      "every node connected to every other",
      async () => {
        const views = await Promise.all(
          nodes.map((n) =>
            getJson<{ peers: Array<{ peerId: string; connected: boolean }> }>(`${n.url}/v1/p2p`),
          ),
        );
        return views.every((v, i) =>
          ids.filter((_, j) => j !== i).every((id) => v.peers.some((p) => p.peerId === id && p.connected)),
        )
          ? true
          : undefined;
      },
      30_000,
    );

    // SIGKILL node-2: the devnet restarts it (a new pid), it catches up with node-0, and node-0 keeps finalising.
    const [node0, , node2] = [nodes[0], nodes[1], nodes[2]];
    const killedPid = pids[2];
    const finalAtKill = await finalOf(node0);
    process.kill(killedPid, "SIGKILL");
    const newPid = await until(
      "node-2 restarted",
      async () => {
        const pid = await pidOf(node2);
        return pid !== killedPid && alive(pid) ? pid : undefined;
      },
      60_000,
    );
    expect(newPid).not.toBe(killedPid);
    expect(printed).toContain("node-2 exited (SIGKILL), restarting");
    await until("node-2's API back", async () => ((await finalOf(node2)) >= 0 ? true : undefined), 60_000);
    const target = await finalOf(node0);
    await until(
      "node-2 caught up with node-0",
      async () => ((await finalOf(node2)) >= target ? true : undefined),
      60_000,
    );
    expect(await finalOf(node0)).toBeGreaterThan(finalAtKill);

    // The benchmark's transfer workload against node-0, funded from the devnet's faucet.
    const out = join(dir.path, "bench");
    const bench = await run(
      process.execPath,
      [
        VSHARD_BIN,
        "bench",
        "--url",
        url0,
        "--funder-key",
        join(dir.path, "keys", "faucet.json"),
        "--workload",
        "transfer",
        "--accounts",
        "20",
        "--rate",
        "40",
        "--duration",
        "5s",
        "--warmup",
        "2s",
        "--drain",
        "30s",
        "--out",
        out,
      ],
      { timeout: 120_000 },
    );
    const resultsDir = /results: (\S+)/.exec(bench.stdout)?.[1];
    expect(resultsDir, bench.stdout).toBeDefined();
    const results = JSON.parse(await readFile(join(resultsDir as string, "results.json"), "utf8")) as {
      run: { committedTps: number; efficiency: number };
    };
    expect(results.run.committedTps).toBeGreaterThan(0);
    expect(results.run.efficiency).toBeGreaterThan(0);
    expect(bench.stdout).toMatch(/efficiency\s+\d/);

    // A clean stop: SIGTERM to the devnet stops every node (each removes its node.pid) and exits 0.
    const running = await Promise.all(nodes.map(pidOf));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    for (const pid of running) expect(alive(pid)).toBe(false);
    for (const n of nodes) expect(existsSync(join(n.dir, "node.pid"))).toBe(false);
  }, 300_000);
});
