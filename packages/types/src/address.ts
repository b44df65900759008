import { bytesToHex, hexToBytes, sha256 } from "@vshard/crypto";
import { AddressError } from "./errors.ts";

/** A main address: the first 20 bytes of sha256(ed25519 public key). */
export const ADDRESS_LENGTH = 20;
/** Prefix of every text address. */
export const ADDRESS_PREFIX = "vs";
const CHECKSUM_LENGTH = 4;
const CHECKSUM_DOMAIN = new TextEncoder().encode("vshard/address-checksum");
/** Highest shard id a sub-account may name. */
export const MAX_SHARD_ID = 65_535;
/** Highest chain id. */
export const MAX_CHAIN_ID = 0xffff_ffff;

/** A sub-account: a main address plus the vShard its balance lives in. */
export interface SubAccount {
  address: Uint8Array;
  shard: number;
}

/** The main address of an ed25519 public key. */
export function addressFromPublicKey(publicKey: Uint8Array): Uint8Array {
  return sha256(publicKey).subarray(0, ADDRESS_LENGTH);
}

function checksum(address: Uint8Array): Uint8Array {
  return sha256(CHECKSUM_DOMAIN, address).subarray(0, CHECKSUM_LENGTH);
}

/** Text form: `vs` + 40 hex digits of the address + 8 hex digits of checksum. */
export function addressToText(address: Uint8Array): string {
  if (address.length !== ADDRESS_LENGTH) throw new TypeError(`address must be ${ADDRESS_LENGTH} bytes`);
  return ADDRESS_PREFIX + bytesToHex(address) + bytesToHex(checksum(address));
}

/** Text form of a sub-account: `vs…@shard`. */
export function subAccountToText(sub: SubAccount): string {
  return `${addressToText(sub.address)}@${sub.shard}`;
}

const TEXT_HEX_LENGTH = (ADDRESS_LENGTH + CHECKSUM_LENGTH) * 2;

/** Parses a main address; the error says which part is wrong. */
export function parseAddress(text: string): Uint8Array {
  if (typeof text !== "string")
    throw new AddressError({ code: "ADDRESS_ERROR_FORMAT", input: String(text) }, "address must be a string");
  const err = (code: "ADDRESS_ERROR_FORMAT" | "ADDRESS_ERROR_CHECKSUM", message: string) =>
    new AddressError({ code, input: text }, `invalid address '${text}': ${message}`);
  if (!text.startsWith(ADDRESS_PREFIX))
    throw err("ADDRESS_ERROR_FORMAT", `must start with '${ADDRESS_PREFIX}'`);
  const body = text.slice(ADDRESS_PREFIX.length);
  if (body.length !== TEXT_HEX_LENGTH)
    throw err(
      "ADDRESS_ERROR_FORMAT",
      `expected ${TEXT_HEX_LENGTH} hex digits after '${ADDRESS_PREFIX}', got ${body.length}`,
    );
  if (!/^[0-9a-f]+$/.test(body))
    throw err("ADDRESS_ERROR_FORMAT", "only lower-case hex digits may follow the prefix");
  const bytes = hexToBytes(body);
  const address = bytes.subarray(0, ADDRESS_LENGTH);
  const given = bytes.subarray(ADDRESS_LENGTH);
  const expected = checksum(address);
  for (let i = 0; i < CHECKSUM_LENGTH; i++)
    if (given[i] !== expected[i])
      throw err("ADDRESS_ERROR_CHECKSUM", "checksum does not match (mistyped address?)");
  return new Uint8Array(address);
}

/** Parses `vs…@shard`; without `@shard`, `defaultShard` is used when given, else it is an error. */
export function parseSubAccount(text: string, defaultShard?: number): SubAccount {
  const at = typeof text === "string" ? text.indexOf("@") : -1;
  if (at < 0) {
    if (defaultShard === undefined)
      throw new AddressError(
        { code: "ADDRESS_ERROR_SHARD", input: String(text) },
        `invalid sub-account '${text}': missing '@shard'`,
      );
    return { address: parseAddress(text), shard: defaultShard };
  }
  const address = parseAddress(text.slice(0, at));
  const shardText = text.slice(at + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(shardText) || Number(shardText) > MAX_SHARD_ID)
    throw new AddressError(
      { code: "ADDRESS_ERROR_SHARD", input: text },
      `invalid sub-account '${text}': shard '${shardText}' is not an integer in 0..${MAX_SHARD_ID}`,
    );
  return { address, shard: Number(shardText) };
}
