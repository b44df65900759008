import { readFileSync } from "node:fs";
import {
  blsKeyGen,
  blsProvePossession,
  bytesToHex,
  ed25519KeyPairFromSeed,
  SingleThreadVerifier,
  sha256,
} from "@vshard/crypto";
import { LedgerDb, MemoryKvStore } from "@vshard/storage";
import {
  addressFromPublicKey,
  addressToText,
  encodeSchema,
  parseWorkerChainSchema,
  type SignedTx,
  signTx,
  type Tx,
  type TxKind,
  type TxPayloads,
} from "@vshard/types";
import { expect } from "vitest";
import type { AssembledBlock } from "../../src/chain/assembleBlock.ts";
import { type ChainOptions, defaultChainOptions } from "../../src/chain/chainOptions.ts";
import { type GenesisJson, genesisFromJson } from "../../src/chain/genesis.ts";
import { ShardChain } from "../../src/chain/shardChain.ts";
import { TxError } from "../../src/errors.ts";
import type { AnchorVerifier, MainChainRules } from "../../src/registry/index.ts";

const text = (s: string) => new TextEncoder().encode(s);

/** Short epochs (4 blocks: seed phase heights 4e, 4e+1; sortition phase 4e+2, 4e+3), small delays. */
export const RULES: MainChainRules = { epochBlocks: 4, minDeposit: 1_000n, anchorDelayBlocks: 2 };

/** Options of the main chain under test. */
export const MAIN_OPTS: ChainOptions = { ...defaultChainOptions, chainId: 0, shard: 0, main: RULES };

/** The genesis authority (owner of genesis chains, proposer of every block here). */
export const authority = ed25519KeyPairFromSeed(new Uint8Array(32).fill(200));

/** Funded users: ed25519 identity, BLS and VRF keys derived from their index. */
export const users = Array.from({ length: 5 }, (_, i) => {
  const keys = ed25519KeyPairFromSeed(new Uint8Array(32).fill(150 + i));
  const address = addressFromPublicKey(keys.publicKey);
  return {
    keys,
    address,
    hex: bytesToHex(address),
    bls: blsKeyGen(sha256(text(`registry-test/bls/${i}`))),
    vrf: ed25519KeyPairFromSeed(sha256(text(`registry-test/vrf/${i}`))),
  };
});

/** Balance of every user at genesis. */
export const FUNDS = 100_000n;

/** A parsed example schema JSON (`examples/<name>.json`). */
export function loadExample(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../../examples/${name}.json`, import.meta.url), "utf8"));
}

/** The canonical bytes of an example schema, optionally changed first. */
export function exampleSchemaBytes(
  name: string,
  change?: (json: Record<string, unknown>) => void,
): Uint8Array {
  const json = loadExample(name);
  change?.(json);
  // A plain Uint8Array, as storage returns it (the codec gives a Node Buffer).
  return new Uint8Array(encodeSchema(parseWorkerChainSchema(json)));
}

/** A main-chain genesis funding every user, with `extra` parts (validators, chains). */
export function mainGenesisJson(extra: Partial<GenesisJson> = {}): GenesisJson {
  return {
    chainId: 0,
    shard: 0,
    time: 1_000,
    authority: bytesToHex(authority.publicKey),
    accounts: users.map((u) => ({ address: addressToText(u.address), balance: String(FUNDS) })),
    ...extra,
  };
}

/** Opens a main chain (or the chain of `opts`) on a fresh memory ledger. */
export async function openChain(
  genesis: GenesisJson = mainGenesisJson(),
  opts: ChainOptions = MAIN_OPTS,
  anchorVerifier?: AnchorVerifier,
): Promise<ShardChain> {
  const db = await LedgerDb.create({ store: new MemoryKvStore() });
  return ShardChain.create(opts, genesisFromJson(genesis), {
    db,
    verifier: new SingleThreadVerifier(),
    ...(anchorVerifier ? { anchorVerifier } : {}),
  });
}

/** A tx of user `from` signed with its key, on chain 0 shard 0 unless `where` says otherwise. */
export function signed<K extends TxKind>(
  from: number,
  nonce: number,
  kind: K,
  payload: TxPayloads[K],
  opts: { fee?: bigint; chainId?: number; shard?: number } = {},
): SignedTx {
  const tx = {
    chainId: opts.chainId ?? 0,
    shard: opts.shard ?? 0,
    kind,
    sender: users[from].keys.publicKey,
    nonce,
    fee: opts.fee ?? 1n,
    payload,
  } as Tx;
  return signTx(tx, users[from].keys.secretKey);
}

/** A register-validator payload of user `i` (its own BLS and VRF keys, a valid proof of possession). */
export function registration(i: number, deposit = RULES.minDeposit) {
  const u = users[i];
  return {
    blsPublicKey: u.bls.publicKey,
    blsProofOfPossession: blsProvePossession(u.bls.secretKey),
    vrfPublicKey: u.vrf.publicKey,
    deposit,
  };
}

/** Submits `txs` (every one must be admitted), builds the next block and commits it. */
export async function mine(chain: ShardChain, txs: SignedTx[] = []): Promise<AssembledBlock> {
  if (txs.length > 0) {
    const results = await chain.submitTxs(txs);
    for (const r of results) expect(r.ok ? "ok" : r.error.message).toBe("ok");
  }
  const assembled = await chain.prepareProposal({
    proposer: authority.publicKey,
    time: chain.headTime() + 1_000,
    epoch: 0,
  });
  await chain.commitBlock(assembled);
  return assembled;
}

/**
 * Mines one block with `before` (every one applied) then `tx`, and returns the error `tx` was refused with (it must be
 * admitted, then refused at execution).
 */
export async function refusedAtExecution(
  chain: ShardChain,
  tx: SignedTx,
  before: SignedTx[] = [],
): Promise<{ code: string; message: string }> {
  const block = await mine(chain, [...before, tx]);
  expect(block.execution.applied).toHaveLength(before.length);
  expect(block.execution.rejected).toHaveLength(1);
  const { error } = block.execution.rejected[0];
  return { code: error.code, message: error.message };
}

/** Submits `tx` and returns the `TxError` admission refused it with (it must be refused, leaving the mempool as it was). */
export async function refusedAtAdmission(
  chain: ShardChain,
  tx: SignedTx,
): Promise<{ code: string; message: string }> {
  const before = chain.mempool.size();
  const [result] = await chain.submitTxs([tx]);
  if (result.ok) throw new Error(`tx ${result.hash} was admitted`);
  expect(result.error).toBeInstanceOf(TxError);
  expect(chain.mempool.size()).toBe(before);
  return { code: result.error.code, message: result.error.message };
}

/** Mines empty blocks until the head is at `height`. */
export async function mineTo(chain: ShardChain, height: number): Promise<void> {
  while (chain.head().height < height) await mine(chain);
}
