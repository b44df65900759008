import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bytesToHex, type Ed25519KeyPair, generateEd25519KeyPair } from "@vshard/crypto";
import { defaultChainOptions, type Genesis, type GenesisJson, genesisFromJson } from "@vshard/engine";
import { addressFromPublicKey, addressToText } from "@vshard/types";
import { pino } from "pino";
import { readKeyFile, writeKeyFile } from "../keyFile.ts";
import { createLogger } from "../logger.ts";
import { FAUCET_BALANCE } from "./devnetFolder.ts";
import { defaultNodeApiOptions, type NodeOptions } from "./nodeOptions.ts";
import { VshardNode } from "./vshardNode.ts";

/** Options of `vshard devnet`. */
export interface DevnetOptions {
  dataDir: string;
  host: string;
  port: number;
  blockIntervalMs: number;
  verifyThreads: number;
  logLevel: NodeOptions["logLevel"];
}

/** What a devnet folder holds besides the database. */
export interface DevnetFiles {
  genesis: Genesis;
  authority: Ed25519KeyPair;
  genesisPath: string;
  authorityKeyPath: string;
  faucetKeyPath: string;
}

/**
 * Opens a devnet folder, creating on first use a genesis (chain 1, shard 0) whose faucet account holds the supply, and
 * the authority and faucet key files. A folder prepared beforehand (e.g. by a test with its own genesis) is used as is.
 */
export async function prepareDevnetFiles(dataDir: string): Promise<DevnetFiles> {
  const genesisPath = join(dataDir, "genesis.json");
  const authorityKeyPath = join(dataDir, "keys", "authority.json");
  const faucetKeyPath = join(dataDir, "keys", "faucet.json");
  await mkdir(dataDir, { recursive: true });
  if (!existsSync(authorityKeyPath)) await writeKeyFile(authorityKeyPath, generateEd25519KeyPair());
  const authority = await readKeyFile(authorityKeyPath);
  if (!existsSync(genesisPath)) {
    const faucet = generateEd25519KeyPair();
    await writeKeyFile(faucetKeyPath, faucet);
    const json: GenesisJson = {
      chainId: defaultChainOptions.chainId,
      shard: 0,
      time: Date.now(),
      authority: bytesToHex(authority.publicKey),
      accounts: [{ address: addressToText(addressFromPublicKey(faucet.publicKey)), balance: FAUCET_BALANCE }],
    };
    await writeFile(genesisPath, `${JSON.stringify(json, null, 2)}\n`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(genesisPath, "utf8"));
  } catch (err) {
    throw new Error(`cannot read ${genesisPath}: ${(err as Error).message}`);
  }
  return { genesis: genesisFromJson(parsed), authority, genesisPath, authorityKeyPath, faucetKeyPath };
}

/** Prepares the folder and starts a single-node, single-shard devnet with the solo plugin; logs go to node.log. */
export async function startDevnet(
  opts: DevnetOptions,
): Promise<{ node: VshardNode; files: DevnetFiles; url: string }> {
  const files = await prepareDevnetFiles(opts.dataDir);
  const logger = createLogger({
    level: opts.logLevel,
    destination: pino.destination({ dest: join(opts.dataDir, "node.log"), sync: false, mkdir: true }),
  });
  const node = await VshardNode.create(
    {
      dataDir: opts.dataDir,
      api: { ...defaultNodeApiOptions, host: opts.host, port: opts.port },
      chain: {
        ...defaultChainOptions,
        chainId: files.genesis.chainId,
        shard: files.genesis.shard,
        blockIntervalMs: opts.blockIntervalMs,
      },
      genesis: files.genesis,
      consensus: { name: "solo", params: { blockIntervalMs: opts.blockIntervalMs } },
      keys: files.authority,
      verifyThreads: opts.verifyThreads,
      logLevel: opts.logLevel,
    },
    { logger },
  );
  const url = await node.start();
  return { node, files, url };
}
