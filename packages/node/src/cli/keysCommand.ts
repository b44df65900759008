import { existsSync } from "node:fs";
import { generateEd25519KeyPair } from "@vshard/crypto";
import type { Command } from "commander";
import { keyPairToJson, writeKeyFile } from "../keyFile.ts";

/** `vshard keys new`. */
export function registerKeysCommand(program: Command): void {
  const keys = program.command("keys").description("manage ed25519 keys");
  keys
    .command("new")
    .description("generate a key pair; prints its address and public key, writes the secret to --out")
    .option("--out <file>", "key file to write (mode 0600); without it the secret is printed")
    .action(async (o) => {
      const pair = generateEd25519KeyPair();
      const json = keyPairToJson(pair);
      if (o.out) {
        if (existsSync(o.out)) throw new Error(`${o.out} exists; refusing to overwrite a key file`);
        await writeKeyFile(o.out, pair);
        console.log(
          JSON.stringify({ address: json.address, publicKey: json.publicKey, file: o.out }, null, 2),
        );
      } else console.log(JSON.stringify(json, null, 2));
    });
}
