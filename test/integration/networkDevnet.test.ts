import { execFile, spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { readKeyFile, waitForDevnetApi } from "@vshard/node";
import { addressFromPublicKey, addressToText, homeShard, parseWorkerChainSchema } from "@vshard/types";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir, testKey } from "../helpers/testNetwork.ts";

const VSHARD_BIN = fileURLToPath(new URL("../../packages/node/bin/vshard.js", import.meta.url));
const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));
const run = promisify(execFile);

interface ShardJson {
  shard: number;
  plugin: string;
  running: boolean;
  finalizedHeight: number | null;
}
interface ChainsJson {
  main: { finalizedHeight: number };
  chains: Array<{ chainId: number; name: string; version: number; shards: ShardJson[] }>;
}

/** Polls GET /v1/chains until `done` holds for the answer (a node that is working, so no fixed sleeps). */
async function waitForChains(url: string, done: (c: ChainsJson) => boolean, what: string, ms: number) {
  const deadline = Date.now() + ms;
  let last: ChainsJson | null = null;
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/v1/chains`);
    last = (await res.json()) as ChainsJson;
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not reached in ${ms} ms; last /v1/chains: ${JSON.stringify(last)}`);
}

const producing = (c: ChainsJson, chainId: number, shards: number) => {
  const chain = c.chains.find((x) => x.chainId === chainId);
  return (
    chain !== undefined &&
    chain.shards.length === shards &&
    chain.shards.every((s) => s.running && (s.finalizedHeight ?? 0) >= 2)
  );
};

describe("vshard devnet (npm start): a sharded network in one process", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("runs the main chain and a 4-shard worker chain, then registers and grows a chain without a restart", async () => {
    const dir = await tempDir("network-devnet");
    cleanups.push(dir.cleanup);
    const child = spawn(
      process.execPath,
      [
        VSHARD_BIN,
        "devnet",
        "--data-dir",
        dir.path,
        "--port",
        "0",
        "--verify-threads",
        "1",
        "--log-level",
        "warn",
      ],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    });
    let printed = "";
    child.stdout.on("data", (chunk: Buffer) => {
      printed += chunk.toString();
    });
    const url = await waitForDevnetApi(child);

    // The default worker chain: gpu-rental's 4 vShards, two bft and two dpos, all producing.
    const first = await waitForChains(url, (c) => producing(c, 1, 4), "gpu-rental producing", 120_000);
    expect(first.chains[0].shards.map((s) => s.plugin)).toEqual(["bft", "bft", "dpos", "dpos"]);
    expect(first.main.finalizedHeight).toBeGreaterThan(0);

    const key = join(dir.path, "keys", "faucet.json");
    const cli = (...args: string[]) =>
      run(process.execPath, [VSHARD_BIN, ...args, "--api", url], { timeout: 120_000 });
    const registered = await cli(
      "chain",
      "register",
      "--schema",
      join(EXAMPLES, "token-ledger.json"),
      "--key",
      key,
      "--wait",
    );
    expect(registered.stdout).toMatch(/chain 2 'token-ledger'/);
    await waitForChains(url, (c) => producing(c, 2, 2), "token-ledger producing", 120_000);

    const schema = JSON.parse(await readFile(join(EXAMPLES, "token-ledger.json"), "utf8"));
    const bft = { consensus: { plugin: "bft", params: {} } };
    const grown = join(dir.path, "token-ledger-v2.json");
    await writeFile(grown, JSON.stringify({ ...schema, version: 2, shards: [...schema.shards, bft, bft] }));
    await cli("chain", "update", "--chain", "2", "--schema", grown, "--key", key, "--wait");
    const after = await waitForChains(
      url,
      (c) => producing(c, 2, 4),
      "token-ledger's new shards producing",
      120_000,
    );
    expect(after.chains.find((c) => c.chainId === 2)?.version).toBe(2);

    // The four kinds of cross-shard transfer, each followed to its credit by `transfer --wait` (the devnet's relays
    // deliver the receipts): sub-accounts of one owner, owners on different shards, worker chain to worker chain,
    // and main chain to worker chain.
    const gpu = parseWorkerChainSchema(JSON.parse(await readFile(join(EXAMPLES, "gpu-rental.json"), "utf8")));
    const faucet = addressFromPublicKey((await readKeyFile(key)).publicKey);
    const faucetHome = homeShard(gpu, faucet) as number;
    const other = Array.from({ length: 64 }, (_, i) =>
      addressFromPublicKey(testKey("devnet-peer", i).publicKey),
    ).find((a) => homeShard(gpu, a) !== faucetHome) as Uint8Array;
    const transfer = async (...args: string[]) => {
      const out = await cli("transfer", "--key", key, "--amount", "7", "--wait", "--timeout", "90", ...args);
      expect(out.stdout).toMatch(/debited/);
      expect(out.stdout).toMatch(/credited/);
      return out.stdout;
    };
    const me = addressToText(faucet);
    await transfer("--chain", "2", "--from-shard", "0", "--to", `${me}@2/1`);
    await transfer("--chain", "1", "--to", `${addressToText(other)}@1/${homeShard(gpu, other)}`);
    expect(await transfer("--chain", "1", "--to", `${me}@2/0`)).toMatch(/routed/);
    await transfer("--chain", "main", "--to", `${me}@1/${faucetHome}`);
    const supply = (await (await fetch(`${url}/v1/supply`)).json()) as { balanced: boolean };
    expect(supply.balanced).toBe(true);

    // The devnet's DLFS: 5 storage nodes, all online, holding the bodies the validators published (3 copies each).
    const dlfs = (await (await fetch(`${url}/v1/dlfs/stats`)).json()) as {
      replicas: number;
      manifests: number;
      compressionRatio: number;
      nodes: Array<{ online: boolean }>;
    };
    expect(dlfs.replicas).toBe(3);
    expect(dlfs.nodes.filter((n) => n.online)).toHaveLength(5);
    expect(dlfs.manifests).toBeGreaterThan(0);
    expect(dlfs.compressionRatio).toBeGreaterThan(1);

    // Its light node proves a transfer from the body it reads from the DLFS (the header only is stored there).
    const lightUrl = /light-0 +(http:\/\/\S+)/.exec(printed)?.[1];
    expect(lightUrl).toBeDefined();
    const sent = await cli("transfer", "--key", key, "--chain", "1", "--to", me, "--amount", "3", "--wait");
    const hash = /submitted ([0-9a-f]{64}) \(chain 1 shard (\d+)/.exec(sent.stdout);
    const height = /final in block (\d+)/.exec(sent.stdout)?.[1];
    if (!hash || !height) throw new Error(`unexpected transfer output: ${sent.stdout}`);
    const proofUrl = `${lightUrl}/v1/chains/1/shards/${hash[2]}/blocks/${height}/proof?tx=${hash[1]}`;
    let proof: { verified?: boolean; body?: { from: string } } = {};
    for (let i = 0; i < 40 && proof.verified !== true; i++) {
      // The light node asks for new headers every second: the block may not be there yet.
      proof = (await (await fetch(proofUrl)).json()) as typeof proof;
      if (proof.verified !== true) await new Promise((r) => setTimeout(r, 500));
    }
    expect(proof.verified).toBe(true);
    expect(proof.body?.from).toBe("dlfs");

    // Same process all along: nothing restarted.
    expect(child.exitCode).toBeNull();
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 420_000);
});
