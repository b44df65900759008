import { MAIN_CHAIN_ID } from "@vshard/engine";
import {
  AddressError,
  addressToText,
  CHAIN_NAME_PATTERN,
  homeShard,
  MAX_CHAIN_ID,
  MAX_SHARD_ID,
  parseAddress,
  parseWorkerChainSchema,
  type ShardRef,
  sameShard,
  type Tx,
  TxKind,
  type WorkerChainSchema,
} from "@vshard/types";
import { InvalidArgumentError } from "commander";
import { type ApiClient, ApiClientError } from "../client/apiClient.ts";

/** A chain named on the command line: its id, or the name of a registered worker chain (`main` is chain 0). */
export type ChainRef = number | string;

/** What `--to` says: the recipient and, when an `@` part is given, its shard and maybe its chain. */
export interface ParsedDestination {
  address: Uint8Array;
  chain?: ChainRef;
  shard?: number;
}

const UINT = /^(0|[1-9][0-9]*)$/;

/** Reads a chain reference: a chain id, `main` (chain 0) or a chain name; `what` names the option in errors. */
function parseChainRef(text: string, what: string): ChainRef {
  if (text === "main") return MAIN_CHAIN_ID;
  if (UINT.test(text)) {
    const id = Number(text);
    if (id > MAX_CHAIN_ID) throw new Error(`${what}: chain id ${text} is above ${MAX_CHAIN_ID}`);
    return id;
  }
  if (CHAIN_NAME_PATTERN.test(text)) return text;
  throw new Error(`${what}: chain '${text}' is neither a chain id, a worker chain's name nor 'main'`);
}

/** Parses `--chain <id|name|main>` for commander. */
export function chainOption(text: string): ChainRef {
  try {
    return parseChainRef(text, "--chain");
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function shardOf(text: string, input: string): number {
  if (!UINT.test(text) || Number(text) > MAX_SHARD_ID)
    throw new Error(`--to '${input}': shard '${text}' is not an integer in 0..${MAX_SHARD_ID}`);
  return Number(text);
}

/**
 * Parses `--to ADDRESS[@[CHAIN/]SHARD]`: `vs…`, `vs…@2`, `vs…@1/3`, `vs…@gpu-rental/3`, `vs…@main/0`. CHAIN is a chain
 * id, a worker chain's name or `main` (chain 0). The error names the part at fault (`vs…@main` names no shard).
 */
export function parseDestination(text: string): ParsedDestination {
  const at = text.indexOf("@");
  const addressText = at < 0 ? text : text.slice(0, at);
  let address: Uint8Array;
  try {
    address = parseAddress(addressText);
  } catch (err) {
    if (err instanceof AddressError) throw new Error(`--to: ${err.message}`);
    throw err;
  }
  if (at < 0) return { address };
  const where = text.slice(at + 1);
  const slash = where.indexOf("/");
  if (slash < 0) {
    if (where === "")
      throw new Error(`--to '${text}': no shard after '@' (write vs…@SHARD or vs…@CHAIN/SHARD)`);
    if (where === "main")
      throw new Error(`--to '${text}': '@main' names no shard; the main chain's is @main/0`);
    if (!UINT.test(where) && CHAIN_NAME_PATTERN.test(where))
      throw new Error(`--to '${text}': '@${where}' names no shard; write @${where}/SHARD`);
    return { address, shard: shardOf(where, text) };
  }
  const chainText = where.slice(0, slash);
  const shardText = where.slice(slash + 1);
  if (chainText === "") throw new Error(`--to '${text}': no chain before '/' (write vs…@CHAIN/SHARD)`);
  const chain = parseChainRef(chainText, `--to '${text}'`);
  if (shardText === "")
    throw new Error(`--to '${text}': no shard after '${chainText}/' (write @${chainText}/SHARD)`);
  return { address, chain, shard: shardOf(shardText, text) };
}

/**
 * A chain as a transfer sees it: a worker chain with its schema, or a chain of which one shard is known (the main
 * chain's shard 0, or the shard a single-chain node serves as its default chain).
 */
export interface TransferChain {
  chainId: number;
  /** How messages name it: `chain 1 ('gpu-rental')`, `the main chain`. */
  label: string;
  schema: WorkerChainSchema | null;
  /** With `schema` null: the one shard it has. */
  shard: number;
}

/** The main chain: one shard, 0. */
export const MAIN_TRANSFER_CHAIN: TransferChain = {
  chainId: MAIN_CHAIN_ID,
  label: "the main chain",
  schema: null,
  shard: 0,
};

/** Looks a chain up by id or name through the API (`GET /v1/chains`, `GET /v1/chains/:id`); `what` names the option. */
export async function resolveChain(client: ApiClient, ref: ChainRef, what: string): Promise<TransferChain> {
  if (ref === MAIN_CHAIN_ID) return MAIN_TRANSFER_CHAIN;
  let chainId: number;
  if (typeof ref === "number") chainId = ref;
  else {
    const { chains } = await client.chains();
    const found = chains.find((c) => c.name === ref);
    if (!found) {
      const names = chains.map((c) => c.name).join(", ") || "none";
      throw new Error(`${what}: no worker chain is named '${ref}' (registered: ${names})`);
    }
    chainId = found.chainId;
  }
  try {
    const detail = await client.chain(chainId);
    const schema = parseWorkerChainSchema(detail.schema);
    return { chainId, label: `chain ${chainId} ('${schema.name}')`, schema, shard: 0 };
  } catch (err) {
    if (err instanceof ApiClientError && err.status === 404 && err.code === "CHAIN_NOT_FOUND")
      throw new Error(`${what}: there is no chain ${chainId} (see vshard chain list)`);
    throw err;
  }
}

/** Where a transfer is debited and credited. */
export interface TransferRoute {
  source: ShardRef;
  destination: ShardRef;
  to: Uint8Array;
}

/** What `planTransfer` needs: the chains resolved, the parsed `--to` and `--from-shard`. */
export interface TransferPlanInput {
  sender: Uint8Array;
  source: TransferChain;
  /** The destination's chain; the source chain when `--to` names none. */
  destination: TransferChain;
  to: ParsedDestination;
  fromShard?: number;
}

function shardCount(chain: TransferChain): number {
  return chain.schema === null ? 1 : chain.schema.shards.length;
}

/** The recipient's shard: `@shard`, or its home shard on the source chain; checked against the chain's rule. */
function destinationShard(input: TransferPlanInput): number {
  const { destination: chain, to } = input;
  const recipientHome = chain.schema === null ? chain.shard : homeShard(chain.schema, to.address);
  if (to.shard === undefined) {
    // parseDestination only leaves the shard out together with the chain: the source chain.
    if (recipientHome === null)
      throw new Error(`--to: ${chain.label} uses explicit-suffix assignment; name the shard: vs…@shard`);
    return recipientHome;
  }
  if (chain.schema === null) {
    if (to.shard !== chain.shard)
      throw new Error(
        chain.chainId === MAIN_CHAIN_ID
          ? `--to: the main chain has shard 0 only, got @${to.shard}`
          : `--to: this node serves shard ${chain.shard} of chain ${chain.chainId} only, got @${to.shard}; ` +
              "name the chain with --chain on a network node to reach its other shards",
      );
  } else if (to.shard >= shardCount(chain))
    throw new Error(`--to: chain ${chain.chainId} has shards 0..${shardCount(chain) - 1}, got @${to.shard}`);
  else if (recipientHome !== null && to.shard !== recipientHome)
    throw new Error(
      `--to: under address-hash the recipient lives on shard ${recipientHome} of chain ${chain.chainId} only, got @${to.shard}`,
    );
  return to.shard;
}

/**
 * The sender's shard: the one shard of a single-shard chain, its home shard under `address-hash`, `--from-shard` under
 * `explicit-suffix` (or, without it, the recipient's shard when the transfer stays on the chain).
 */
function sourceShard(input: TransferPlanInput, destination: ShardRef): number {
  const { source: chain, fromShard } = input;
  const from = addressToText(input.sender);
  if (chain.schema === null) {
    if (fromShard !== undefined && fromShard !== chain.shard)
      throw new Error(`--from-shard: ${chain.label} has shard ${chain.shard} only, got ${fromShard}`);
    return chain.shard;
  }
  const home = homeShard(chain.schema, input.sender);
  if (home !== null) {
    if (fromShard !== undefined && fromShard !== home)
      throw new Error(
        `--from-shard: under address-hash the sender ${from} lives on shard ${home} of ${chain.label} only, got ${fromShard}`,
      );
    return home;
  }
  if (fromShard !== undefined) {
    if (fromShard >= shardCount(chain))
      throw new Error(
        `--from-shard: ${chain.label} has shards 0..${shardCount(chain) - 1}, got ${fromShard}`,
      );
    return fromShard;
  }
  if (destination.chainId === chain.chainId) return destination.shard;
  throw new Error(
    `--from-shard: ${chain.label} uses explicit-suffix assignment; name the shard the sender sends from ` +
      `(--from-shard N) to send to another chain`,
  );
}

/** Decides where a transfer is debited and credited, with an error naming the option at fault. */
export function planTransfer(input: TransferPlanInput): TransferRoute {
  const destination = { chainId: input.destination.chainId, shard: destinationShard(input) };
  const source = { chainId: input.source.chainId, shard: sourceShard(input, destination) };
  return { source, destination, to: input.to.address };
}

/** Whether a route leaves its shard: a cross transfer rather than a plain one. */
export function isCrossShard(route: TransferRoute): boolean {
  return !sameShard(route.source, route.destination);
}

/**
 * The unsigned tx of a transfer: a plain `Transfer` when it stays in its shard, else a `CrossTransfer` from the
 * source shard. The fee is `fee` as given; the caller may recompute it under the chain's fee rule.
 */
export function transferTx(
  route: TransferRoute,
  sender: Uint8Array,
  nonce: number,
  amount: bigint,
  fee: bigint,
): Tx {
  const common = { chainId: route.source.chainId, shard: route.source.shard, sender, nonce, fee };
  if (!isCrossShard(route)) return { ...common, kind: TxKind.Transfer, payload: { to: route.to, amount } };
  return {
    ...common,
    kind: TxKind.CrossTransfer,
    payload: { to: route.to, destination: { ...route.destination }, amount },
  };
}
