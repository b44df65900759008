import { readFile } from "node:fs/promises";
import type { Ed25519KeyPair } from "@vshard/crypto";
import {
  addressFromPublicKey,
  addressToText,
  checkSchemaUpdate,
  encodeSchema,
  MAX_SCHEMA_BYTES,
  parseWorkerChainSchema,
  parseWorkerChainSchemaText,
  SchemaError,
  signTx,
  type Tx,
  TxKind,
  type WorkerChainSchema,
} from "@vshard/types";
import type { Command } from "commander";
import { ApiClient, type ChainsJson } from "../client/apiClient.ts";
import { readKeyFile } from "../keyFile.ts";
import { chainShardLines, chainTableLines } from "./chainTable.ts";
import { API_OPTION, amountOption, intOption } from "./options.ts";
import { addWaitOptions, nextNonce, waitUntilFinal } from "./txSubmit.ts";

/** The fee of a register-chain or update-chain tx when `--fee` is not given (the main chain's minimum fee). */
const DEFAULT_MAIN_FEE = 1n;

/** A schema file read and validated: the schema and its canonical bytes (what the tx carries). */
export interface SchemaFile {
  schema: WorkerChainSchema;
  bytes: Uint8Array;
}

/**
 * Reads and validates a schema file. Every fault is an `Error` whose message starts with the file's path: a file
 * that cannot be read, text that is not JSON, the `SchemaError` with its path in the schema
 * (`schema.json: schema $.shards[2].consensus.params.producers: …`), or an encoding over `MAX_SCHEMA_BYTES`.
 */
export async function readSchemaFile(path: string): Promise<SchemaFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new Error(`cannot read schema file ${path}: ${(err as Error).message}`);
  }
  let schema: WorkerChainSchema;
  try {
    schema = parseWorkerChainSchemaText(text);
  } catch (err) {
    if (err instanceof SchemaError) throw new Error(`${path}: ${err.message}`);
    throw err;
  }
  const bytes = encodeSchema(schema);
  if (bytes.length > MAX_SCHEMA_BYTES)
    throw new Error(
      `${path}: the schema encodes to ${bytes.length} bytes, more than the ${MAX_SCHEMA_BYTES} allowed`,
    );
  return { schema, bytes };
}

/** `vshard chain register|update|list`. */
export function registerChainCommand(program: Command): void {
  const chain = program.command("chain").description("register, update and list worker chains");

  const register = chain
    .command("register")
    .description(
      "validate a worker-chain schema file, then sign and submit a register-chain tx on the main chain; with " +
        "--wait, print the new chain's id and shards",
    )
    .requiredOption("--schema <file>", "the chain's schema (JSON, as in examples/gpu-rental.json)")
    .requiredOption("--key <file>", "the owner's key file (it pays the fee and may update the chain)");
  addMainTxOptions(register, "registration").action(async (o: MainTxOptions & { schema: string }) => {
    const file = await readSchemaFile(o.schema);
    const { client, keys, from, chains, fields } = await prepareMainTx(o);
    const taken = chains.chains.find((c) => c.name === file.schema.name);
    if (taken)
      throw new Error(`a chain named '${file.schema.name}' is already registered: chain ${taken.chainId}`);
    const hash = await client.submit(
      signTx({ ...fields, kind: TxKind.RegisterChain, payload: { schema: file.bytes } }, keys.secretKey),
    );
    const shards = file.schema.shards.length;
    console.log(
      `submitted ${hash} (register chain '${file.schema.name}' version ${file.schema.version}, ` +
        `${shards} shard${shards === 1 ? "" : "s"}; from ${from}, nonce ${fields.nonce})`,
    );
    if (!o.wait) return;
    const final = await waitUntilFinal(client, hash, o.timeout, "registration");
    const registered = (await client.chains()).chains.find((c) => c.name === file.schema.name);
    if (!registered)
      throw new Error(
        `registration ${hash} is final but GET /v1/chains lists no chain '${file.schema.name}'`,
      );
    console.log(
      `registered in block ${final.receipt?.blockHeight}: chain ${registered.chainId} '${registered.name}'` +
        ` version ${registered.version}, schema hash ${registered.schemaHash.slice(0, 16)}…`,
    );
    for (const line of chainShardLines(registered)) console.log(line);
  });

  const update = chain
    .command("update")
    .description(
      "validate a new version of a chain's schema (itself and as an update of the one in force), then sign and " +
        "submit an update-chain tx on the main chain",
    )
    .requiredOption("--chain <id>", "the chain to update", intOption)
    .requiredOption("--schema <file>", "the new schema (version one above the one in force)")
    .requiredOption("--key <file>", "the chain owner's key file");
  addMainTxOptions(update, "update").action(async (o: MainTxOptions & { schema: string; chain: number }) => {
    const file = await readSchemaFile(o.schema);
    const { client, keys, from, fields } = await prepareMainTx(o);
    const current = await client.chain(o.chain);
    if (current.owner !== from)
      throw new Error(`chain ${o.chain} is owned by ${current.owner}; the key file ${o.key} is ${from}'s`);
    try {
      checkSchemaUpdate(parseWorkerChainSchema(current.schema), file.schema);
    } catch (err) {
      if (err instanceof SchemaError) throw new Error(`${o.schema}: ${err.message}`);
      throw err;
    }
    const hash = await client.submit(
      signTx(
        { ...fields, kind: TxKind.UpdateChain, payload: { chainId: o.chain, schema: file.bytes } },
        keys.secretKey,
      ),
    );
    console.log(
      `submitted ${hash} (update chain ${o.chain} '${file.schema.name}' to version ${file.schema.version}; ` +
        `from ${from}, nonce ${fields.nonce})`,
    );
    if (!o.wait) return;
    const final = await waitUntilFinal(client, hash, o.timeout, "update");
    const updated = await client.chain(o.chain);
    console.log(
      `updated in block ${final.receipt?.blockHeight}: chain ${updated.chainId} '${updated.name}' version ` +
        `${updated.version}, schema hash ${updated.schemaHash.slice(0, 16)}…`,
    );
    for (const line of chainShardLines(updated)) console.log(line);
  });

  chain
    .command("list")
    .description(
      "the main chain and every worker chain: shards, plugins, heights, anchoring, committee epochs",
    )
    .option(...API_OPTION)
    .action(async (o) => {
      for (const line of chainTableLines(await new ApiClient(o.api).chains())) console.log(line);
    });
}

function addMainTxOptions(command: Command, what: string): Command {
  command
    .option("--fee <n>", "fee in base units", amountOption, DEFAULT_MAIN_FEE)
    .option("--nonce <n>", "nonce (default: the account's next, counting its pending txs)", intOption);
  return addWaitOptions(command, what).option(...API_OPTION);
}

/** The options every main-chain tx command of `vshard chain` takes. */
interface MainTxOptions {
  key: string;
  api: string;
  fee: bigint;
  nonce?: number;
  wait?: boolean;
  timeout: number;
}

/** What a main-chain tx is made from. */
interface MainTxContext {
  client: ApiClient;
  keys: Ed25519KeyPair;
  /** The sender's main address, text form. */
  from: string;
  chains: ChainsJson;
  /** Every field but kind and payload: the main chain's id, shard 0, the sender, its next nonce, the fee. */
  fields: Pick<Tx, "chainId" | "shard" | "sender" | "nonce" | "fee">;
}

/**
 * Reads the key file and asks the node for the main chain's id (`GET /v1/chains`) and the sender's next nonce on its
 * shard 0, unless `--nonce` gives it.
 */
async function prepareMainTx(o: MainTxOptions): Promise<MainTxContext> {
  const keys = await readKeyFile(o.key);
  const client = new ApiClient(o.api);
  const chains = await client.chains();
  const from = addressToText(addressFromPublicKey(keys.publicKey));
  const nonce = o.nonce ?? nextNonce(await client.chainAccount(chains.main.chainId, 0, from));
  const fields = { chainId: chains.main.chainId, shard: 0, sender: keys.publicKey, nonce, fee: o.fee };
  return { client, keys, from, chains, fields };
}
