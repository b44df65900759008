import {
  blsVerifyPossession,
  bytesToHex,
  hexToBytes,
  isValidBlsPublicKey,
  isValidEd25519PublicKey,
} from "@vshard/crypto";
import {
  type Account,
  AddressError,
  addressFromPublicKey,
  encodeSchema,
  MAX_AMOUNT,
  MAX_SCHEMA_BYTES,
  parseAddress,
  parseWorkerChainSchema,
  SchemaError,
  type WorkerChainSchema,
} from "@vshard/types";
import { GenesisError } from "../errors.ts";
import { MAIN_CHAIN_ID } from "../registry/options.ts";

/** A block-producer candidate that exists from the start, with its self-bonded stake. */
export interface GenesisValidator {
  /** ed25519 public key: its account's address is `addressFromPublicKey(publicKey)`. */
  publicKey: Uint8Array;
  blsPublicKey?: Uint8Array;
  /** Stake locked at genesis (> 0), voted for by the validator itself. */
  stake: bigint;
  /** Spendable balance of the validator's account (0 when absent). */
  balance?: bigint;
  /** Proof of possession of `blsPublicKey`'s secret key (required with `vrfPublicKey`). */
  blsProofOfPossession?: Uint8Array;
  /**
   * ECVRF key: on the main chain a validator with one (and a BLS key with its proof of possession) is a registered
   * validator from genesis, its stake its deposit.
   */
  vrfPublicKey?: Uint8Array;
  /** The validator's epoch-0 sortition proof (main chain; needs `vrfPublicKey`). */
  sortitionProof?: Uint8Array;
}

/** Genesis of one shard chain, as read from a JSON file. */
export interface Genesis {
  chainId: number;
  shard: number;
  /** Genesis time, milliseconds since the Unix epoch. */
  time: number;
  /** ed25519 public key of the genesis proposer (the solo authority of a dev chain). */
  authority: Uint8Array;
  accounts: Array<{ address: Uint8Array; account: Account }>;
  /** Candidates staked at genesis; their accounts are not in `accounts` (see `genesisAccounts`). */
  validators: GenesisValidator[];
  /** Worker chains registered at genesis (main chain only), ids 1, 2, ... in order, owned by `authority`. */
  chains?: WorkerChainSchema[];
}

/** The JSON form: numbers as JSON numbers, balances as decimal strings, addresses as text, keys as hex. */
export interface GenesisJson {
  chainId: number;
  shard: number;
  time: number;
  authority: string;
  accounts: Array<{ address: string; balance: string }>;
  /**
   * ed25519 key (64 hex), BLS key (96 hex), stake and balance as decimal strings; on the main chain also the BLS
   * proof of possession (192 hex), the VRF key (64 hex) and the epoch-0 sortition proof (160 hex).
   */
  validators?: Array<{
    publicKey: string;
    blsPublicKey?: string;
    stake: string;
    balance?: string;
    blsProofOfPossession?: string;
    vrfPublicKey?: string;
    sortitionProof?: string;
  }>;
  /** Worker-chain schemas registered at genesis (main chain only), as in examples/. */
  chains?: unknown[];
}

function fail(path: string, message: string): never {
  throw new GenesisError({ code: "GENESIS_ERROR_INVALID", path }, `genesis ${path}: ${message}`);
}

function uintAt(value: unknown, path: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max)
    fail(path, `expected an integer in 0..${max}, got ${JSON.stringify(value)}`);
  return value;
}

function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(path, "expected an object");
  return value as Record<string, unknown>;
}

function hexAt(value: unknown, path: string, bytes: number, what: string): Uint8Array {
  if (typeof value !== "string" || !new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(value))
    fail(path, `expected ${bytes * 2} lower-case hex digits (${what})`);
  return hexToBytes(value);
}

/** Adds up amounts, failing at the path whose amount takes the total past 2^64-1. */
class SupplyCounter {
  private total = 0n;
  amountAt(value: unknown, path: string): bigint {
    if (typeof value !== "string" || !/^(0|[1-9][0-9]*)$/.test(value))
      fail(path, "expected a decimal string");
    const amount = BigInt(value);
    if (amount > MAX_AMOUNT) fail(path, "larger than 2^64-1");
    this.total += amount;
    if (this.total > MAX_AMOUNT) fail(path, "total supply would exceed 2^64-1");
    return amount;
  }
}

/** Validates a parsed genesis JSON; every error names the path at fault. */
export function genesisFromJson(json: unknown): Genesis {
  const g = objectAt(json, "$");
  const chainId = uintAt(g.chainId, "$.chainId", 0xffff_ffff);
  const shard = uintAt(g.shard, "$.shard", 65_535);
  const time = uintAt(g.time, "$.time");
  const authority = hexAt(g.authority, "$.authority", 32, "an ed25519 public key");
  if (!Array.isArray(g.accounts)) fail("$.accounts", "expected an array");
  const seen = new Set<string>();
  const supply = new SupplyCounter();
  const accounts = g.accounts.map((entry: unknown, i: number) => {
    const path = `$.accounts[${i}]`;
    const { address, balance } = objectAt(entry, path);
    let bytes: Uint8Array;
    try {
      bytes = parseAddress(address as string);
    } catch (err) {
      fail(`${path}.address`, err instanceof AddressError ? err.message : "invalid address");
    }
    const amount = supply.amountAt(balance, `${path}.balance`);
    const hex = bytesToHex(bytes);
    if (seen.has(hex)) fail(`${path}.address`, "address listed twice");
    seen.add(hex);
    return { address: bytes, account: { balance: amount, nonce: 0 } };
  });
  const validators = validatorsFromJson(g.validators, seen, supply);
  const chains = chainsFromJson(g.chains, chainId);
  return { chainId, shard, time, authority, accounts, validators, ...(chains ? { chains } : {}) };
}

/** The worker chains of a main-chain genesis: each schema valid, names unique; errors at `$.chains[i]...`. */
function chainsFromJson(value: unknown, chainId: number): WorkerChainSchema[] | undefined {
  if (value === undefined) return undefined;
  if (chainId !== MAIN_CHAIN_ID)
    fail(
      "$.chains",
      `worker chains are registered on the main chain (chain ${MAIN_CHAIN_ID}), not on chain ${chainId}`,
    );
  if (!Array.isArray(value)) fail("$.chains", "expected an array");
  const names = new Map<string, number>();
  return value.map((json: unknown, i: number) => {
    let schema: WorkerChainSchema;
    try {
      schema = parseWorkerChainSchema(json);
    } catch (err) {
      if (err instanceof SchemaError) fail(`$.chains[${i}]${err.path.slice(1)}`, err.reason);
      throw err;
    }
    const first = names.get(schema.name);
    if (first !== undefined)
      fail(`$.chains[${i}].name`, `chain name '${schema.name}' is also $.chains[${first}]'s`);
    names.set(schema.name, i);
    const size = encodeSchema(schema).length;
    if (size > MAX_SCHEMA_BYTES)
      fail(
        `$.chains[${i}]`,
        `encodes to ${size} bytes, more than the ${MAX_SCHEMA_BYTES} a chain schema may take`,
      );
    return schema;
  });
}

function validatorsFromJson(value: unknown, seen: Set<string>, supply: SupplyCounter): GenesisValidator[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail("$.validators", "expected an array");
  const vrfKeys = new Map<string, string>();
  return value.map((entry: unknown, i: number) => {
    const path = `$.validators[${i}]`;
    const v = objectAt(entry, path);
    const publicKey = hexAt(v.publicKey, `${path}.publicKey`, 32, "an ed25519 public key");
    if (!isValidEd25519PublicKey(publicKey)) fail(`${path}.publicKey`, "not a valid ed25519 public key");
    const hex = bytesToHex(addressFromPublicKey(publicKey));
    if (seen.has(hex))
      fail(`${path}.publicKey`, "its address is already in $.accounts or is another validator's");
    seen.add(hex);
    const validator: GenesisValidator = { publicKey, stake: supply.amountAt(v.stake, `${path}.stake`) };
    if (validator.stake === 0n) fail(`${path}.stake`, "a validator's stake must be positive");
    if (v.balance !== undefined) validator.balance = supply.amountAt(v.balance, `${path}.balance`);
    if (v.blsPublicKey !== undefined) {
      const bls = hexAt(v.blsPublicKey, `${path}.blsPublicKey`, 48, "a compressed BLS12-381 G1 public key");
      if (!isValidBlsPublicKey(bls)) fail(`${path}.blsPublicKey`, "not a valid BLS public key");
      validator.blsPublicKey = bls;
    }
    registrationFromJson(v, path, validator, vrfKeys);
    return validator;
  });
}

/** The registration keys of a genesis validator (proof of possession, VRF key, sortition proof), checked. */
function registrationFromJson(
  v: Record<string, unknown>,
  path: string,
  validator: GenesisValidator,
  vrfKeys: Map<string, string>,
): void {
  if (v.blsProofOfPossession !== undefined) {
    const at = `${path}.blsProofOfPossession`;
    const pop = hexAt(v.blsProofOfPossession, at, 96, "a compressed BLS12-381 G2 signature");
    if (!validator.blsPublicKey) fail(at, "a proof of possession needs a blsPublicKey");
    if (!blsVerifyPossession(validator.blsPublicKey, pop))
      fail(at, "not a proof of possession of blsPublicKey's secret key");
    validator.blsProofOfPossession = pop;
  }
  if (v.vrfPublicKey !== undefined) {
    const at = `${path}.vrfPublicKey`;
    const vrf = hexAt(v.vrfPublicKey, at, 32, "an ECVRF edwards25519 public key");
    if (!isValidEd25519PublicKey(vrf)) fail(at, "not a valid edwards25519 point");
    if (!validator.blsProofOfPossession)
      fail(at, "a registered validator needs a blsPublicKey and its blsProofOfPossession too");
    const other = vrfKeys.get(bytesToHex(vrf));
    if (other !== undefined) fail(at, `also the VRF key of ${other}`);
    vrfKeys.set(bytesToHex(vrf), path);
    validator.vrfPublicKey = vrf;
  }
  if (v.sortitionProof !== undefined) {
    const at = `${path}.sortitionProof`;
    const proof = hexAt(v.sortitionProof, at, 80, "an ECVRF proof");
    if (!validator.vrfPublicKey) fail(at, "a sortition proof needs a vrfPublicKey");
    validator.sortitionProof = proof;
  }
}

/**
 * The genesis account of a validator: its balance, its stake, a candidate voting for itself (so the votes it
 * receives start at its stake).
 */
export function validatorAccount(v: GenesisValidator): { address: Uint8Array; account: Account } {
  const address = addressFromPublicKey(v.publicKey);
  return {
    address,
    account: {
      balance: v.balance ?? 0n,
      nonce: 0,
      staking: { stake: v.stake, votes: [address], candidate: true, votesReceived: v.stake },
    },
  };
}

/** Every account of the genesis state: `accounts`, then one per validator. */
export function genesisAccounts(genesis: Genesis): Array<{ address: Uint8Array; account: Account }> {
  return [...genesis.accounts, ...genesis.validators.map(validatorAccount)];
}

/**
 * The chain's total supply: every genesis balance plus every genesis stake. Transfers, fees and staking move value,
 * never create it (a slashed stake becomes the burn address's balance).
 */
export function genesisSupply(genesis: Genesis): bigint {
  return genesisAccounts(genesis).reduce(
    (sum, a) => sum + a.account.balance + (a.account.staking?.stake ?? 0n),
    0n,
  );
}
