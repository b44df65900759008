import { MAIN_CHAIN_ID } from "@vshard/engine";
import { addressFromPublicKey, addressToText, signTx } from "@vshard/types";
import type { Command } from "commander";
import { type AccountJson, ApiClient } from "../client/apiClient.ts";
import { readKeyFile } from "../keyFile.ts";
import { API_OPTION, amountOption, intOption } from "./options.ts";
import {
  type ChainRef,
  chainOption,
  isCrossShard,
  MAIN_TRANSFER_CHAIN,
  type ParsedDestination,
  parseDestination,
  planTransfer,
  resolveChain,
  type TransferChain,
  type TransferRoute,
  transferTx,
} from "./transferTarget.ts";
import { waitUntilCredited } from "./transferWait.ts";
import { addWaitOptions, feeUnder, nextNonce, waitUntilFinal } from "./txSubmit.ts";

/** The fee of a transfer on the node's default chain or the main chain when `--fee` is not given. */
const DEFAULT_MAIN_FEE = 1n;

/** `vshard transfer`. */
export function registerTransferCommand(program: Command): void {
  const command = program
    .command("transfer")
    .description(
      "sign a transfer with a key file and submit it; to another shard or chain it is a cross transfer, debited here " +
        "and credited there once relayed",
    )
    .requiredOption("--key <file>", "sender's key file")
    .requiredOption(
      "--to <address>",
      "recipient: vs…, vs…@SHARD (a shard of the source chain) or vs…@CHAIN/SHARD (CHAIN: an id, a worker chain's " +
        "name or main, e.g. vs…@gpu-rental/3, vs…@main/0)",
    )
    .requiredOption("--amount <n>", "amount in base units", amountOption)
    .option(
      "--chain <id|name|main>",
      "chain to send from (default: the node's default chain); the sender's shard is its home shard under " +
        "address-hash, --from-shard (or the --to shard on the same chain) under explicit-suffix",
      chainOption,
    )
    .option(
      "--from-shard <n>",
      "the sender's shard on an explicit-suffix chain (required to send to another shard or chain)",
      intOption,
    )
    .option("--fee <n>", "fee in base units (default: 1, or the source chain's fee rule)", amountOption)
    .option("--nonce <n>", "nonce (default: the account's next, counting its pending txs)", intOption);
  addWaitOptions(command, "transfer").option(...API_OPTION);
  command.action(async (o) => {
    const client = new ApiClient(o.api);
    const keys = await readKeyFile(o.key);
    const sender = addressFromPublicKey(keys.publicKey);
    const from = addressToText(sender);
    const to = parseDestination(o.to);
    const source = await sourceChain(client, o.chain);
    const destination = await destinationChain(client, source, to);
    const route = planTransfer({ sender, source, destination, to, fromShard: o.fromShard });
    const account = await senderAccount(client, o.chain === undefined, route, from);
    const nonce: number = o.nonce ?? nextNonce(account);
    const tx = transferTx(route, keys.publicKey, nonce, o.amount, DEFAULT_MAIN_FEE);
    tx.fee = o.fee ?? (source.schema === null ? DEFAULT_MAIN_FEE : feeUnder(source.schema.fees, tx));
    const hash = await client.submit(signTx(tx, keys.secretKey));
    const cross = isCrossShard(route);
    console.log(
      `submitted ${hash} (${whereLine(route, cross || o.chain !== undefined)}from ${from}, nonce ${nonce})`,
    );
    if (!o.wait) return;
    if (!cross) {
      const final = await waitUntilFinal(client, hash, o.timeout, "transfer");
      console.log(`final in block ${final.receipt?.blockHeight}`);
      return;
    }
    await waitUntilCredited(client, hash, o.timeout, (line) => console.log(line));
  });
}

/** The chain the transfer is sent from: `--chain`, else the node's default chain. */
async function sourceChain(client: ApiClient, ref: ChainRef | undefined): Promise<TransferChain> {
  if (ref !== undefined) return resolveChain(client, ref, "--chain");
  // The node's default chain: the main chain on a network node, else the one shard a single-chain node serves.
  const head = await client.head();
  if (head.chainId === MAIN_CHAIN_ID && head.shard === 0) return MAIN_TRANSFER_CHAIN;
  return { chainId: head.chainId, label: `chain ${head.chainId}`, schema: null, shard: head.shard };
}

/** The recipient's chain: the source chain unless `--to` names another. */
async function destinationChain(
  client: ApiClient,
  source: TransferChain,
  to: ParsedDestination,
): Promise<TransferChain> {
  if (to.chain === undefined || to.chain === source.chainId) return source;
  return resolveChain(client, to.chain, "--to");
}

/** The sender's account in the source shard: the default chain's route without `--chain`, else the shard's. */
function senderAccount(
  client: ApiClient,
  onDefaultChain: boolean,
  route: TransferRoute,
  from: string,
): Promise<AccountJson> {
  if (onDefaultChain) return client.account(from);
  return client.chainAccount(route.source.chainId, route.source.shard, from);
}

/** `chain 1 shard 0, ` or `chain 1 shard 0 to chain 2 shard 3, `; empty when not shown. */
function whereLine(route: TransferRoute, shown: boolean): string {
  if (!shown) return "";
  const { source: s, destination: d } = route;
  const cross = isCrossShard(route) ? ` to chain ${d.chainId} shard ${d.shard}` : "";
  return `chain ${s.chainId} shard ${s.shard}${cross}, `;
}
