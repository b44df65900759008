import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bytesToHex, hexToBytes, sha256 } from "@vshard/crypto";
import { stateProofFromJson, verifyStateProof } from "@vshard/engine";
import { ApiClient, writeKeyFile } from "@vshard/node";
import { encodeAccount, parseAddress, txHash } from "@vshard/types";
import { afterAll, describe, expect, it } from "vitest";
import { type NodeProcess, startDevnetProcess } from "../helpers/nodeProcess.ts";
import { addressOf, tempDir, testGenesis, transfer } from "../helpers/testNetwork.ts";

const ACCOUNTS = 50;
const BALANCE = 1_000_000n;

/** Polls `check` until it holds; the bound only turns a hang into a readable failure. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("a node killed with SIGKILL during load", () => {
  const { json, keys, authority } = testGenesis({ accounts: ACCOUNTS, balance: BALANCE });
  let proc: NodeProcess | undefined;
  let cleanup: () => Promise<void>;

  afterAll(async () => {
    proc?.child.kill("SIGKILL");
    await cleanup?.();
  });

  it("restarts at its last committed block with the same state root and keeps every final tx", async () => {
    const dir = await tempDir("crash");
    cleanup = dir.cleanup;
    await writeFile(join(dir.path, "genesis.json"), JSON.stringify(json));
    await writeKeyFile(join(dir.path, "keys", "authority.json"), authority);

    proc = await startDevnetProcess(dir.path);
    let client = new ApiClient(proc.url);
    const batch = (round: number) => keys.map((k, i) => transfer(k, keys[(i + 1) % ACCOUNTS], 1n, round));
    for (let round = 0; round < 6; round++) await client.submitBatch(batch(round));
    const allHashes = Array.from({ length: 6 }, (_, r) =>
      batch(r).map((t) => bytesToHex(txHash(t.tx))),
    ).flat();
    await until("some transfers final", async () => (await client.head()).finalizedHeight >= 3);

    // Record what the node reports final, then kill it while more load is arriving.
    const seen = await client.head();
    const seenBlock = await client.block(seen.finalizedHeight);
    const finalTxs: string[] = [];
    for (const h of allHashes) if ((await client.tx(h)).status === "final") finalTxs.push(h);
    expect(finalTxs.length).toBeGreaterThan(0);
    const inFlight = client.submitBatch(batch(6)).catch(() => null);
    proc.child.kill("SIGKILL");
    await proc.exited;
    await inFlight;

    proc = await startDevnetProcess(dir.path);
    client = new ApiClient(proc.url);
    const head = await client.head();
    expect(head.height).toBeGreaterThanOrEqual(seenBlock.header.height);
    const again = await client.block(seenBlock.header.height);
    expect(again.header.hash).toBe(seenBlock.header.hash);
    const headBlock = await client.block(head.height);
    expect(headBlock.header.hash).toBe(head.hash);
    for (const h of finalTxs) expect((await client.tx(h)).status, h).toBe("final");

    // The resumed state is exactly what the head's state root commits to, and no value was created or lost.
    let total = 0n;
    for (const k of [...keys, authority]) {
      const acc = await client.account(addressOf(k));
      const proof = stateProofFromJson(acc.proof as Parameters<typeof stateProofFromJson>[0]);
      const key = sha256(parseAddress(addressOf(k)));
      const value =
        BigInt(acc.balance) === 0n && acc.nonce === 0
          ? null
          : sha256(encodeAccount({ balance: BigInt(acc.balance), nonce: acc.nonce }));
      expect(verifyStateProof(hexToBytes(acc.stateRoot), key, value, proof)).toBe(true);
      total += BigInt(acc.balance);
    }
    expect(total).toBe(BALANCE * BigInt(ACCOUNTS));

    // And the chain goes on.
    await until("a new block after restart", async () => (await client.head()).height > head.height);
    proc.child.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    proc = undefined;
  });
});
