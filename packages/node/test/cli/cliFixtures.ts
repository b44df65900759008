import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Ed25519KeyPair, ed25519KeyPairFromSeed, sha256, u64be } from "@vshard/crypto";
import { addressFromPublicKey, addressToText, type JsonValue } from "@vshard/types";
import { writeKeyFile } from "../../src/keyFile.ts";

/** The repository's example schemas, as JSON. */
export function exampleSchema(name: "gpu-rental" | "token-ledger"): { [key: string]: JsonValue } {
  const url = new URL(`../../../../examples/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8"));
}

/** Deterministic key pair number `i`. */
export function testKeys(i: number): Ed25519KeyPair {
  return ed25519KeyPairFromSeed(sha256(new TextEncoder().encode("vshard/cli-test"), u64be(i)));
}

/** The main address of a key pair, text form. */
export const addressOf = (keys: Ed25519KeyPair) => addressToText(addressFromPublicKey(keys.publicKey));

/** A temporary folder for a test's files: schema files, key files. */
export class TempDir {
  private constructor(readonly path: string) {}

  static async create(): Promise<TempDir> {
    return new TempDir(await mkdtemp(join(tmpdir(), "vshard-cli-")));
  }

  /** Writes `content` (JSON when not a string) to `name` and returns its path. */
  async file(name: string, content: unknown): Promise<string> {
    const path = join(this.path, name);
    await writeFile(path, typeof content === "string" ? content : JSON.stringify(content, null, 2));
    return path;
  }

  /** Writes a key file for `keys` and returns its path. */
  async keyFile(name: string, keys: Ed25519KeyPair): Promise<string> {
    const path = join(this.path, name);
    await writeKeyFile(path, keys);
    return path;
  }

  remove(): Promise<void> {
    return rm(this.path, { recursive: true, force: true });
  }
}
