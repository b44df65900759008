import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { defaultVerifyPoolOptions, generateEd25519KeyPair, VerifyPool } from "@vshard/crypto";
import type { Logger } from "@vshard/engine";
import { addressFromPublicKey, addressToText } from "@vshard/types";
import { pino } from "pino";
import { readKeyFile, writeKeyFile } from "../keyFile.ts";
import { createLogger } from "../logger.ts";
import type { NodeOptions } from "./nodeOptions.ts";

/** 10^15 base units for a devnet's faucet: enough for any local experiment, far below the 2^64 cap. */
export const FAUCET_BALANCE = "1000000000000000";

/** What an in-process devnet folder gives its nodes: the faucet, one log file, one shared verify pool. */
export interface DevnetFolder {
  faucetKeyPath: string;
  /** The faucet's text address, funded at genesis with `FAUCET_BALANCE`. */
  faucetAddress: string;
  /** Every node's log, in `dataDir/node.log`. */
  logger: Logger;
  /** The verify pool the in-process nodes share (none: each verifies on the main thread). */
  verifier: VerifyPool | undefined;
}

/** Creates the folder's key directory and faucet key on first use, the log and the shared verify pool. */
export async function openDevnetFolder(opts: {
  dataDir: string;
  logLevel: NodeOptions["logLevel"];
  verifyThreads: number;
}): Promise<DevnetFolder> {
  await mkdir(join(opts.dataDir, "keys"), { recursive: true });
  const faucetKeyPath = join(opts.dataDir, "keys", "faucet.json");
  if (!existsSync(faucetKeyPath)) await writeKeyFile(faucetKeyPath, generateEd25519KeyPair());
  const faucet = await readKeyFile(faucetKeyPath);
  const logger = createLogger({
    level: opts.logLevel,
    destination: pino.destination({ dest: join(opts.dataDir, "node.log"), sync: false, mkdir: true }),
  });
  const verifier =
    opts.verifyThreads > 0
      ? await VerifyPool.create({ ...defaultVerifyPoolOptions, threads: opts.verifyThreads })
      : undefined;
  return {
    faucetKeyPath,
    faucetAddress: addressToText(addressFromPublicKey(faucet.publicKey)),
    logger,
    verifier,
  };
}

/** Starts an in-process cluster; on failure stops what started and closes the pool. Returns the function that stops it all. */
export async function startInProcess(
  cluster: { start(): Promise<void>; stop(): Promise<void> },
  folder: DevnetFolder,
): Promise<() => Promise<void>> {
  const stop = async () => {
    await cluster.stop();
    await folder.verifier?.close();
  };
  try {
    await cluster.start();
  } catch (err) {
    await stop();
    throw err;
  }
  return stop;
}
