import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, type Ed25519KeyPair, ed25519KeyPairFromSeed, sha256 } from "@vshard/crypto";
import { defaultChainOptions, type GenesisJson, genesisFromJson } from "@vshard/engine";
import { ApiClient, defaultNodeApiOptions, VshardNode } from "@vshard/node";
import {
  addressFromPublicKey,
  addressToText,
  type SignedTx,
  type SmallbankPayload,
  signTx,
  TxKind,
} from "@vshard/types";
import { afterAll, beforeAll } from "vitest";

/** Deterministic keys for tests: the i-th key of a named set. */
export function testKey(set: string, i: number): Ed25519KeyPair {
  return ed25519KeyPairFromSeed(sha256(new TextEncoder().encode(`${set}/${i}`)));
}

/** The text address of a key. */
export function addressOf(keys: Ed25519KeyPair): string {
  return addressToText(addressFromPublicKey(keys.publicKey));
}

/** A genesis funding `accounts` keys with `balance` each, with its authority key. */
export function testGenesis(opts: { accounts: number; balance: bigint; chainId?: number }): {
  json: GenesisJson;
  keys: Ed25519KeyPair[];
  authority: Ed25519KeyPair;
} {
  const keys = Array.from({ length: opts.accounts }, (_, i) => testKey("account", i));
  const authority = testKey("authority", 0);
  const json: GenesisJson = {
    chainId: opts.chainId ?? defaultChainOptions.chainId,
    shard: 0,
    time: 1_700_000_000_000,
    authority: bytesToHex(authority.publicKey),
    accounts: keys.map((k) => ({ address: addressOf(k), balance: opts.balance.toString() })),
  };
  return { json, keys, authority };
}

/** A transfer signed by `from`. */
export function transfer(
  from: Ed25519KeyPair,
  to: Ed25519KeyPair,
  amount: bigint,
  nonce: number,
  fee = 1n,
  chainId = 1,
): SignedTx {
  return signTx(
    {
      chainId,
      shard: 0,
      kind: TxKind.Transfer,
      sender: from.publicKey,
      nonce,
      fee,
      payload: { to: addressFromPublicKey(to.publicKey), amount },
    },
    from.secretKey,
  );
}

/** A noop signed by `from`: only a nonce and a fee. */
export function noop(from: Ed25519KeyPair, nonce: number, fee = 1n, chainId = 1): SignedTx {
  return signTx(
    { chainId, shard: 0, kind: TxKind.Noop, sender: from.publicKey, nonce, fee, payload: {} },
    from.secretKey,
  );
}

/** A Smallbank op signed by `from`, the customer. */
export function smallbank(
  from: Ed25519KeyPair,
  nonce: number,
  payload: SmallbankPayload,
  fee = 1n,
  chainId = 1,
): SignedTx {
  return signTx(
    { chainId, shard: 0, kind: TxKind.Smallbank, sender: from.publicKey, nonce, fee, payload },
    from.secretKey,
  );
}

/** A temp folder removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `vshard-${prefix}-`));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** Starts an in-process node (real classic-level, real worker threads, real HTTP on 127.0.0.1). */
export async function startTestNode(
  dataDir: string,
  genesisJson: GenesisJson,
  authority: Ed25519KeyPair,
  blockIntervalMs = 50,
) {
  const genesis = genesisFromJson(genesisJson);
  const node = await VshardNode.create({
    dataDir,
    api: { ...defaultNodeApiOptions },
    chain: { ...defaultChainOptions, chainId: genesis.chainId, blockIntervalMs },
    genesis,
    consensus: { name: "solo", params: { blockIntervalMs } },
    keys: authority,
    verifyThreads: 2,
    logLevel: "silent",
  });
  const url = await node.start();
  return { node, url };
}

/** A node started for one test suite, its API and a client; filled in once the suite's `beforeAll` ran. */
export interface SuiteNode {
  node: VshardNode;
  url: string;
  client: ApiClient;
}

/**
 * Starts an in-process node for the enclosing `describe` (before its tests) and stops it, removing its folder,
 * after them.
 */
export function useTestNode(name: string, genesisJson: GenesisJson, authority: Ed25519KeyPair): SuiteNode {
  const suite = {} as SuiteNode;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const dir = await tempDir(name);
    cleanup = dir.cleanup;
    const started = await startTestNode(dir.path, genesisJson, authority);
    Object.assign(suite, { node: started.node, url: started.url, client: new ApiClient(started.url) });
  });
  afterAll(async () => {
    await suite.node?.stop();
    await cleanup?.();
  });
  return suite;
}
