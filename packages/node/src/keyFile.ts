import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { bytesToHex, type Ed25519KeyPair, ed25519KeyPairFromSeed, hexToBytes } from "@vshard/crypto";
import { addressFromPublicKey, addressToText } from "@vshard/types";

/** A key file: the ed25519 seed, its public key and main address (JSON, readable by its owner only). */
export interface KeyFileJson {
  address: string;
  publicKey: string;
  secretKey: string;
}

/** JSON of a key pair. */
export function keyPairToJson(keys: Ed25519KeyPair): KeyFileJson {
  return {
    address: addressToText(addressFromPublicKey(keys.publicKey)),
    publicKey: bytesToHex(keys.publicKey),
    secretKey: bytesToHex(keys.secretKey),
  };
}

/** Writes a key file with mode 0600. */
export async function writeKeyFile(path: string, keys: Ed25519KeyPair): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(keyPairToJson(keys), null, 2)}\n`, { mode: 0o600 });
}

/** Reads a key file; the error names the file and what is wrong with it. */
export async function readKeyFile(path: string): Promise<Ed25519KeyPair> {
  let json: Partial<KeyFileJson>;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    throw new Error(`cannot read key file ${path}: ${(err as Error).message}`);
  }
  if (typeof json.secretKey !== "string" || !/^[0-9a-f]{64}$/.test(json.secretKey))
    throw new Error(`key file ${path}: secretKey must be 64 hex digits`);
  const keys = ed25519KeyPairFromSeed(hexToBytes(json.secretKey));
  if (json.publicKey !== undefined && json.publicKey !== bytesToHex(keys.publicKey))
    throw new Error(`key file ${path}: publicKey does not belong to secretKey`);
  return keys;
}
