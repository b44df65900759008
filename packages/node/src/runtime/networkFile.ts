import { bytesToHex } from "@vshard/crypto";
import { buildGenesisBlock, defaultMainChainRules, type Genesis } from "@vshard/engine";
import { headerHash, parseAddress, parseWorkerChainSchema } from "@vshard/types";
import { readerOf, readJsonFile } from "./configFields.ts";
import type { NetworkDevnetConfig } from "./networkDevnet.ts";
import { type NetworkValidator, networkGenesis } from "./networkGenesis.ts";
import type { NetworkConfig } from "./networkNodeOptions.ts";

/**
 * The network file every node of a multi-process network reads (`network.json`): the devnet's genesis parameters,
 * the committees' size and the DLFS copies, every account funded at genesis (the faucet included), and the storage
 * nodes. The same file gives every node the same genesis and the same DLFS membership.
 */
export interface NetworkFile extends NetworkDevnetConfig {
  accounts: Array<{ address: string; balance: string }>;
  witnessesPerCommittee: number;
  replicas: number;
  /**
   * The libp2p peer ids of the network's storage nodes: the DLFS membership every node places objects by. Absent or
   * empty: no storage nodes (block bodies stay with the chain nodes).
   */
  storage?: string[];
}

const FIELDS = [
  "validators",
  "seed",
  "genesisTime",
  "epochBlocks",
  "blockIntervalMs",
  "chains",
  "accounts",
  "witnessesPerCommittee",
  "replicas",
  "storage",
];

/** Checks a network file (already JSON-decoded) read from `path`; errors are `ConfigError`s naming the field. */
export function parseNetworkFile(json: unknown, path: string): NetworkFile {
  const top = readerOf(json, path, "$");
  top.onlyFields(FIELDS);
  // Shard blocks are anchored after a delay that must fit in half an epoch (see networkGenesis).
  const minEpoch = 2 * defaultMainChainRules.anchorDelayBlocks + 2;
  const epochBlocks = top.int("epochBlocks", minEpoch, 1_000_000);
  if (epochBlocks % 2 !== 0) top.fail("CONFIG_ERROR_BAD_FIELD", "epochBlocks", "must be even");
  const chains = top.array("chains", []);
  chains.forEach((c, i) => {
    try {
      parseWorkerChainSchema(c);
    } catch (err) {
      top.fail(
        "CONFIG_ERROR_BAD_FIELD",
        `chains[${i}]`,
        `is not a worker-chain schema: ${(err as Error).message}`,
      );
    }
  });
  const accounts = top.array("accounts", []).map((a, i) => {
    const r = readerOf(a, top.file, `$.accounts[${i}]`);
    r.onlyFields(["address", "balance"]);
    const address = r.string("address");
    try {
      parseAddress(address);
    } catch (err) {
      r.fail("CONFIG_ERROR_BAD_FIELD", "address", `is not an address: ${(err as Error).message}`);
    }
    const balance = r.string("balance");
    if (!/^(0|[1-9][0-9]*)$/.test(balance) || BigInt(balance) >= 2n ** 64n)
      r.fail("CONFIG_ERROR_BAD_FIELD", "balance", `must be a decimal amount below 2^64, got ${balance}`);
    return { address, balance };
  });
  const storage = top.has("storage") ? top.peerIds("storage", { nonEmpty: false }) : undefined;
  return {
    validators: top.int("validators", 1, 10_000),
    seed: top.int("seed", 0, Number.MAX_SAFE_INTEGER),
    genesisTime: top.int("genesisTime", 0, Number.MAX_SAFE_INTEGER),
    epochBlocks,
    blockIntervalMs: top.int("blockIntervalMs", 1, 3_600_000),
    chains,
    accounts,
    witnessesPerCommittee: top.int("witnessesPerCommittee", 1, 10_000),
    replicas: top.int("replicas", 1, 100),
    ...(storage ? { storage } : {}),
  };
}

/** Reads and checks a network file. */
export async function readNetworkFile(path: string): Promise<NetworkFile> {
  return parseNetworkFile(await readJsonFile(path), path);
}

/** The network a network file describes: its config (the same on every node) and its validators' keys. */
export function networkOfFile(file: NetworkFile): { config: NetworkConfig; validators: NetworkValidator[] } {
  return networkGenesis({
    seed: file.seed,
    validators: file.validators,
    time: file.genesisTime,
    chains: file.chains,
    accounts: file.accounts,
    rules: { epochBlocks: file.epochBlocks },
    blockIntervalMs: file.blockIntervalMs,
    witnessesPerCommittee: file.witnessesPerCommittee,
    dlfs: { replicas: file.replicas },
  });
}

/**
 * A network's id on the wire (its gossip topics' and protocols' namespace): the first 16 hex digits of its main
 * chain's genesis block hash, so that nodes of two networks never mistake each other's messages.
 */
export async function networkIdOf(genesis: Genesis): Promise<string> {
  const { block } = await buildGenesisBlock(genesis);
  return bytesToHex(headerHash(block.header)).slice(0, 16);
}
