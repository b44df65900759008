import { type ChildProcess, spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ApiClient, type ChainsJson, readKeyFile, type TxStatusJson } from "@vshard/node";
import { addressFromPublicKey, signTx, type Tx, TxKind } from "@vshard/types";
import { afterAll, describe, expect, it, onTestFailed } from "vitest";
import {
  type ProcessNetworkPlan,
  planProcessNetwork,
} from "../../packages/node/src/runtime/processNetwork.ts";
import { addressOf, tempDir, testKey } from "../helpers/testNetwork.ts";
import {
  canCreateNamespaces,
  createHosts,
  leftoversOf,
  type NetnsHosts,
  sweepStale,
  uniquePrefix,
} from "./netns.ts";

const support = canCreateNamespaces();
if (!support.ok) console.warn(`skipping the network-namespace tests: ${support.why}`);

/** A TCP connection attempt from the test process: accepted, refused (a live host) or unanswered (a cut link). */
function tcp(host: string, port: number, ms: number): Promise<"open" | "refused" | "silent"> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answer: "open" | "refused" | "silent") => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(ms, () => done("silent"));
    socket.once("connect", () => done("open"));
    socket.once("error", (err: NodeJS.ErrnoException) =>
      done(err.code === "ECONNREFUSED" ? "refused" : "silent"),
    );
  });
}

/** Runs a node one-liner inside namespace `i`; resolves with its exit code and what it printed. */
function runInside(
  hosts: NetnsHosts,
  i: number,
  script: string,
): Promise<{ code: number | null; out: string }> {
  const child = hosts.exec(i, process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "ignore"] });
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, out })));
}

/** Whether a connection from inside namespace `i` to host:port opens within `ms`. */
async function tcpFrom(hosts: NetnsHosts, i: number, host: string, port: number, ms: number) {
  const script =
    `const s=require("node:net").connect(${port},${JSON.stringify(host)});s.setTimeout(${ms},()=>process.exit(1));` +
    `s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1));`;
  return (await runInside(hosts, i, script)).code === 0;
}

/** GET `url` from inside namespace `i`: the one way to read a node whose link is cut. */
async function getJsonInside<T>(hosts: NetnsHosts, i: number, url: string): Promise<T | null> {
  const script =
    `fetch(${JSON.stringify(url)},{signal:AbortSignal.timeout(2000)}).then((r)=>r.text())` +
    ".then((t)=>process.stdout.write(t),()=>process.exit(1))";
  const { code, out } = await runInside(hosts, i, script);
  try {
    return code === 0 ? (JSON.parse(out) as T) : null;
  } catch {
    return null;
  }
}

async function getJson<T>(url: string): Promise<T | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? ((await res.json()) as T) : null;
  } catch {
    return null;
  }
}

/**
 * Polls `probe` (null: not yet) until it gives a value. Fails after `ms` with what `last` says, or at once when
 * `broken` names a reason (a node process died).
 */
async function poll<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | null>,
  last: () => string,
  broken: () => string | null = () => null,
): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const why = broken();
    if (why !== null) throw new Error(`${what}: ${why}`);
    const value = await probe();
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not reached in ${ms} ms; last seen: ${last()}`);
}

describe.skipIf(!support.ok)("network-namespace hosts (the harness)", () => {
  const prefix = uniquePrefix("h");
  let hosts: NetnsHosts | undefined;
  afterAll(() => hosts?.destroy());

  it("joins 3 namespaces through a bridge, cuts and restores one link, and removes everything", async () => {
    hosts = createHosts(3, prefix);
    const h = hosts;
    expect(h.namespaces).toEqual([0, 1, 2].map((i) => `vsh-${prefix}-${i}`));
    for (const name of [h.bridge, h.hostVeth(2), h.peerVeth(2)]) expect(name.length).toBeLessThanOrEqual(15);
    // A TCP server inside host 0, on its own address.
    const listen = `require("node:net").createServer((s)=>s.end()).listen(7100,"${h.ips[0]}",()=>console.log("up"))`;
    const server = h.exec(0, process.execPath, ["-e", listen], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      server.stdout?.once("data", () => resolve());
      server.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    });
    expect(await tcp(h.ips[0], 7100, 2_000)).toBe("open");
    expect(await tcpFrom(h, 1, h.ips[0], 7100, 2_000)).toBe(true);
    expect(await tcpFrom(h, 2, h.ips[0], 7100, 2_000)).toBe(true);

    h.cutLink(0);
    expect(await tcp(h.ips[0], 7100, 500)).toBe("silent");
    expect(await tcpFrom(h, 1, h.ips[0], 7100, 500)).toBe(false);
    expect(await tcp(h.ips[1], 7199, 2_000)).toBe("refused"); // the others still answer

    h.restoreLink(0);
    await poll(
      "host 0 reachable again",
      10_000,
      async () => (await tcp(h.ips[0], 7100, 500)) === "open" || null,
      () => "silent",
    );
    expect(await tcpFrom(h, 2, h.ips[0], 7100, 2_000)).toBe(true);
    expect(() => h.cutLink(3)).toThrow(expect.objectContaining({ code: "NETNS_ERROR_BAD_ARGUMENT" }));

    // As after a killed run: the next create with the same prefix first clears everything the last one left.
    server.kill("SIGKILL");
    hosts = createHosts(2, prefix);
    expect(leftoversOf(prefix).namespaces.sort()).toEqual([...hosts.namespaces].sort());
    expect(await tcpFrom(hosts, 1, hosts.ips[0], 7100, 500)).toBe(false);

    hosts.destroy();
    hosts.destroy();
    expect(() => hosts?.exec(0, "true", [])).toThrow(
      expect.objectContaining({ code: "NETNS_ERROR_DESTROYED" }),
    );
    expect(leftoversOf(prefix)).toEqual({ namespaces: [], links: [] });
  });

  it("sweeps the hosts of a dead run that no process uses any more, and only those", async () => {
    const gone = spawnSync(process.execPath, ["-e", ""]).pid as number;
    const stale = createHosts(1, `${gone.toString(36)}s`);
    const busy = createHosts(1, `${gone.toString(36)}b`);
    // Inside its namespace once it prints.
    const sleeper = busy.exec(0, process.execPath, ["-e", "console.log(1);setTimeout(()=>{},60000)"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    await new Promise((resolve) => sleeper.stdout?.once("data", resolve));
    sweepStale();
    expect(leftoversOf(stale.prefix)).toEqual({ namespaces: [], links: [] });
    expect(leftoversOf(busy.prefix).namespaces).toEqual(busy.namespaces);
    sleeper.kill("SIGKILL");
    busy.destroy();
  });

  it("refuses a prefix that would overflow interface names, and a host count out of range", () => {
    const bad = expect.objectContaining({ code: "NETNS_ERROR_BAD_ARGUMENT" });
    expect(() => createHosts(1, "muchtoolong")).toThrow(bad);
    expect(() => createHosts(1, "Bad-1")).toThrow(bad);
    expect(() => createHosts(0, prefix)).toThrow(bad);
    expect(() => uniquePrefix("xy")).toThrow(bad);
  });
});

const VSHARD_BIN = fileURLToPath(new URL("../../packages/node/bin/vshard.js", import.meta.url));

/**
 * 4 validators, not 3: the main chain is dpos with one producer per validator, and a block is final once
 * ⌊2N/3⌋+1 distinct producers built on it. With 3 that is all 3, so cutting one would stop finality everywhere;
 * with 4 it is 3, and the three still linked keep finalising while the fourth is cut off.
 */
const NODES = 4;
/** The node whose link is cut. */
const CUT = 2;

/**
 * The worker chain: shard 0 on solo (one producer per epoch), shard 1 on bft (the drawn witnesses vote: with 4
 * validators over 2 shards, 2 each, so both must be up). A short maxTimeoutMs so that a bft round that timed out
 * during the cut does not back off for 8 s once the link is back.
 */
const SCHEMA = {
  name: "netns-ledger",
  version: 1,
  shards: [
    { consensus: { plugin: "solo" } },
    {
      consensus: {
        plugin: "bft",
        params: { timeoutProposeMs: 1000, timeoutVoteMs: 500, maxTimeoutMs: 2000 },
      },
    },
  ],
  limits: { maxBlockTxs: 1000, maxBlockBytes: 1048576, targetBlockIntervalMs: 250 },
  fees: { minFee: "1", perByte: "0" },
  assignment: { rule: "explicit-suffix" },
};

/** What the test watches of a node: the main chain's and each worker shard's final height (-1: not running). */
interface Progress {
  main: number;
  shards: number[];
}

function progressOf(c: ChainsJson): Progress {
  const shards = (c.chains[0]?.shards ?? []).map((s) => (s.running ? (s.finalizedHeight ?? 0) : -1));
  return { main: c.main.finalizedHeight, shards };
}

describe.skipIf(!support.ok)("a network of node processes, one per namespace, over libp2p", () => {
  const children: ChildProcess[] = [];
  const printed: string[] = [];
  let stopping = false;
  let hosts: NetnsHosts | undefined;
  let plan: ProcessNetworkPlan | undefined;
  let cleanup: (() => Promise<void>) | undefined;

  /** SIGTERM every node, SIGKILL what is still up after 10 s; resolves with the exit codes. */
  const stopNodes = () => {
    stopping = true;
    return Promise.all(
      children.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
        return new Promise<number | null>((resolve) => {
          const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
          child.once("exit", (code) => {
            clearTimeout(kill);
            resolve(code);
          });
          child.kill("SIGTERM");
        });
      }),
    );
  };
  const died = () => {
    const i = children.findIndex((c) => c.exitCode !== null || c.signalCode !== null);
    return i < 0 || stopping ? null : `node-${i} exited (${children[i].exitCode ?? children[i].signalCode})`;
  };

  afterAll(async () => {
    await stopNodes();
    hosts?.destroy();
    // NETNS_KEEP=1 keeps the nodes' folders (logs, databases) for a look after a failure.
    if (process.env.NETNS_KEEP) console.log(`netns: kept ${plan?.dataDir}`);
    else await cleanup?.();
  }, 30_000);

  it("runs the main chain and two worker shards, survives a cut link and catches up", async () => {
    onTestFailed(async () => {
      for (const [i, node] of (plan?.nodes ?? []).entries()) {
        const log = await readFile(node.logPath, "utf8").catch(() => "");
        console.error(
          `--- ${node.name} printed:\n${printed[i]?.slice(-2000)}\n--- its log:\n${log.slice(-3000)}`,
        );
      }
    });
    const started = Date.now();
    const dir = await tempDir("netns");
    cleanup = dir.cleanup;
    hosts = createHosts(NODES, uniquePrefix("n"));
    const h = hosts;
    const schemaPath = join(dir.path, "netns-ledger.json");
    await writeFile(schemaPath, JSON.stringify(SCHEMA));
    plan = await planProcessNetwork({
      dataDir: join(dir.path, "net"),
      validators: NODES,
      hosts: h.ips,
      apiPort: 7400,
      p2pPort: 7500,
      chains: [schemaPath],
      blockIntervalMs: 250,
      epochBlocks: 32,
      witnessesPerCommittee: NODES,
      replicas: 1,
      verifyThreads: 0,
      logLevel: "info",
    });
    const { nodes, faucetKeyPath, faucetAddress } = plan;
    for (const [i, node] of nodes.entries()) {
      // An IPC channel (it passes through `ip netns exec`): a node whose test process dies, even by SIGKILL, stops.
      const args = [VSHARD_BIN, "node", "--config", node.configPath];
      const child = h.exec(i, process.execPath, args, { stdio: ["ignore", "pipe", "pipe", "ipc"] });
      printed[i] = "";
      const keep = (chunk: Buffer) => {
        printed[i] = (printed[i] + chunk.toString()).slice(-20_000);
      };
      child.stdout?.on("data", keep);
      child.stderr?.on("data", keep);
      children.push(child);
    }

    const all = nodes.map((_, i) => i);
    const linked = all.filter((i) => i !== CUT);
    const views: Array<Progress | null> = nodes.map(() => null);
    const seen = () => JSON.stringify(views);
    /** Every listed node's progress (over the bridge) once each answers and satisfies `ok`; else null. */
    const whenAll = async (which: number[], ok: (p: Progress, i: number) => boolean = () => true) => {
      await Promise.all(
        which.map(async (i) => {
          const c = await getJson<ChainsJson>(`${nodes[i].apiUrl}/v1/chains`);
          views[i] = c && progressOf(c);
        }),
      );
      const got = which.map((i) => views[i]);
      return got.every((p, k): p is Progress => p !== null && ok(p, which[k])) ? (got as Progress[]) : null;
    };
    const until = <T>(what: string, ms: number, probe: () => Promise<T | null>) =>
      poll(what, ms, probe, seen, died);
    const note = (line: string) =>
      console.log(`netns: ${line} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

    // 1. Every node, reached over the bridge, shows the main chain and both worker shards finalising.
    await until("every node finalising the main chain and both worker shards", 90_000, () =>
      whenAll(all, (p) => p.main >= 2 && p.shards.length === 2 && p.shards.every((s) => s >= 2)),
    );
    note(`all ${NODES} nodes finalising`);

    // 2. A transfer on each worker shard, each sent to a node that may not produce that shard (it routes the tx).
    const faucet = await readKeyFile(faucetKeyPath);
    const recipient = testKey("netns-recipient", 0);
    for (const shard of [0, 1]) {
      const client = new ApiClient(nodes[shard + 1].apiUrl);
      const { nonce } = await client.chainAccount(1, shard, faucetAddress);
      const payload = { to: addressFromPublicKey(recipient.publicKey), amount: 7n };
      const tx: Tx = {
        chainId: 1,
        shard,
        kind: TxKind.Transfer,
        sender: faucet.publicKey,
        nonce,
        fee: 1n,
        payload,
      };
      const hash = await client.submit(signTx(tx, faucet.secretKey));
      const statuses = await until(`the transfer on shard ${shard} final on every node`, 30_000, async () => {
        const got = await Promise.all(nodes.map((n) => getJson<TxStatusJson>(`${n.apiUrl}/v1/txs/${hash}`)));
        return got.every((s) => s?.status === "final") ? (got as TxStatusJson[]) : null;
      });
      expect(statuses.every((s) => s.receipt?.success !== false)).toBe(true);
      expect(new Set(statuses.map((s) => s.receipt?.blockHash)).size).toBe(1);
      for (const n of nodes)
        expect((await new ApiClient(n.apiUrl).chainAccount(1, shard, addressOf(recipient))).balance).toBe(
          "7",
        );
    }
    note("both transfers final on every node");

    // 3. Cut node CUT off: the others keep finalising the main chain (3 of 4 producers make the quorum).
    const atCut = await until("every node answering", 10_000, () => whenAll(all));
    h.cutLink(CUT);
    const mainAtCut = Math.max(...atCut.map((p) => p.main));
    const advanced = await until(
      `the linked nodes finalising 8 more main blocks without node-${CUT}`,
      30_000,
      () => whenAll(linked, (p) => p.main >= mainAtCut + 8),
    );
    // Node CUT, read from inside its namespace: its final height stands still while the others move on.
    const cutUrl = `${nodes[CUT].apiUrl}/v1/chains`;
    const inside = () => getJsonInside<ChainsJson>(h, CUT, cutUrl);
    const stalled = await until(`node-${CUT} answering inside its namespace`, 10_000, inside);
    const further = Math.max(...advanced.map((p) => p.main)) + 4;
    await until("the linked nodes finalising 4 more", 20_000, () =>
      whenAll(linked, (p) => p.main >= further),
    );
    const still = await until(`node-${CUT} answering inside its namespace`, 10_000, inside);
    expect(still.main.finalizedHeight).toBe(stalled.main.finalizedHeight);
    expect(still.main.finalizedHeight).toBeLessThan(further);
    expect(await getJson(cutUrl)).toBeNull(); // and the test process cannot reach it over the bridge
    note(
      `node-${CUT} cut at main ${mainAtCut}, stalled at ${still.main.finalizedHeight}, others at ${further}`,
    );

    // 4. Restore: node CUT catches up to where the others were, and every node has the same block at a common height.
    const atRestore = await until("the linked nodes answering", 10_000, () => whenAll(linked));
    h.restoreLink(CUT);
    const target = Math.max(...atRestore.map((p) => p.main));
    const common = await until(`node-${CUT} catching up to main ${target}`, 60_000, async () => {
      const p = await whenAll(all, (q, i) => i !== CUT || q.main >= target);
      if (!p) return null;
      const height = Math.min(...p.map((q) => q.main));
      const blocks = await Promise.all(
        nodes.map((n) => getJson<{ header: { hash: string } }>(`${n.apiUrl}/v1/blocks/${height}`)),
      );
      return blocks.every((b) => b !== null) ? { height, hashes: blocks.map((b) => b?.header.hash) } : null;
    });
    expect(common.height).toBeGreaterThanOrEqual(target);
    expect(new Set(common.hashes).size).toBe(1);
    note(`node-${CUT} caught up: main block ${common.height} the same on every node`);

    // 5. Everyone keeps finalising: the main chain and both worker shards, on every node. A shard that reached the end
    // of its committee epoch waits for the main chain to fix the next committee (up to a main epoch, 8 s and more).
    const base = await until("every node answering", 10_000, () => whenAll(all));
    await until("every node finalising the main chain and both worker shards after the restore", 60_000, () =>
      whenAll(all, (p, i) => p.main >= base[i].main + 4 && p.shards.every((s, k) => s > base[i].shards[k])),
    );
    note("every node finalising after the restore");

    // 6. Every node stops cleanly on SIGTERM.
    expect(await stopNodes()).toEqual(all.map(() => 0));
  }, 240_000);
});
