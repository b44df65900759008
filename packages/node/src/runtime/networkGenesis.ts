import { blsProvePossession, bytesToHex, ed25519KeyPairFromSeed, sha256 } from "@vshard/crypto";
import {
  defaultChainOptions,
  defaultMainChainRules,
  type GenesisJson,
  genesisFromJson,
  genesisSeed,
  MAIN_CHAIN_ID,
  type MainChainRules,
  proveSortition,
} from "@vshard/engine";
import { checkDlfsLayout, defaultDlfsLayout } from "@vshard/storage";
import { addressFromPublicKey, parseAddress } from "@vshard/types";
import { type ClusterValidator, clusterValidator } from "./cluster.ts";
import type { VrfKeyPair } from "./epochParticipant.ts";
import type { NetworkConfig } from "./networkNodeOptions.ts";

/** Copies of each DLFS object: three survive one storage node lost and one corrupt copy at once. */
export const DEFAULT_REPLICAS = 3;

/** A network validator's keys: identity (ed25519), votes (BLS) and sortition (ECVRF). */
export interface NetworkValidator extends ClusterValidator {
  vrf: VrfKeyPair;
}

/** What a local network is made from. */
export interface NetworkGenesisOptions {
  /** Derives every key. */
  seed: number;
  validators: number;
  time: number;
  /** Worker chains registered at genesis (schema JSON, as in examples/). */
  chains: unknown[];
  /** Accounts funded on the main chain and on every worker chain (text addresses, decimal balances). */
  accounts: Array<{ address: string; balance: string }>;
  rules?: Partial<MainChainRules>;
  /** Main-chain block interval (dpos slot). */
  blockIntervalMs: number;
  /** Voting members per shard committee. */
  witnessesPerCommittee: number;
  validatorStake?: bigint;
  validatorBalance?: bigint;
  /** DLFS chunk size in bytes (default 256 KiB) and copies of each object (default 3). */
  dlfs?: Partial<{ chunkSize: number; replicas: number }>;
}

/** Validator i's keys for a network seed: the cluster's ed25519 and BLS keys plus an ECVRF key. */
export function networkValidator(seed: number, i: number): NetworkValidator {
  const base = clusterValidator(seed, i);
  const vrf = ed25519KeyPairFromSeed(sha256(new TextEncoder().encode(`vshard/cluster/${seed}/${i}/vrf`)));
  return { ...base, vrf: { secretKey: vrf.secretKey, publicKey: vrf.publicKey } };
}

/**
 * The genesis and configuration of a local network: `validators` validators registered at genesis (deposit = stake,
 * BLS key with its proof of possession, VRF key, epoch-0 sortition proof), the given worker chains, and the funded
 * accounts on the main chain and on every worker chain. Every node of the network must be given the same result.
 */
export function networkGenesis(opts: NetworkGenesisOptions): {
  config: NetworkConfig;
  validators: NetworkValidator[];
  json: GenesisJson;
} {
  const rules: MainChainRules = { ...defaultMainChainRules, ...opts.rules };
  if (!Number.isInteger(rules.epochBlocks) || rules.epochBlocks < 4 || rules.epochBlocks % 2 !== 0)
    throw new RangeError(`epochBlocks must be an even integer ≥ 4, got ${rules.epochBlocks}`);
  if (rules.anchorDelayBlocks >= rules.epochBlocks / 2)
    throw new RangeError(
      `anchorDelayBlocks (${rules.anchorDelayBlocks}) must be under half an epoch (${rules.epochBlocks / 2}): ` +
        "shard blocks decided by an epoch's committee are anchored only after the delay",
    );
  const validators = Array.from({ length: opts.validators }, (_, i) => networkValidator(opts.seed, i));
  const seed0 = genesisSeed(MAIN_CHAIN_ID);
  const stake = opts.validatorStake ?? 1_000_000n;
  const json: GenesisJson = {
    chainId: MAIN_CHAIN_ID,
    shard: 0,
    time: opts.time,
    authority: bytesToHex(validators[0].keys.publicKey),
    accounts: opts.accounts,
    validators: validators.map((v) => ({
      publicKey: bytesToHex(v.keys.publicKey),
      blsPublicKey: bytesToHex(v.bls.publicKey),
      blsProofOfPossession: bytesToHex(blsProvePossession(v.bls.secretKey)),
      vrfPublicKey: bytesToHex(v.vrf.publicKey),
      sortitionProof: bytesToHex(proveSortition(v.vrf.secretKey, seed0, 0)),
      stake: String(stake),
      balance: String(opts.validatorBalance ?? 1_000_000n),
    })),
    chains: opts.chains,
  };
  const genesis = genesisFromJson(json);
  const producers = opts.validators;
  const chunkSize = opts.dlfs?.chunkSize ?? defaultDlfsLayout.chunkSize;
  checkDlfsLayout({ ...defaultDlfsLayout, chunkSize });
  const replicas = opts.dlfs?.replicas ?? DEFAULT_REPLICAS;
  if (!Number.isInteger(replicas) || replicas < 1)
    throw new RangeError(`DLFS replicas must be a positive integer, got ${replicas}`);
  const config: NetworkConfig = {
    genesis,
    main: {
      chain: {
        ...defaultChainOptions,
        chainId: MAIN_CHAIN_ID,
        shard: 0,
        blockIntervalMs: opts.blockIntervalMs,
        dlfs: { ...defaultDlfsLayout, chunkSize },
        main: rules,
      },
      consensus: {
        name: "dpos",
        params: { producers, slotMs: opts.blockIntervalMs, epochLength: rules.epochBlocks },
      },
    },
    witnessesPerCommittee: opts.witnessesPerCommittee,
    worker: {
      accounts: opts.accounts.map((a) => ({ address: parseAddress(a.address), balance: BigInt(a.balance) })),
      validatorStake: stake,
      chunkSize,
    },
    dlfs: { replicas },
  };
  return { config, validators, json };
}

/** The main-chain address of validator i (its fees and deposit live there). */
export function networkValidatorAddress(v: NetworkValidator): Uint8Array {
  return addressFromPublicKey(v.keys.publicKey);
}
