import {
  addressFromPublicKey,
  addressToText,
  type FeeRules,
  homeShard,
  parseSubAccount,
  parseWorkerChainSchema,
  type SubAccount,
  signTx,
  type Tx,
  TxKind,
} from "@vshard/types";
import type { Command } from "commander";
import { type AccountJson, ApiClient } from "../client/apiClient.ts";
import { readKeyFile } from "../keyFile.ts";
import { API_OPTION, amountOption, intOption } from "./options.ts";
import { addWaitOptions, feeUnder, nextNonce, waitUntilFinal } from "./txSubmit.ts";

/** The fee of a transfer on the node's default chain or the main chain when `--fee` is not given. */
const DEFAULT_MAIN_FEE = 1n;

/** Where a transfer goes: its chain shard, recipient, the sender's account there and the fee rule. */
interface TransferTarget {
  chainId: number;
  shard: number;
  to: SubAccount;
  account: AccountJson;
  /** The worker chain's fee rule; null on the default or main chain (fee 1). */
  fees: FeeRules | null;
}

/** `vshard transfer`. */
export function registerTransferCommand(program: Command): void {
  const command = program
    .command("transfer")
    .description("sign a transfer with a key file and submit it")
    .requiredOption("--key <file>", "sender's key file")
    .requiredOption("--to <address>", "recipient: vs… or vs…@shard")
    .requiredOption("--amount <n>", "amount in base units", amountOption)
    .option(
      "--chain <id>",
      "chain to transfer on (default: the node's default chain); the sender's shard is its home shard under " +
        "address-hash, the --to suffix under explicit-suffix",
      intOption,
    )
    .option("--fee <n>", "fee in base units (default: 1, or the worker chain's fee rule)", amountOption)
    .option("--nonce <n>", "nonce (default: the account's next, counting its pending txs)", intOption);
  addWaitOptions(command, "transfer").option(...API_OPTION);
  command.action(async (o) => {
    const client = new ApiClient(o.api);
    const keys = await readKeyFile(o.key);
    const sender = addressFromPublicKey(keys.publicKey);
    const from = addressToText(sender);
    const target =
      o.chain === undefined
        ? await defaultChainTarget(client, o.to, from)
        : await chainTarget(client, o.chain, o.to, sender);
    const nonce: number = o.nonce ?? nextNonce(target.account);
    const tx: Tx = {
      chainId: target.chainId,
      shard: target.shard,
      kind: TxKind.Transfer,
      sender: keys.publicKey,
      nonce,
      fee: DEFAULT_MAIN_FEE,
      payload: { to: target.to.address, amount: o.amount },
    };
    tx.fee = o.fee ?? (target.fees === null ? DEFAULT_MAIN_FEE : feeUnder(target.fees, tx));
    const hash = await client.submit(signTx(tx, keys.secretKey));
    const where = o.chain === undefined ? "" : `chain ${target.chainId} shard ${target.shard}, `;
    console.log(`submitted ${hash} (${where}from ${from}, nonce ${nonce})`);
    if (!o.wait) return;
    const final = await waitUntilFinal(client, hash, o.timeout, "transfer");
    console.log(`final in block ${final.receipt?.blockHeight}`);
  });
}

/** The node's default chain: the shard `GET /v1/head` names; the recipient must be on it. */
async function defaultChainTarget(client: ApiClient, toText: string, from: string): Promise<TransferTarget> {
  const head = await client.head();
  const to = parseSubAccount(toText, head.shard);
  if (to.shard !== head.shard)
    throw new Error(`this node serves shard ${head.shard}; cross-shard transfers are not available on it`);
  return { chainId: head.chainId, shard: head.shard, to, account: await client.account(from), fees: null };
}

/**
 * Chain `chainId` (`--chain`): the main chain's only shard, or the worker chain shard the sender's sub-account lives
 * in (its home shard under `address-hash`, the recipient's `@shard` under `explicit-suffix`).
 */
async function chainTarget(
  client: ApiClient,
  chainId: number,
  toText: string,
  sender: Uint8Array,
): Promise<TransferTarget> {
  const from = addressToText(sender);
  const { main } = await client.chains();
  if (chainId === main.chainId) {
    const to = parseSubAccount(toText, 0);
    if (to.shard !== 0) throw new Error(`--to: the main chain has shard 0 only, got @${to.shard}`);
    return { chainId, shard: 0, to, account: await client.chainAccount(chainId, 0, from), fees: null };
  }
  const detail = await client.chain(chainId);
  const schema = parseWorkerChainSchema(detail.schema);
  const home = homeShard(schema, sender);
  let to: SubAccount;
  if (home === null) {
    if (!toText.includes("@"))
      throw new Error(
        `--to: chain ${chainId} ('${schema.name}') uses explicit-suffix assignment; name the shard: vs…@shard`,
      );
    to = parseSubAccount(toText);
    if (to.shard >= schema.shards.length)
      throw new Error(`--to: chain ${chainId} has shards 0..${schema.shards.length - 1}, got @${to.shard}`);
  } else {
    const toHome = homeShard(schema, parseSubAccount(toText, 0).address) as number;
    to = parseSubAccount(toText, toHome);
    if (to.shard !== toHome)
      throw new Error(
        `--to: under address-hash the recipient lives on shard ${toHome} of chain ${chainId} only, got @${to.shard}`,
      );
    if (to.shard !== home)
      throw new Error(
        `the sender ${from} lives on shard ${home} of chain ${chainId} and the recipient on shard ${to.shard}; ` +
          "cross-shard transfers are not available from the CLI",
      );
  }
  const account = await client.chainAccount(chainId, to.shard, from);
  return { chainId, shard: to.shard, to, account, fees: schema.fees };
}
