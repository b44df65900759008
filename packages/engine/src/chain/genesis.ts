import { bytesToHex, hexToBytes } from "@vshard/crypto";
import { type Account, AddressError, MAX_AMOUNT, parseAddress } from "@vshard/types";
import { GenesisError } from "../errors.ts";

/** Genesis of one shard chain, as read from a JSON file. */
export interface Genesis {
  chainId: number;
  shard: number;
  /** Genesis time, milliseconds since the Unix epoch. */
  time: number;
  /** ed25519 public key of the genesis proposer (the solo authority of a dev chain). */
  authority: Uint8Array;
  accounts: Array<{ address: Uint8Array; account: Account }>;
}

/** The JSON form: numbers as JSON numbers, balances as decimal strings, addresses as text. */
export interface GenesisJson {
  chainId: number;
  shard: number;
  time: number;
  authority: string;
  accounts: Array<{ address: string; balance: string }>;
}

function fail(path: string, message: string): never {
  throw new GenesisError({ code: "GENESIS_ERROR_INVALID", path }, `genesis ${path}: ${message}`);
}

function uintAt(value: unknown, path: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max)
    fail(path, `expected an integer in 0..${max}, got ${JSON.stringify(value)}`);
  return value;
}

/** Validates a parsed genesis JSON; every error names the path at fault. */
export function genesisFromJson(json: unknown): Genesis {
  if (typeof json !== "object" || json === null || Array.isArray(json)) fail("$", "expected an object");
  const g = json as Record<string, unknown>;
  const chainId = uintAt(g.chainId, "$.chainId", 0xffff_ffff);
  const shard = uintAt(g.shard, "$.shard", 65_535);
  const time = uintAt(g.time, "$.time");
  if (typeof g.authority !== "string" || !/^[0-9a-f]{64}$/.test(g.authority))
    fail("$.authority", "expected 64 lower-case hex digits (an ed25519 public key)");
  if (!Array.isArray(g.accounts)) fail("$.accounts", "expected an array");
  const seen = new Set<string>();
  let total = 0n;
  const accounts = g.accounts.map((entry: unknown, i: number) => {
    const path = `$.accounts[${i}]`;
    if (typeof entry !== "object" || entry === null) fail(path, "expected an object");
    const { address, balance } = entry as Record<string, unknown>;
    let bytes: Uint8Array;
    try {
      bytes = parseAddress(address as string);
    } catch (err) {
      fail(`${path}.address`, err instanceof AddressError ? err.message : "invalid address");
    }
    if (typeof balance !== "string" || !/^(0|[1-9][0-9]*)$/.test(balance))
      fail(`${path}.balance`, "expected a decimal string");
    const amount = BigInt(balance);
    if (amount > MAX_AMOUNT) fail(`${path}.balance`, "larger than 2^64-1");
    total += amount;
    if (total > MAX_AMOUNT) fail(`${path}.balance`, "total supply would exceed 2^64-1");
    const hex = bytesToHex(bytes);
    if (seen.has(hex)) fail(`${path}.address`, "address listed twice");
    seen.add(hex);
    return { address: bytes, account: { balance: amount, nonce: 0 } };
  });
  return { chainId, shard, time, authority: hexToBytes(g.authority), accounts };
}

/** Sum of all genesis balances: the chain's total supply (transfers and fees move value, never create it). */
export function genesisSupply(genesis: Genesis): bigint {
  return genesis.accounts.reduce((sum, a) => sum + a.account.balance, 0n);
}
