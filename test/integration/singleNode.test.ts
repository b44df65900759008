import { bytesToHex, hexToBytes, sha256 } from "@vshard/crypto";
import { stateProofFromJson, verifyStateProof } from "@vshard/engine";
import { ApiClient, type VshardNode } from "@vshard/node";
import { addressFromPublicKey, encodeAccount, parseAddress, type SignedTx, txHash } from "@vshard/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressOf, startTestNode, tempDir, testGenesis, transfer } from "../helpers/testNetwork.ts";

const ACCOUNTS = 200;
const TXS_PER_ACCOUNT = 10;
const BALANCE = 1_000_000n;
const BATCH = 250;

describe("a single node under load (real classic-level, worker threads, HTTP)", () => {
  const { json, keys, authority } = testGenesis({ accounts: ACCOUNTS, balance: BALANCE });
  let node: VshardNode;
  let client: ApiClient;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const dir = await tempDir("single");
    cleanup = dir.cleanup;
    const started = await startTestNode(dir.path, json, authority);
    node = started.node;
    client = new ApiClient(started.url);
  });
  afterAll(async () => {
    await node?.stop();
    await cleanup?.();
  });

  it("commits 2,000 transfers from 200 accounts exactly, with every fee accounted for", async () => {
    // Account i sends TXS_PER_ACCOUNT transfers of (i % 7) + 1 to account (i + k + 1) % ACCOUNTS, fee 1 + (k % 3).
    const expected = new Map<string, bigint>(
      keys.map((k) => [bytesToHex(addressFromPublicKey(k.publicKey)), BALANCE]),
    );
    const txs: SignedTx[] = [];
    let fees = 0n;
    for (let k = 0; k < TXS_PER_ACCOUNT; k++)
      for (let i = 0; i < ACCOUNTS; i++) {
        const amount = BigInt((i % 7) + 1);
        const fee = BigInt(1 + (k % 3));
        const to = keys[(i + k + 1) % ACCOUNTS];
        txs.push(transfer(keys[i], to, amount, k, fee));
        const fromHex = bytesToHex(addressFromPublicKey(keys[i].publicKey));
        const toHex = bytesToHex(addressFromPublicKey(to.publicKey));
        expected.set(fromHex, (expected.get(fromHex) ?? 0n) - amount - fee);
        expected.set(toHex, (expected.get(toHex) ?? 0n) + amount);
        fees += fee;
      }
    const hashes = new Set(txs.map((t) => bytesToHex(txHash(t.tx))));
    const committed = new Set<string>();
    const allFinal = new Promise<void>((resolve) => {
      const stop = node.chain.subscribe((e) => {
        if (e.type !== "block" || !e.block) return;
        for (const t of e.block.txs) committed.add(bytesToHex(txHash(t.tx)));
        if ([...hashes].every((h) => committed.has(h))) {
          stop();
          resolve();
        }
      });
    });
    for (let i = 0; i < txs.length; i += BATCH) {
      const batch = txs.slice(i, i + BATCH);
      const res = await client.submitBatch(batch);
      expect(res.accepted, JSON.stringify(res.results.find((r) => !r.ok))).toBe(batch.length);
    }
    await allFinal;
    // Every tx reports final through the API, with its receipt.
    for (const h of [...hashes].slice(0, 50)) expect((await client.tx(h)).status).toBe("final");

    let total = 0n;
    for (let i = 0; i < ACCOUNTS; i++) {
      const acc = await client.account(addressOf(keys[i]));
      const hex = bytesToHex(parseAddress(acc.address.split("@")[0]));
      expect(BigInt(acc.balance), `account ${i}`).toBe(expected.get(hex));
      expect(acc.nonce).toBe(TXS_PER_ACCOUNT);
      // The balance is proven against the head's state root.
      const proof = stateProofFromJson(acc.proof as Parameters<typeof stateProofFromJson>[0]);
      const valueHash = sha256(encodeAccount({ balance: BigInt(acc.balance), nonce: acc.nonce }));
      expect(verifyStateProof(hexToBytes(acc.stateRoot), sha256(hexToBytes(hex)), valueHash, proof)).toBe(
        true,
      );
      total += BigInt(acc.balance);
    }
    const proposer = await client.account(addressOf(authority));
    expect(BigInt(proposer.balance)).toBe(fees);
    expect(total + BigInt(proposer.balance)).toBe(BALANCE * BigInt(ACCOUNTS));
  });
});
