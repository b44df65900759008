import {
  addressFromPublicKey,
  addressToText,
  encodeRecord,
  homeShard,
  parseWorkerChainSchema,
  recordToJson,
  recordTypeIndex,
  SchemaError,
  signTx,
  type Tx,
  TxKind,
  validateRecord,
  type WorkerChainSchema,
} from "@vshard/types";
import type { Command } from "commander";
import { ApiClient, recordPath } from "../client/apiClient.ts";
import { readKeyFile } from "../keyFile.ts";
import { API_OPTION, amountOption, intOption } from "./options.ts";
import { addWaitOptions, feeUnder, nextNonce, waitUntilFinal } from "./txSubmit.ts";

/** Options of `vshard record`, as parsed. */
interface RecordOptions {
  chain: number;
  type: string;
  data: string;
  key: string;
  shard?: number;
  fee?: bigint;
  nonce?: number;
  wait?: boolean;
  timeout: number;
  api: string;
}

/** A record checked against its chain's schema: its type's index, its canonical bytes and its key's text. */
export interface EncodedRecord {
  recordType: number;
  bytes: Uint8Array;
  /** The key field's value as text (what the record route takes), null for a keyless type. */
  key: string | null;
}

/**
 * Checks `--data` (JSON text) against record type `typeName` of `schema` and encodes it. Throws an `Error` saying
 * what is wrong: `--data: not valid JSON (…)`, or the `SchemaError` message naming the field
 * (`record 'rental' payload.hoursRented: expected …`), or the unknown type with the known ones.
 */
export function encodeRecordData(schema: WorkerChainSchema, typeName: string, data: string): EncodedRecord {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch (err) {
    throw new Error(`--data: not valid JSON (${(err as Error).message})`);
  }
  try {
    const record = validateRecord(schema, typeName, json);
    const type = schema.recordTypes[recordTypeIndex(schema, typeName)];
    const key = type.key === undefined ? null : String(recordToJson(schema, typeName, record)[type.key]);
    return {
      recordType: recordTypeIndex(schema, typeName),
      bytes: encodeRecord(schema, typeName, record),
      key,
    };
  } catch (err) {
    if (err instanceof SchemaError) throw new Error(err.message);
    throw err;
  }
}

/**
 * The shard a sender's record goes to: its home shard under `address-hash` (`--shard`, when given, must name it),
 * `--shard` under `explicit-suffix` (required there).
 */
export function recordShard(
  schema: WorkerChainSchema,
  chainId: number,
  sender: Uint8Array,
  shard: number | undefined,
): number {
  const home = homeShard(schema, sender);
  const who = addressToText(sender);
  if (home !== null) {
    if (shard !== undefined && shard !== home)
      throw new Error(
        `--shard ${shard}: chain ${chainId} ('${schema.name}') assigns by address-hash, and ${who} lives on shard ` +
          `${home} only`,
      );
    return home;
  }
  if (shard === undefined)
    throw new Error(
      `--shard is required: chain ${chainId} ('${schema.name}') uses explicit-suffix assignment, the sender picks ` +
        `a shard in 0..${schema.shards.length - 1}`,
    );
  if (shard >= schema.shards.length)
    throw new Error(`--shard ${shard}: chain ${chainId} has shards 0..${schema.shards.length - 1}`);
  return shard;
}

/** `vshard record`. */
export function registerRecordCommand(program: Command): void {
  const command = program
    .command("record")
    .description(
      "validate a record against its worker chain's schema, then sign and submit it to the sender's shard; " +
        "prints the tx hash and the URL to query the record",
    )
    .requiredOption("--chain <id>", "the worker chain (see `vshard chain list`)", intOption)
    .requiredOption("--type <name>", "the record type, as the chain's schema names it")
    .requiredOption("--data <json>", 'the record as JSON, e.g. \'{"id":"m1","vramGb":80}\'')
    .requiredOption("--key <file>", "sender's key file")
    .option(
      "--shard <s>",
      "shard to write to (required under explicit-suffix; the home shard otherwise)",
      intOption,
    )
    .option("--fee <n>", "fee in base units (default: the chain's fee rule)", amountOption)
    .option(
      "--nonce <n>",
      "nonce (default: the account's next on that shard, counting its pending txs)",
      intOption,
    );
  addWaitOptions(command, "record").option(...API_OPTION);
  command.action(async (o: RecordOptions) => {
    const client = new ApiClient(o.api);
    const keys = await readKeyFile(o.key);
    const detail = await client.chain(o.chain);
    let schema: WorkerChainSchema;
    try {
      schema = parseWorkerChainSchema(detail.schema);
    } catch (err) {
      if (err instanceof SchemaError)
        throw new Error(`chain ${o.chain}'s schema as the node serves it: ${err.message}`);
      throw err;
    }
    const record = encodeRecordData(schema, o.type, o.data);
    const sender = addressFromPublicKey(keys.publicKey);
    const from = addressToText(sender);
    const shard = recordShard(schema, o.chain, sender, o.shard);
    const nonce = o.nonce ?? nextNonce(await client.chainAccount(o.chain, shard, from));
    const tx: Tx = {
      chainId: o.chain,
      shard,
      kind: TxKind.Record,
      sender: keys.publicKey,
      nonce,
      fee: 0n,
      payload: { recordType: record.recordType, record: record.bytes },
    };
    tx.fee = o.fee ?? feeUnder(schema.fees, tx);
    const hash = await client.submit(signTx(tx, keys.secretKey));
    console.log(
      `submitted ${hash} (record '${o.type}' on chain ${o.chain} shard ${shard}, from ${from}, nonce ${nonce})`,
    );
    console.log(`query: ${client.baseUrl}${recordPath(o.chain, shard, o.type, record.key ?? hash)}`);
    if (!o.wait) return;
    const final = await waitUntilFinal(client, hash, o.timeout, "record");
    console.log(`final in block ${final.receipt?.blockHeight}`);
  });
}
